using Arbitrage.Node.Hosting;

return await NodeProgram.RunAsync(args);
