using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;

namespace Arbitrage.Node.Api.Errors;

/// <summary>
/// A request the framework could not bind (<see cref="BadHttpRequestException"/>: malformed JSON, a JSON value of the
/// wrong type, a query or route value that does not parse, a missing body, a non-JSON content type, a body over the
/// limit) becomes a problem with the exception's status, <c>errors.{field}</c> naming the field and a <c>detail</c> in
/// words. An expected rejection: logged at no level above Debug, never with a stack trace.
/// </summary>
public sealed partial class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        // The exception handler has cleared the endpoint by now; its feature keeps the one that threw.
        var endpoint = httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? httpContext.GetEndpoint();
        var body = endpoint?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()?.RequestType;
        var (field, message) = Explain(bad, body);
        httpContext.Response.StatusCode = bad.StatusCode;
        var problem = bad.StatusCode == StatusCodes.Status400BadRequest
            ? new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] }) { Title = $"Invalid {field}" }
            : new Microsoft.AspNetCore.Mvc.ProblemDetails();
        problem.Status = bad.StatusCode;
        problem.Detail = $"{field}: {message}";
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception })
            .ConfigureAwait(false);
    }

    /// <summary>The field a binding failure is about and what is wrong with it, from the framework's exception.</summary>
    /// <param name="body">The endpoint's JSON body type, to say what a field should have held.</param>
    internal static (string Field, string Message) Explain(BadHttpRequestException bad, Type? body = null)
    {
        if (bad.InnerException is JsonException json)
        {
            // Malformed JSON (the reader's error) is about the body as a whole; a value of the wrong type about its field.
            var malformed = json.InnerException?.GetType().Name == "JsonReaderException";
            return (malformed ? "body" : FieldOf(json.Path), JsonProblem(json, body));
        }

        var text = bad.Message;
        if (BindFailure().Match(text) is { Success: true } b)
        {
            return (b.Groups["name"].Value, $"'{b.Groups["value"].Value}' is not {Expected(b.Groups["type"].Value)}");
        }

        if (RequiredMissing().Match(text) is { Success: true } r)
        {
            return r.Groups["source"].Value == "body"
                ? ("body", "a JSON body is required")
                : (r.Groups["name"].Value, $"required ({Expected(r.Groups["type"].Value)}, from the {r.Groups["source"].Value})");
        }

        if (text.StartsWith("Implicit body inferred", StringComparison.Ordinal))
        {
            return ("body", "a JSON body is required");
        }

        if (WrongContentType().Match(text) is { Success: true } c)
        {
            var got = c.Groups["got"].Value;
            return ("Content-Type", $"the body must be JSON (application/json), not {(got.Length == 0 ? "a body without a content type" : $"'{got}'")}");
        }

        if (TooLarge().Match(text) is { Success: true } t)
        {
            return ("body", $"larger than the limit of {long.Parse(t.Groups["max"].Value, System.Globalization.CultureInfo.InvariantCulture):N0} bytes");
        }

        return bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? ("body", "larger than the limit") : ("request", text);
    }

    private static string FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "body";
        }

        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return field.Length == 0 ? "body" : field;
    }

    private static string JsonProblem(JsonException json, Type? body)
    {
        var position = json.LineNumber is { } line ? $" (line {line + 1}, byte {json.BytePositionInLine + 1})" : string.Empty;
        var message = json.Message;
        if (ConvertFailure().IsMatch(message))
        {
            var field = FieldOf(json.Path);
            if (field == "body")
            {
                return "must be a JSON object with the documented fields";
            }

            // The serializer names the type it was building, not always the field's: take the field's from the body type.
            var property = body?.GetProperties().FirstOrDefault(p => string.Equals(p.Name, field, StringComparison.OrdinalIgnoreCase));
            return property is null ? "has the wrong JSON type" : $"has the wrong JSON type: expected {Expected(property.PropertyType)}";
        }

        // The reader's own words without the .NET suffix ("Path: $ | LineNumber: 0 | ...").
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return "is not valid JSON: " + (cut > 0 ? message[..cut] : message).TrimEnd('.') + position;
    }

    private static string Expected(Type type) => Expected((Nullable.GetUnderlyingType(type) ?? type).Name);

    /// <summary>"an integer", "a number", ... for a .NET type name as the framework or the serializer spells it.</summary>
    private static string Expected(string typeName)
    {
        var t = NullableOf().Match(typeName) is { Success: true } n ? n.Groups["inner"].Value : typeName.TrimEnd('?');
        t = t.StartsWith("System.", StringComparison.Ordinal) ? t["System.".Length..] : t;
        return t switch
        {
            "int" or "Int32" or "long" or "Int64" or "short" or "Int16" or "uint" or "UInt32" or "ulong" or "UInt64" => "an integer",
            "decimal" or "Decimal" or "double" or "Double" or "float" or "Single" => "a number",
            "bool" or "Boolean" => "true or false",
            "string" or "String" => "a string",
            "DateTimeOffset" or "DateTime" => "an ISO-8601 date-time",
            "Guid" => "a GUID",
            "Text.Json.JsonElement" or "JsonElement" => "a JSON value",
            _ => $"a JSON value of type {t[(t.LastIndexOfAny(['.', '+']) + 1)..]}",
        };
    }

    [GeneratedRegex("^Failed to bind parameter \"(?<type>.+) (?<name>[^ \"]+)\" from \"(?<value>.*)\"\\.$", RegexOptions.Singleline)]
    private static partial Regex BindFailure();

    [GeneratedRegex("^Required parameter \"(?<type>.+) (?<name>[^ \"]+)\" was not provided from (?<source>[a-z ]+?)( string)?\\.$")]
    private static partial Regex RequiredMissing();

    [GeneratedRegex("^Expected a supported JSON media type but got \"(?<got>.*)\"\\.$")]
    private static partial Regex WrongContentType();

    [GeneratedRegex("max request body size is (?<max>[0-9]+) bytes")]
    private static partial Regex TooLarge();

    [GeneratedRegex("could not be converted to (?<type>[^ ]+?)\\.? Path:")]
    private static partial Regex ConvertFailure();

    [GeneratedRegex("^(System\\.)?Nullable(`1\\[(?<inner>.+)\\]|<(?<inner>.+)>)$")]
    private static partial Regex NullableOf();
}
