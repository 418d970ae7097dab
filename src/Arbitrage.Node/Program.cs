Console.Error.WriteLine("Arbitrage.Node: not built yet");
return 2;
