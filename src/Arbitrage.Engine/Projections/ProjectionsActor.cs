using Akka.Actor;
using Akka.Pattern;
using Arbitrage.Engine.Persistence;

namespace Arbitrage.Engine.Projections;

/// <summary>
/// <c>projections</c>: runs the read-model projections (<see cref="ProjectionExtensions.StartProjections"/>) for as
/// long as it lives. One per cluster (a singleton): two writers of one projection would race on its offset.
/// </summary>
public sealed class ProjectionsActor : ReceiveActor
{
    private readonly Database _database;
    private RunningProjections? _running;

    public ProjectionsActor(Database database)
    {
        _database = database;
    }

    public static Props Props(Database database) => Akka.Actor.Props.Create(() => new ProjectionsActor(database));

    /// <summary>
    /// <see cref="Props(Database)"/> under a backoff supervisor (0.5-10 s, forever): starting the streams asks the
    /// system for a materializer and the read journal, which can time out on a starved machine; the projections then
    /// start again instead of staying dead until the singleton moves.
    /// </summary>
    public static Props SupervisedProps(Database database) =>
        BackoffSupervisor.Props(Backoff.OnStop(
            Props(database),
            childName: "projections",
            minBackoff: TimeSpan.FromMilliseconds(500),
            maxBackoff: TimeSpan.FromSeconds(10),
            randomFactor: 0.2,
            maxNrOfRetries: -1));

    protected override void PreStart() => _running = Context.System.StartProjections(_database);

    protected override void PostStop()
    {
        // Each stream stops after its current batch; its stored offset is where the next holder resumes.
        _ = _running?.StopAsync();
        base.PostStop();
    }
}
