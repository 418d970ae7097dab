using Akka.Configuration;
using Arbitrage.Engine.Persistence;
using Arbitrage.Testing;
using Xunit.Abstractions;

namespace Arbitrage.Engine.Tests.Symbols;

/// <summary>
/// A TestKit whose ActorSystem journals to its own temp SQLite file (the production HOCON + test.conf, no
/// cluster). <see cref="Config"/> lets a test start a second ActorSystem on the same file (recovery).
/// </summary>
public abstract class SqliteTestKit : Akka.TestKit.Xunit2.TestKit
{
    protected SqliteTestKit(ITestOutputHelper output)
        : this(NewDatabase(), output)
    {
    }

    /// <param name="extra">Configuration over the production HOCON (highest priority).</param>
    protected SqliteTestKit(ITestOutputHelper output, Config extra)
        : this(NewDatabase(extra), output)
    {
    }

    private SqliteTestKit((Config Config, string Directory) db, ITestOutputHelper output)
        : base(db.Config, "test", output)
    {
        Config = db.Config;
        DatabaseDirectory = db.Directory;
    }

    protected Config Config { get; }

    protected string DatabaseDirectory { get; }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            TestDatabases.DeleteQuietly(DatabaseDirectory);
        }
    }

    private static (Config, string) NewDatabase(Config? extra = null)
    {
        var db = TestDatabases.NewSqliteFile(out var directory);
        db.PrepareAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        var config = AkkaConfig.Build(RepoPaths.Hocon, db, [RepoPaths.TestHocon], includeCluster: false);
        return (extra is null ? config : extra.WithFallback(config), directory);
    }
}
