using Akka.Actor;

namespace Arbitrage.Node.Api.Diagnostics;

/// <summary>One actor in the hierarchy.</summary>
public sealed record ActorNode(string Name, string Path, IReadOnlyList<ActorNode> Children);

public sealed record ActorTree(IReadOnlyList<ActorNode> Roots, int Depth, int Count, bool Truncated);

/// <summary>
/// Walks the local hierarchy breadth-first with <see cref="Identify"/> sent to <c>path/*</c> selections: a level
/// ends after <c>quiet</c> without a new reply (or <c>levelCap</c>). Depth- and size-limited; stops itself.
/// </summary>
public sealed class ActorTreeWalker : ReceiveActor, IWithTimers
{
    private readonly Dictionary<string, List<string>> _children = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<string> _roots;
    private readonly int _depth;
    private readonly int _maxNodes;
    private readonly TimeSpan _quiet;
    private readonly TimeSpan _levelCap;
    private readonly TaskCompletionSource<ActorTree> _result;
    private List<string> _frontier;
    private List<string> _next = [];
    private int _level;
    private int _count;
    private bool _truncated;

    public ActorTreeWalker(IReadOnlyList<string> roots, int depth, int maxNodes, TimeSpan quiet, TaskCompletionSource<ActorTree> result)
    {
        _roots = roots;
        _depth = depth;
        _maxNodes = maxNodes;
        _quiet = quiet;
        _levelCap = quiet * 20;
        _result = result;
        _frontier = [.. roots];
        foreach (var r in roots)
        {
            _children[r] = [];
        }

        _count = roots.Count;
        Receive<ActorIdentity>(OnIdentity);
        Receive<LevelDone>(_ => NextLevel());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IReadOnlyList<string> roots, int depth, int maxNodes, TimeSpan quiet, TaskCompletionSource<ActorTree> result) =>
        Akka.Actor.Props.Create(() => new ActorTreeWalker(roots, depth, maxNodes, quiet, result));

    protected override void PreStart() => StartLevel();

    protected override void PostStop() => _result.TrySetResult(Build());

    private void StartLevel()
    {
        if (_level >= _depth || _frontier.Count == 0)
        {
            Context.Stop(Self);
            return;
        }

        foreach (var path in _frontier)
        {
            Context.ActorSelection(path.TrimEnd('/') + "/*").Tell(new Identify(path));
        }

        Timers.StartSingleTimer("quiet", LevelDone.Instance, _quiet);
        Timers.StartSingleTimer("cap", LevelDone.Instance, _levelCap);
    }

    private void OnIdentity(ActorIdentity id)
    {
        if (id.Subject is null || id.MessageId is not string parent || !_children.TryGetValue(parent, out var siblings) || id.Subject.Equals(Self))
        {
            return;
        }

        var path = id.Subject.Path.ToStringWithoutAddress();
        if (_children.ContainsKey(path))
        {
            return;
        }

        if (_count >= _maxNodes)
        {
            _truncated = true;
            return;
        }

        _count++;
        siblings.Add(path);
        _children[path] = [];
        _next.Add(path);
        Timers.StartSingleTimer("quiet", LevelDone.Instance, _quiet);
    }

    private void NextLevel()
    {
        Timers.CancelAll();
        _level++;
        _frontier = _next;
        _next = [];
        StartLevel();
    }

    private ActorTree Build()
    {
        ActorNode Node(string path)
        {
            var kids = _children[path];
            kids.Sort(StringComparer.Ordinal);
            var name = path.TrimEnd('/');
            return new ActorNode(name[(name.LastIndexOf('/') + 1)..], path, kids.Select(Node).ToArray());
        }

        return new ActorTree(_roots.Select(Node).ToArray(), _depth, _count, _truncated);
    }

    private sealed class LevelDone : INoSerializationVerificationNeeded
    {
        public static readonly LevelDone Instance = new();
    }
}
