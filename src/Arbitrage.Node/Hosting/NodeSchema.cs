using Arbitrage.Engine.Funding;
using Arbitrage.Engine.Persistence;
using Arbitrage.Engine.Projections;
using Arbitrage.Engine.Recording;
using Arbitrage.Node.Auth;

namespace Arbitrage.Node.Hosting;

/// <summary>
/// The node's own tables (market tape, read models, funding, auth), created once, one after another, before
/// Akka starts — so the projections, stores and endpoints that also ensure them only ever find them. Journal
/// and snapshot tables are Akka.Persistence.Sql's (<c>auto-initialize</c>), each created by its one plugin actor.
/// </summary>
public static class NodeSchema
{
    public static async Task EnsureAsync(Database database, CancellationToken ct)
    {
        await new AggTradeStore(database).EnsureSchemaAsync(ct).ConfigureAwait(false);
        await new ProjectionStore(database).EnsureSchemaAsync(ReadModels.DefaultHandlers(), ct).ConfigureAwait(false);
        await FundingSchema.EnsureCreatedAsync(database, ct).ConfigureAwait(false);
        await AuthStore.EnsureSchemaAsync(database, ct).ConfigureAwait(false);
        await new Alerts.AlertOutbox(database).EnsureSchemaAsync(ct).ConfigureAwait(false);
    }
}
