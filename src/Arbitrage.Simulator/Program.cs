Console.Error.WriteLine("Arbitrage.Simulator: not built yet");
return 2;
