using Akka.Actor;
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

    protected override void PreStart() => _running = Context.System.StartProjections(_database);

    protected override void PostStop()
    {
        // Each stream stops after its current batch; its stored offset is where the next holder resumes.
        _ = _running?.StopAsync();
        base.PostStop();
    }
}
