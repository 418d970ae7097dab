using System.Globalization;
using System.Text.Json;

namespace Arbitrage.Binance.UserData;

/// <summary>
/// Reads one user-data frame (bare or wrapped in <c>{"stream","data"}</c>). A bad frame gives an
/// error message, never an exception. The stream carries a few events a minute, so a JsonDocument is fine here.
/// </summary>
public static class UserDataParser
{
    public static bool TryParse(ReadOnlySpan<byte> frame, out IUserDataEvent? evt, out string? error)
    {
        evt = null;
        error = null;
        try
        {
            var reader = new Utf8JsonReader(frame);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) { error = "frame is not a JSON object"; return false; }
            if (root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object) root = data;
            if (!root.TryGetProperty("e", out var e) || e.ValueKind != JsonValueKind.String) { error = "missing field e"; return false; }
            var time = Long(root, "E");
            evt = e.GetString() switch
            {
                "ORDER_TRADE_UPDATE" => ParseOrder(root, time),
                "ACCOUNT_UPDATE" => ParseAccount(root, time),
                "executionReport" => ParseExecutionReport(root, time),
                "outboundAccountPosition" => ParseAccountPosition(root, time),
                "balanceUpdate" => new SpotBalanceUpdate(time, Req(root, "a"), Dec(root, "d"), Long(root, "T")),
                "listenKeyExpired" => new ListenKeyExpired(time, Str(root, "listenKey")),
                var other => new OtherUserDataEvent(time, other ?? ""),
            };
            return true;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or KeyNotFoundException or InvalidOperationException or OverflowException)
        {
            error = ex.Message;
            evt = null;
            return false;
        }
    }

    private static OrderTradeUpdate ParseOrder(JsonElement root, long time)
    {
        var o = root.GetProperty("o");
        return new OrderTradeUpdate(
            time, Long(root, "T"),
            Req(o, "s"), Req(o, "c"), Req(o, "S"), Req(o, "o"), Str(o, "f") ?? "",
            Dec(o, "q"), Dec(o, "p"), Dec(o, "ap"), Dec(o, "sp"),
            Req(o, "x"), Req(o, "X"), Long(o, "i"),
            Dec(o, "l"), Dec(o, "z"), Dec(o, "L"),
            Str(o, "N"), Dec(o, "n"), Long(o, "t"),
            Bool(o, "m"), Bool(o, "R"), Bool(o, "cp"), Str(o, "ps") ?? "BOTH", Dec(o, "rp"));
    }

    private static SpotExecutionReport ParseExecutionReport(JsonElement r, long time) => new(
        time, Long(r, "T"),
        Req(r, "s"), Req(r, "c"), Str(r, "C") ?? "", Req(r, "S"), Req(r, "o"), Str(r, "f") ?? "",
        Dec(r, "q"), Dec(r, "p"), Dec(r, "Q"),
        Req(r, "x"), Req(r, "X"), Str(r, "r") ?? "NONE", Long(r, "i"),
        Dec(r, "l"), Dec(r, "z"), Dec(r, "L"), Dec(r, "Y"), Dec(r, "Z"),
        Dec(r, "n"), Str(r, "N"), Long(r, "t"), Bool(r, "m"), Long(r, "O"));

    private static OutboundAccountPosition ParseAccountPosition(JsonElement r, long time)
    {
        var balances = new List<SpotAssetPosition>();
        if (r.TryGetProperty("B", out var bs))
            foreach (var b in bs.EnumerateArray())
                balances.Add(new SpotAssetPosition(Req(b, "a"), Dec(b, "f"), Dec(b, "l")));
        return new OutboundAccountPosition(time, Long(r, "u"), balances);
    }

    private static AccountUpdate ParseAccount(JsonElement root, long time)
    {
        var a = root.GetProperty("a");
        var balances = new List<BalanceChange>();
        if (a.TryGetProperty("B", out var bs))
            foreach (var b in bs.EnumerateArray())
                balances.Add(new BalanceChange(Req(b, "a"), Dec(b, "wb"), Dec(b, "cw"), Dec(b, "bc")));
        var positions = new List<PositionChange>();
        if (a.TryGetProperty("P", out var ps))
            foreach (var p in ps.EnumerateArray())
                positions.Add(new PositionChange(Req(p, "s"), Dec(p, "pa"), Dec(p, "ep"), Dec(p, "bep"), Dec(p, "cr"),
                    Dec(p, "up"), Str(p, "mt") ?? "", Str(p, "ps") ?? "BOTH"));
        return new AccountUpdate(time, Long(root, "T"), Str(a, "m") ?? "", balances, positions);
    }

    private static string? Str(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string Req(JsonElement o, string name) =>
        Str(o, name) ?? throw new KeyNotFoundException($"missing field {name}");

    private static long Long(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : 0;

    private static bool Bool(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    private static decimal Dec(JsonElement o, string name)
    {
        if (!o.TryGetProperty(name, out var v)) return 0m;
        return v.ValueKind switch
        {
            JsonValueKind.String => decimal.Parse(v.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture),
            JsonValueKind.Number => v.GetDecimal(),
            _ => 0m,
        };
    }
}
