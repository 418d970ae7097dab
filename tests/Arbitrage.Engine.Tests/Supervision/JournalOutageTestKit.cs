using Akka.Configuration;
using Akka.Persistence.TestKit;
using Arbitrage.Testing;
using Xunit.Abstractions;

namespace Arbitrage.Engine.Tests.Supervision;

/// <summary>
/// A test system on Akka's test journal, whose writes and recoveries fail or pass on command: a database outage for
/// persistent actors, without a database. The repository's akka.conf (our serializers) is layered in.
/// </summary>
public abstract class JournalOutageTestKit(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(Configure(), output: output)
{
    protected ITestJournal Journal => TestJournal.FromRef(Akka.Persistence.Persistence.Instance.Apply(Sys).JournalFor(null));

    private static Config Configure() => ConfigurationFactory.ParseString("""
        akka.loglevel = INFO
        akka.persistence {
          journal {
            plugin = "akka.persistence.journal.test"
            auto-start-journals = ["akka.persistence.journal.test"]
            test {
              class = "Akka.Persistence.TestKit.TestJournal, Akka.Persistence.TestKit"
              plugin-dispatcher = "akka.actor.default-dispatcher"
            }
          }
          snapshot-store {
            plugin = "akka.persistence.snapshot-store.test"
            test {
              class = "Akka.Persistence.TestKit.TestSnapshotStore, Akka.Persistence.TestKit"
              plugin-dispatcher = "akka.actor.default-dispatcher"
            }
          }
        }
        """).WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(RepoPaths.Hocon, "akka.conf"))));
}
