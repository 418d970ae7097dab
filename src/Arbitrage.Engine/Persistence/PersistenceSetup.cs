using System.Data.Common;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Persistence.Sql.Config;
using LinqToDB;
using LinqToDB.Interceptors;

namespace Arbitrage.Engine.Persistence;

/// <summary>
/// The Akka.Persistence.Sql <see cref="DataOptionsSetup"/> for a <see cref="Database"/>: the same provider and
/// connection string as the HOCON (for PostgreSQL <see cref="AkkaConfig.JournalConnectionString"/>), plus a linq2db connection interceptor that applies
/// <see cref="Database.ApplyPragmas"/> to every connection the journal, snapshot store and queries open —
/// SQLite's <c>synchronous</c> is per connection and cannot be set in the connection string.
/// Pass it to every actor system that persists: <c>ActorSystem.Create(name, PersistenceSetup.Bootstrap(config, db))</c>,
/// or <c>AkkaConfigurationBuilder.AddSetup(PersistenceSetup.For(db))</c> under Akka.Hosting.
/// </summary>
public static class PersistenceSetup
{
    public static DataOptionsSetup For(Database database) => new(Options(database));

    /// <summary>The linq2db options: provider, connection string and (SQLite) the pragma interceptor.</summary>
    public static DataOptions Options(Database database)
    {
        ArgumentNullException.ThrowIfNull(database);
        var connectionString = database.Backend == StorageBackend.PostgreSql
            ? AkkaConfig.JournalConnectionString(database.ConnectionString)
            : database.ConnectionString;
        var options = new DataOptions().UseConnectionString(database.ProviderName, connectionString);
        return database.Backend == StorageBackend.Sqlite ? options.UseInterceptor(new PragmaInterceptor(database)) : options;
    }

    /// <summary>An <see cref="ActorSystemSetup"/> of <paramref name="config"/> with <see cref="For"/>.</summary>
    public static ActorSystemSetup Bootstrap(Akka.Configuration.Config config, Database database) =>
        BootstrapSetup.Create().WithConfig(config).And(For(database));

    private sealed class PragmaInterceptor(Database database) : ConnectionInterceptor
    {
        public override void ConnectionOpened(ConnectionEventData eventData, DbConnection connection) =>
            database.ApplyPragmas(connection);

        public override Task ConnectionOpenedAsync(ConnectionEventData eventData, DbConnection connection, CancellationToken cancellationToken)
        {
            database.ApplyPragmas(connection);
            return Task.CompletedTask;
        }
    }
}
