using System.Data.Common;
using System.Globalization;
using Arbitrage.Engine.Persistence;
using Microsoft.AspNetCore.Diagnostics;

namespace Arbitrage.Node.Api.Errors;

/// <summary>
/// A dependency that does not answer is an outage, not a bug: a database exception (SQLite or PostgreSQL: connection
/// refused, timeout, file unreadable, ...) or a timeout that escapes an endpoint becomes <c>503</c> with
/// <c>Retry-After</c> and a reason, and one warning line in the log (what failed, no stack trace). The reason given
/// to the client names the dependency, not its address.
/// </summary>
public sealed class UnavailableExceptionHandler(IProblemDetailsService problems, ILogger<UnavailableExceptionHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (Classify(exception) is not { } outage)
        {
            return false;
        }

        log.LogWarning("{Method} {Path} answered 503: {Reason} ({Cause})", httpContext.Request.Method, httpContext.Request.Path, outage.Reason, outage.Cause);
        return await WriteAsync(problems, httpContext, outage.Reason, exception).ConfigureAwait(false);
    }

    /// <summary>Writes the 503 problem with <c>Retry-After</c> (also used by authentication, which fails before any endpoint).</summary>
    internal static async ValueTask<bool> WriteAsync(IProblemDetailsService problems, HttpContext http, string reason, Exception? exception)
    {
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = ProblemResponses.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Detail = $"{reason}; retry in {ProblemResponses.RetryAfterSeconds} s",
                Extensions = { ["retryAfterSeconds"] = ProblemResponses.RetryAfterSeconds },
            },
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// The outage behind <paramref name="exception"/> (searched through inner and aggregated exceptions), or null when it
    /// is not one: the reason for the client, the cause (type and message) for the log.
    /// </summary>
    public static (string Reason, string Cause)? Classify(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case DatabaseUnavailableException or DbException:
                    return ("the database is not answering", Describe(e));
                case Akka.Actor.AskTimeoutException:
                    return ("the engine did not answer in time", Describe(e));
                case TimeoutException:
                    return ("a dependency of the node did not answer in time", Describe(e));
                case AggregateException { InnerExceptions.Count: > 0 } many:
                    foreach (var inner in many.InnerExceptions)
                    {
                        if (Classify(inner) is { } found)
                        {
                            return found;
                        }
                    }

                    return null;
            }
        }

        return null;
    }

    private static string Describe(Exception e) => $"{e.GetType().Name}: {e.Message}";
}
