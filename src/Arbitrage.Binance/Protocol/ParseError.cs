namespace Arbitrage.Binance.Protocol;

/// <summary>Why a frame could not be parsed.</summary>
public enum ParseErrorCode
{
    None = 0,
    /// <summary>Not well-formed enough to scan (truncated, bad commas, stray bytes).</summary>
    Malformed,
    /// <summary>A required field is absent.</summary>
    MissingField,
    /// <summary>A field has the wrong type or an unparsable number.</summary>
    InvalidValue,
    /// <summary>The frame's <c>e</c> names another event type than the parser expects.</summary>
    WrongEventType,
}

/// <summary>A parse failure: the code and the JSON field it concerns (a literal, never allocated).</summary>
public readonly record struct ParseError(ParseErrorCode Code, string Field)
{
    public static readonly ParseError None = new(ParseErrorCode.None, "");

    public static ParseError Malformed(string field) => new(ParseErrorCode.Malformed, field);

    public static ParseError Missing(string field) => new(ParseErrorCode.MissingField, field);

    public static ParseError Invalid(string field) => new(ParseErrorCode.InvalidValue, field);

    public override string ToString() => Code == ParseErrorCode.None ? "none" : $"{Code} ({Field})";
}
