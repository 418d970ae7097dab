using System.Globalization;

namespace Arbitrage.Node.Api.Errors;

/// <summary>A 503 answer with <c>Retry-After</c> (<see cref="ProblemResponses.RetryAfterSeconds"/>) around the problem it carries.</summary>
public sealed class RetryLater(IResult problem) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers.RetryAfter = ProblemResponses.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return problem.ExecuteAsync(httpContext);
    }
}
