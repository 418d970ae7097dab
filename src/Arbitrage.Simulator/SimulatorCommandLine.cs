using System.Globalization;
using Arbitrage.Binance.Tapes;

namespace Arbitrage.Simulator;

/// <summary>The standalone simulator's arguments (hand-parsed: the project does not reference System.CommandLine).</summary>
public static class SimulatorCommandLine
{
    public const string Usage =
        "usage: Arbitrage.Simulator --tape FILE [--tape FILE...] [--metrics SYMBOL=FILE...] [--speed N|max] [--port P] [--host ADDRESS] [--api-key K --api-secret S] [--start now|subscriber|manual]"
        + " [--spot-balance ASSET=AMOUNT[,ASSET=AMOUNT...]] [--spot-order-limits PER_10S,PER_DAY]";

    public sealed record Result(SimulatorOptions? Options, string? Error);

    public static Result Parse(IReadOnlyList<string> args)
    {
        var tapes = new List<string>();
        var metrics = new Dictionary<string, IReadOnlyList<FuturesMetricPoint>>(StringComparer.Ordinal);
        var options = new SimulatorOptions();
        string? key = null, secret = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Value()
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    throw new ArgumentException($"{arg} needs a value");
                return args[++i];
            }
            try
            {
                switch (arg)
                {
                    case "--tape":
                        var path = Value();
                        if (!File.Exists(path)) return new(null, $"--tape: file not found: {path}");
                        tapes.Add(path);
                        // Several files may follow one --tape.
                        while (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                        {
                            var more = args[++i];
                            if (!File.Exists(more)) return new(null, $"--tape: file not found: {more}");
                            tapes.Add(more);
                        }
                        break;
                    case "--metrics":
                        var spec = Value();
                        var at = spec.IndexOf('=', StringComparison.Ordinal);
                        if (at <= 0) return new(null, $"--metrics takes SYMBOL=FILE (the 5-minute klines+metrics CSV), not '{spec}'");
                        var file = spec[(at + 1)..];
                        if (!File.Exists(file)) return new(null, $"--metrics: file not found: {file}");
                        try
                        {
                            metrics[spec[..at].ToUpperInvariant()] = FuturesMetricsCsv.Read(file);
                        }
                        catch (TapeFormatException e)
                        {
                            return new(null, $"--metrics: {e.Message}");
                        }
                        break;
                    case "--speed":
                        var s = Value();
                        if (s == "max") options = options with { Speed = double.PositiveInfinity };
                        else if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var speed) && speed > 0 && double.IsFinite(speed))
                            options = options with { Speed = speed };
                        else return new(null, $"--speed must be a positive number or 'max', not '{s}'");
                        break;
                    case "--port":
                        var p = Value();
                        if (!int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out var port) || port is < 0 or > 65535)
                            return new(null, $"--port must be 0..65535, not '{p}'");
                        options = options with { Port = port };
                        break;
                    case "--host":
                        var h = Value();
                        if (!System.Net.IPAddress.TryParse(h, out var host))
                            return new(null, $"--host must be an IP address (127.0.0.1, or 0.0.0.0 in a container), not '{h}'");
                        options = options with { Host = host };
                        break;
                    case "--api-key": key = Value(); break;
                    case "--api-secret": secret = Value(); break;
                    case "--start":
                        var st = Value();
                        PlaybackStart? start = st switch
                        {
                            "now" => PlaybackStart.Immediately,
                            "subscriber" => PlaybackStart.OnFirstSubscriber,
                            "manual" => PlaybackStart.Manual,
                            _ => null,
                        };
                        if (start is null) return new(null, $"--start must be now, subscriber or manual, not '{st}'");
                        options = options with { Start = start.Value };
                        break;
                    case "--spot-balance":
                        var balances = new Dictionary<string, decimal>(StringComparer.Ordinal);
                        foreach (var pair in Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                        {
                            var eq = pair.IndexOf('=', StringComparison.Ordinal);
                            if (eq <= 0 || !decimal.TryParse(pair[(eq + 1)..], NumberStyles.Number, CultureInfo.InvariantCulture, out var amount) || amount < 0)
                                return new(null, $"--spot-balance takes ASSET=AMOUNT pairs (amount >= 0), not '{pair}'");
                            balances[pair[..eq].ToUpperInvariant()] = amount;
                        }
                        options = options with { Spot = options.Spot with { InitialBalances = balances } };
                        break;
                    case "--spot-order-limits":
                        var limits = Value().Split(',');
                        if (limits.Length != 2
                            || !int.TryParse(limits[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var per10) || per10 < 1
                            || !int.TryParse(limits[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var perDay) || perDay < 1)
                            return new(null, $"--spot-order-limits takes PER_10S,PER_DAY (positive integers), not '{string.Join(',', limits)}'");
                        options = options with { Spot = options.Spot with { OrderLimitPer10Seconds = per10, OrderLimitPerDay = perDay } };
                        break;
                    default:
                        return new(null, $"unknown argument '{arg}'");
                }
            }
            catch (ArgumentException e)
            {
                return new(null, e.Message);
            }
        }
        if ((key is null) != (secret is null)) return new(null, "--api-key and --api-secret go together");
        if (tapes.Count == 0 && metrics.Count == 0) return new(null, "at least one --tape FILE (or --metrics SYMBOL=FILE) is required");
        if (key is not null && !key.All(char.IsAsciiLetterOrDigit)) return new(null, "--api-key must be letters and digits only");
        options = options with { Tapes = tapes, Metrics = metrics };
        if (key is not null) options = options with { ApiKey = key, ApiSecret = secret! };
        return new(options, null);
    }
}
