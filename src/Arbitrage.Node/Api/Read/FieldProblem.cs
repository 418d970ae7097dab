namespace Arbitrage.Node.Api.Read;

/// <summary>400 responses that name the offending field (RFC 9457 validation problem, <c>errors.{field}</c>, and the same in <c>detail</c>).</summary>
public static class FieldProblem
{
    public static IResult Of(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, detail: $"{field}: {message}", title: $"Invalid {field}");
}
