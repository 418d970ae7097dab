using Arbitrage.Simulator.Control;
using Arbitrage.Simulator.Exchange;

namespace Arbitrage.Simulator.Http;

public enum EndpointSecurity { None, ApiKey, Signed }

/// <summary>A handler's answer: HTTP status and JSON body.</summary>
public readonly record struct Answer(int Status, string Json)
{
    public static Answer Ok(string json) => new(200, json);
    public static Answer Error(SimError e) => new(e.HttpStatus, ErrorJson(e));
    public static string ErrorJson(SimError e) => JsonText.Write(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("code", e.Code);
        w.WriteString("msg", e.Msg);
        w.WriteEndObject();
    });
}

/// <summary>
/// What every REST call goes through, in Binance's order: injected latency and faults, the weight
/// limit, authentication, the handler, then the weight/order-count headers.
/// </summary>
public sealed class RestPipeline(SimulatorState state, SimulatorControl control, RequestAuth auth, WeightMeter weights)
{
    private readonly SpotOrderCount _spotOrders = new(state.Options.Time, state.Options.Spot.OrderLimitPer10Seconds, state.Options.Spot.OrderLimitPerDay);

    public delegate Answer Handler(BinanceRequest request);

    public RequestDelegate Endpoint(int weight, EndpointSecurity security, Handler handler, bool placesOrder = false) =>
        ctx => RunAsync(ctx, weight, security, handler, placesOrder);

    /// <summary>An endpoint whose weight depends on its parameters (spot depth by <c>limit</c>).</summary>
    public RequestDelegate Endpoint(Func<HttpRequest, int> weight, EndpointSecurity security, Handler handler) =>
        ctx => RunAsync(ctx, weight(ctx.Request), security, handler, placesOrder: false);

    private async Task RunAsync(HttpContext ctx, int weight, EndpointSecurity security, Handler handler, bool placesOrder)
    {
        var time = state.Options.Time;
        var latency = control.Latency;
        if (latency > TimeSpan.Zero) await Task.Delay(latency, time, ctx.RequestAborted).ConfigureAwait(false);

        var path = ctx.Request.Path.Value ?? "";
        if (control.Take(path, afterAccept: false) is { } fault)
        {
            await WriteFaultAsync(ctx, fault).ConfigureAwait(false);
            return;
        }

        var used = weights.Add(weight);
        ctx.Response.Headers["X-MBX-USED-WEIGHT-1M"] = used.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (used > state.Options.WeightLimitPerMinute)
        {
            ctx.Response.Headers.RetryAfter = weights.SecondsToNextMinute().ToString(System.Globalization.CultureInfo.InvariantCulture);
            await WriteAsync(ctx, Answer.Error(new SimError(429, -1003,
                $"Too many requests; current limit of IP is {state.Options.WeightLimitPerMinute} requests per minute."))).ConfigureAwait(false);
            return;
        }

        Answer answer;
        try
        {
            var request = await BinanceRequest.ReadAsync(ctx.Request).ConfigureAwait(false);
            var authError = security switch
            {
                EndpointSecurity.ApiKey => auth.CheckKey(ctx.Request),
                EndpointSecurity.Signed => auth.CheckSigned(ctx.Request, request, state.WallNowMs),
                _ => null,
            };
            if (authError is not null) answer = Answer.Error(authError);
            else
            {
                var spot = placesOrder && path.StartsWith("/api/", StringComparison.Ordinal);
                if (placesOrder)
                {
                    await control.WaitWhileHeldAsync(accepted: false).ConfigureAwait(false);
                    if (!spot)
                    {
                        var (c10, c1m) = weights.CountOrder();
                        ctx.Response.Headers["X-MBX-ORDER-COUNT-10S"] = c10.ToString(System.Globalization.CultureInfo.InvariantCulture);
                        ctx.Response.Headers["X-MBX-ORDER-COUNT-1M"] = c1m.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    }
                    else if (_spotOrders.Refusal() is { } refused)
                    {
                        ctx.Response.Headers.RetryAfter = refused.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                        await WriteAsync(ctx, Answer.Error(refused.Error)).ConfigureAwait(false);
                        return;
                    }
                }
                answer = handler(request);
                if (spot && answer.Status == 200)
                {
                    var (c10, c1d) = _spotOrders.Count();
                    ctx.Response.Headers["X-MBX-ORDER-COUNT-10S"] = c10.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    ctx.Response.Headers["X-MBX-ORDER-COUNT-1D"] = c1d.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                if (placesOrder && answer.Status == 200) await control.WaitWhileHeldAsync(accepted: true).ConfigureAwait(false);
                // "Accepted, then 503": the order exists but the caller never hears of it.
                if (placesOrder && answer.Status == 200 && control.Take(path, afterAccept: true) is { } late)
                {
                    await WriteFaultAsync(ctx, late).ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (SimRequestException e)
        {
            answer = Answer.Error(e.Error);
        }
        await WriteAsync(ctx, answer).ConfigureAwait(false);
    }

    private static async Task WriteFaultAsync(HttpContext ctx, FaultRule fault)
    {
        ctx.Response.StatusCode = fault.Status;
        if (fault.Kind is FaultKind.RateLimited or FaultKind.IpBanned)
            ctx.Response.Headers.RetryAfter = fault.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        ctx.Response.ContentType = fault.Kind == FaultKind.WafBlocked ? "text/html" : "application/json";
        await ctx.Response.WriteAsync(fault.Body).ConfigureAwait(false);
    }

    public static async Task WriteAsync(HttpContext ctx, Answer answer)
    {
        ctx.Response.StatusCode = answer.Status;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(answer.Json).ConfigureAwait(false);
    }
}
