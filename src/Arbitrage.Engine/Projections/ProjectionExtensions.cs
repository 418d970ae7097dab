using System.Collections.Concurrent;
using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Arbitrage.Engine.Persistence;

namespace Arbitrage.Engine.Projections;

/// <summary>How projection streams batch and restart.</summary>
/// <param name="BatchSize">Events applied in one transaction at most.</param>
/// <param name="BatchWindow">How long a partial batch waits for more events.</param>
/// <param name="MinBackoff">First restart delay after a failure (database down, bad row).</param>
/// <param name="MaxBackoff">Longest restart delay.</param>
public sealed record ProjectionSettings(int BatchSize, TimeSpan BatchWindow, TimeSpan MinBackoff, TimeSpan MaxBackoff)
{
    public static ProjectionSettings Default { get; } = new(200, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
}

/// <summary>
/// Starts one resumable projection stream per tag: <c>EventsByTag(tag, stored offset)</c> → batches →
/// handlers + offset in one transaction. A failure restarts the stream with backoff from the stored offset.
/// </summary>
public static class ProjectionExtensions
{
    /// <summary>The projection name (row of <c>projection_offsets</c>) for a tag.</summary>
    public static string ProjectionName(string tag) => "tag:" + tag;

    public static RunningProjections StartProjections(
        this ActorSystem system,
        Database database,
        IEnumerable<IProjectionHandler>? handlers = null,
        ProjectionSettings? settings = null)
    {
        settings ??= ProjectionSettings.Default;
        var all = (handlers ?? ReadModels.DefaultHandlers()).ToArray();
        var store = new ProjectionStore(database);
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var materializer = system.Materializer(namePrefix: "projections");
        var log = Logging.GetLogger(system, typeof(ProjectionExtensions));
        var running = new RunningProjections();

        foreach (var group in all.GroupBy(h => h.Tag, StringComparer.Ordinal))
        {
            var tag = group.Key;
            var name = ProjectionName(tag);
            var byType = new Dictionary<Type, IProjectionHandler>();
            foreach (var handler in group)
            {
                if (!byType.TryAdd(handler.EventType, handler))
                {
                    throw new ArgumentException($"Two projection handlers for {handler.EventType.Name} on tag '{tag}'.", nameof(handlers));
                }
            }

            var source = RestartSource.OnFailuresWithBackoff(
                () => Source.FromTask(PrepareAsync(store, all, name, log))
                    .ConcatMany(offset => journal.EventsByTag(tag, Offset.Sequence(offset)))
                    .GroupedWithin(settings.BatchSize, settings.BatchWindow)
                    .SelectAsync(1, batch => store.ApplyBatchAsync(name, batch.ToList(), byType, CancellationToken.None)),
                RestartSettings.Create(settings.MinBackoff, settings.MaxBackoff, 0.2));

            var (killSwitch, completion) = source
                .ViaMaterialized(KillSwitches.Single<long>(), Keep.Right)
                .ToMaterialized(Sink.ForEach<long>(offset => running.Report(tag, offset)), Keep.Both)
                .Run(materializer);
            running.Add(tag, killSwitch, completion);
        }

        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseServiceStop, "stop-projections", async () =>
        {
            await running.StopAsync().ConfigureAwait(false);
            return Done.Instance;
        });
        return running;
    }

    private static async Task<long> PrepareAsync(ProjectionStore store, IEnumerable<IProjectionHandler> handlers, string name, ILoggingAdapter log)
    {
        try
        {
            await store.EnsureSchemaAsync(handlers, CancellationToken.None).ConfigureAwait(false);
            var offset = await store.ReadOffsetAsync(name, CancellationToken.None).ConfigureAwait(false);
            log.Info("Projection {0} resumes after journal ordering {1}", name, offset);
            return offset;
        }
        catch (Exception e)
        {
            log.Warning("Projection {0} cannot start yet ({1}); retrying with backoff", name, e.Message);
            throw;
        }
    }
}

/// <summary>The running projection streams: last applied offset per tag, and a graceful stop.</summary>
public sealed class RunningProjections
{
    private readonly ConcurrentDictionary<string, long> _offsets = new(StringComparer.Ordinal);
    private readonly List<(UniqueKillSwitch KillSwitch, Task Completion)> _streams = [];

    public IReadOnlyCollection<string> Tags => _offsets.Keys.ToArray();

    /// <summary>The journal ordering of the last batch applied for <paramref name="tag"/> since start (0 before).</summary>
    public long OffsetOf(string tag) => _offsets.TryGetValue(tag, out var o) ? o : 0;

    /// <summary>Stops every stream after its current batch and waits for them to finish.</summary>
    public async Task StopAsync()
    {
        foreach (var (killSwitch, _) in _streams)
        {
            killSwitch.Shutdown();
        }

        foreach (var (_, completion) in _streams)
        {
            try
            {
                await completion.ConfigureAwait(false);
            }
            catch (Exception e) when (e is AbruptTerminationException or AbruptStageTerminationException)
            {
                // The materializer went away with the actor system: the last committed offset stands.
            }
        }
    }

    internal void Add(string tag, UniqueKillSwitch killSwitch, Task completion)
    {
        _offsets.TryAdd(tag, 0);
        _streams.Add((killSwitch, completion));
    }

    internal void Report(string tag, long offset) => _offsets[tag] = offset;
}
