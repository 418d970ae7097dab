using Akka.Actor;

namespace Arbitrage.Node.Api.Diagnostics;

/// <summary>One actor in the hierarchy.</summary>
public sealed record ActorNode(string Name, string Path, IReadOnlyList<ActorNode> Children);

public sealed record ActorTree(IReadOnlyList<ActorNode> Roots, int Depth, int Count, bool Truncated)
{
    /// <summary>Every path of the tree, parents before children (the flat form a node sends another).</summary>
    public IReadOnlyList<string> Paths()
    {
        var paths = new List<string>(Count);
        var queue = new Queue<ActorNode>(Roots);
        while (queue.TryDequeue(out var node))
        {
            paths.Add(node.Path);
            foreach (var child in node.Children)
            {
                queue.Enqueue(child);
            }
        }

        return paths;
    }

    /// <summary>
    /// The first paths of <paramref name="paths"/> (parents come first, so the cut keeps a tree) whose lengths add up to at
    /// most <paramref name="maxChars"/>, and whether any was left out: a reply to another node must fit Akka's frame.
    /// </summary>
    public static (IReadOnlyList<string> Paths, bool Cut) Bounded(IReadOnlyList<string> paths, int maxChars)
    {
        var total = 0;
        for (var i = 0; i < paths.Count; i++)
        {
            total += paths[i].Length + 4; // the JSON quotes and comma
            if (total > maxChars)
            {
                return (paths.Take(i).ToArray(), true);
            }
        }

        return (paths, false);
    }

    /// <summary>
    /// The tree of <paramref name="paths"/> (as <see cref="Paths"/> gives them, in any order): each path hangs under its
    /// longest listed ancestor; one whose ancestors are all missing becomes a root. Children sorted by name.
    /// </summary>
    public static ActorTree FromPaths(IReadOnlyList<string> paths, int depth, bool truncated)
    {
        var children = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var ordered = paths.Select(p => p.TrimEnd('/')).Where(p => p.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        foreach (var path in ordered)
        {
            children[path] = [];
        }

        var roots = new List<string>();
        foreach (var path in ordered)
        {
            var parent = path;
            string? found = null;
            while (found is null && parent.LastIndexOf('/') is > 0 and var cut)
            {
                parent = parent[..cut];
                found = children.ContainsKey(parent) ? parent : null;
            }

            (found is null ? roots : children[found]).Add(path);
        }

        ActorNode Node(string path) =>
            new(path[(path.LastIndexOf('/') + 1)..], path, children[path].Order(StringComparer.Ordinal).Select(Node).ToArray());

        return new ActorTree(roots.Order(StringComparer.Ordinal).Select(Node).ToArray(), depth, ordered.Length, truncated);
    }
}

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
