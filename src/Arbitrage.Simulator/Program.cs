using Arbitrage.Simulator;

// Standalone: dotnet run --project src/Arbitrage.Simulator -- --tape FILE... [--speed N|max] [--port P] [--host ADDRESS]
//             [--api-key K --api-secret S] [--start now|subscriber|manual]
// The first stdout line is exactly "listening http://127.0.0.1:P". Bad arguments: one line on stderr, exit 2.
var parsed = SimulatorCommandLine.Parse(args);
if (parsed.Error is { } error)
{
    Console.Error.WriteLine($"Arbitrage.Simulator: {error}");
    Console.Error.WriteLine(SimulatorCommandLine.Usage);
    return 2;
}

await using var host = await SimulatorHost.StartAsync(parsed.Options!);
Console.Out.WriteLine($"listening {host.BaseUrl.ToString().TrimEnd('/')}");
Console.Out.Flush();

var stop = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.TrySetResult();
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.TrySetResult();
// SIGTERM stops gracefully too (the host has no console lifetime: its owner, here this file, stops it).
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, ctx =>
{
    ctx.Cancel = true;
    stop.TrySetResult();
});
await stop.Task;
return 0;
