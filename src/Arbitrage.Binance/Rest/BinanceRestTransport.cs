using System.Globalization;
using System.Text.Json;
using Arbitrage.Binance.Signing;

namespace Arbitrage.Binance.Rest;

internal enum Security
{
    None,
    /// <summary>X-MBX-APIKEY only (USER_STREAM, MARKET_DATA).</summary>
    ApiKey,
    /// <summary>X-MBX-APIKEY + timestamp + recvWindow + signature (TRADE, USER_DATA).</summary>
    Signed,
}

internal enum CallKind
{
    Read,
    /// <summary>Creates an order: a 503, -1007 or timeout means the order may exist.</summary>
    PlaceOrder,
    /// <summary>Other order-book changes (cancel); counted for order headers and use the order timeout.</summary>
    OrderOther,
}

/// <summary>One HTTP exchange with Binance: signing, per-call timeout, headers, error mapping, back-off.</summary>
internal sealed class BinanceRestTransport(
    HttpClient http,
    BinanceRestOptions options,
    BinanceCredentials? credentials,
    ServerClock clock,
    RateLimitGate gate,
    TimeProvider time,
    Action<BinanceAlert> raiseAlert)
{
    internal static readonly JsonSerializerOptions Json = new()
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowReadingFromString,
        PropertyNameCaseInsensitive = false,
    };

    /// <summary>The largest recvWindow Binance accepts.</summary>
    public const long MaxRecvWindowMs = 60_000;

    public BinanceRestOptions Options => options;

    public async Task<BinanceResult<T>> SendAsync<T>(
        HttpMethod method, Uri baseUrl, string path, RestParameters parameters, Security security,
        CallKind kind, Func<byte[], T> parse, CancellationToken ct, TimeSpan? timeoutOverride = null)
    {
        // Spot's order-count limit (-1015) is the spot account's: it holds back spot placements only.
        if (gate.TryEnter(kind == CallKind.PlaceOrder && path.StartsWith("/api/", StringComparison.Ordinal)) is { } refused) return refused;
        if (security != Security.None && credentials is null)
            return new BinanceError(0, $"{path} needs API credentials; none were configured.", null, BinanceErrorKind.NoCredentials);

        var query = parameters.ToQueryString();
        if (security == Security.Signed)
        {
            // A call given more time than usual (a retry after a timeout) also gives the exchange as long to receive it:
            // a request slower than recvWindow is refused with -1021 however long we wait (Binance allows up to 60 s).
            var recvWindow = timeoutOverride is { } patience
                ? Math.Clamp((long)patience.TotalMilliseconds, options.RecvWindowMs, MaxRecvWindowMs)
                : options.RecvWindowMs;
            var stamp = $"recvWindow={recvWindow}&timestamp={clock.NowMs}";
            query = query.Length == 0 ? stamp : query + "&" + stamp;
            query += "&signature=" + credentials!.Signer.Sign(query);
        }

        var uri = new Uri(baseUrl, query.Length == 0 ? path : path + "?" + query);
        using var request = new HttpRequestMessage(method, uri);
        if (security != Security.None) request.Headers.Add("X-MBX-APIKEY", credentials!.ApiKey);

        var timeout = timeoutOverride ?? (kind == CallKind.Read ? options.ReadTimeout : options.OrderTimeout);
        using var timeoutCts = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeoutCts.Token);

        HttpResponseMessage response;
        byte[] body;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token).ConfigureAwait(false);
            body = await response.Content.ReadAsByteArrayAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return kind == CallKind.PlaceOrder
                ? new BinanceError(-1007, $"No answer to {path} within {timeout.TotalMilliseconds:0} ms: the order may or may not exist; query it by client order id.",
                    null, BinanceErrorKind.UnknownOrderStatus)
                : new BinanceError(-1007, $"No answer to {path} within {timeout.TotalMilliseconds:0} ms.", null, BinanceErrorKind.Timeout);
        }
        catch (HttpRequestException e)
        {
            // A placement that failed on the wire before any byte was sent cannot exist, but we cannot
            // tell that apart from a reset after sending: treat both as unknown.
            return kind == CallKind.PlaceOrder
                ? new BinanceError(0, $"{path}: connection failed ({e.Message}); the order may or may not exist.", null, BinanceErrorKind.UnknownOrderStatus)
                : new BinanceError(0, $"{path}: connection failed ({e.Message}).", null, BinanceErrorKind.Transport);
        }

        using (response)
        {
            gate.ObserveHeaders(
                IntHeader(response, "X-MBX-USED-WEIGHT-1M"),
                IntHeader(response, "X-MBX-ORDER-COUNT-10S"),
                IntHeader(response, "X-MBX-ORDER-COUNT-1M"),
                IntHeader(response, "X-MBX-ORDER-COUNT-1D"));

            if (response.IsSuccessStatusCode)
            {
                try
                {
                    return BinanceResult<T>.Ok(parse(body));
                }
                catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
                {
                    return new BinanceError(0, $"{path}: unreadable answer ({e.Message}).", response.StatusCode, BinanceErrorKind.Malformed);
                }
            }
            return Fail(response, body, path, kind);
        }
    }

    private BinanceError Fail(HttpResponseMessage response, byte[] body, string path, CallKind kind)
    {
        var (code, msg) = ReadError(body);
        var status = response.StatusCode;
        var errorKind = BinanceError.Classify(code, status, kind == CallKind.PlaceOrder);
        var retryAfter = RetryAfter(response);
        if (string.IsNullOrEmpty(msg)) msg = $"HTTP {(int)status} from {path}";
        var error = new BinanceError(code, msg, status, errorKind);

        switch ((int)status)
        {
            case 418:
                gate.Ban(retryAfter);
                error = error with { RetryAt = gate.BannedUntil };
                raiseAlert(new BinanceAlert(BinanceAlertKind.IpBanned,
                    $"Binance banned this IP (HTTP 418 on {path}): all calls stopped. {msg}", time.GetUtcNow(), gate.BannedUntil));
                break;
            case 429 when code == -1015:
                // Spot's order-count limit: only placements wait, to the end of the interval (Retry-After) or 10 s.
                var ordersResume = gate.BackOffOrders(retryAfter ?? TimeSpan.FromSeconds(10));
                error = error with { RetryAt = ordersResume };
                raiseAlert(new BinanceAlert(BinanceAlertKind.RateLimited,
                    $"Binance order-count limit hit (-1015 on {path}): {msg} New orders resume at {ordersResume:O}.", time.GetUtcNow(), ordersResume));
                break;
            case 429:
                var resume = gate.BackOff(retryAfter ?? options.DefaultRetryAfter);
                error = error with { RetryAt = resume };
                raiseAlert(new BinanceAlert(BinanceAlertKind.RateLimited,
                    $"Binance rate limit hit (HTTP 429 on {path}); calls resume at {resume:O}.", time.GetUtcNow(), resume));
                break;
            case 403:
                raiseAlert(new BinanceAlert(BinanceAlertKind.WafBlocked, $"Binance WAF refused {path} (HTTP 403).", time.GetUtcNow(), null));
                break;
        }
        return error;
    }

    private static (int Code, string Msg) ReadError(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return (0, "");
            var code = root.TryGetProperty("code", out var c) && c.TryGetInt32(out var ci) ? ci : 0;
            var msg = root.TryGetProperty("msg", out var m) ? m.GetString() ?? "" : "";
            return (code, msg);
        }
        catch (JsonException)
        {
            return (0, body.Length > 200 ? System.Text.Encoding.UTF8.GetString(body, 0, 200) : System.Text.Encoding.UTF8.GetString(body));
        }
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var h = response.Headers.RetryAfter;
        if (h?.Delta is { } d) return d;
        if (h?.Date is { } date) return date - time.GetUtcNow();
        return null;
    }

    private static int? IntHeader(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values)
        && int.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
}
