Console.Error.WriteLine("arbctl: not built yet");
return 2;
