namespace Arbitrage.Benchmarks;

/// <summary>The list of end-to-end benches; add one line per bench.</summary>
internal static class EndToEndRegistry
{
    public static void RegisterAll()
    {
        EndToEnd.Register("journal", Journal.JournalWriteBench.RunAsync);
        EndToEnd.Register("replay", Replay.ReplayBench.RunAsync);
        EndToEnd.Register("funding", Funding.FundingSnapshotBench.RunAsync);
        EndToEnd.Register("load", Load.LoadBench.RunAsync);
        EndToEnd.Register("latency", Execution.LatencyBench.RunAsync);
        EndToEnd.Register("recovery", Recovery.RecoveryBench.RunAsync);
        EndToEnd.Register("tritape", Triangles.TriangleTapeBench.RunAsync);
        EndToEnd.Register("tridecision", Triangles.TriangleActorLatencyBench.RunAsync);
        EndToEnd.Register("trileg", Triangles.TriangleLegLatencyBench.RunAsync);
        EndToEnd.Register("sweep", Sweeps.SweepBench.RunAsync);
    }
}
