namespace Arbitrage.Binance.Protocol;

/// <summary>What reading one property's value came to.</summary>
internal enum FieldRead : byte
{
    Ok,

    /// <summary>The value has the wrong type or an unparsable number: <c>InvalidValue</c> naming the property.</summary>
    Invalid,

    /// <summary><c>e</c> names another event: <c>WrongEventType</c>.</summary>
    WrongEventType,

    /// <summary>A nested object failed; the reader has set the error itself.</summary>
    Failed,
}

/// <summary>
/// The fields of one frame (or nested object), filled property by property by <see cref="FrameWalker"/>.
/// Implemented by small structs so the walk is specialised per frame kind (no boxing, no virtual calls).
/// </summary>
internal interface IFieldReader
{
    /// <summary>Reads the value of property <paramref name="name"/>; an unknown property must be skipped (<see cref="FrameWalker.Skip"/>).</summary>
    FieldRead Read(ref JsonScanner s, scoped ReadOnlySpan<byte> name, ref ParseError nested);

    /// <summary>After the closing brace: false with the error when a required field is missing.</summary>
    bool TryComplete(out ParseError error);
}

/// <summary>
/// The one property walk every stream-frame parser shares: optional combined-stream wrapper, one payload
/// object whose properties go to an <see cref="IFieldReader"/>, then nothing but the wrapper's end.
/// Unknown fields are skipped; every failure becomes a <see cref="ParseError"/>, nothing throws.
/// </summary>
internal static class FrameWalker
{
    public static bool TryReadFrame<T>(ReadOnlySpan<byte> frame, ref T fields, out ParseError error)
        where T : struct, IFieldReader
    {
        var s = new JsonScanner(frame);
        if (!s.TryEnterPayload(out bool wrapped))
        {
            error = ParseError.Malformed("stream");
            return false;
        }

        if (!TryReadObject(ref s, ref fields, ParseError.Malformed("{"), ParseError.Malformed("property"), out error)
            || !fields.TryComplete(out error))
        {
            return false;
        }

        if (!s.TryLeavePayload(wrapped))
        {
            error = ParseError.Malformed("trailing");
            return false;
        }

        error = ParseError.None;
        return true;
    }

    /// <summary>
    /// The properties of one object (the scanner is at its opening brace). <paramref name="notAnObject"/> and
    /// <paramref name="malformed"/> are the errors for a missing brace and a broken property list.
    /// Does not call <see cref="IFieldReader.TryComplete"/>.
    /// </summary>
    public static bool TryReadObject<T>(ref JsonScanner s, ref T fields, ParseError notAnObject, ParseError malformed, out ParseError error)
        where T : struct, IFieldReader
    {
        if (!s.TryBeginObject())
        {
            error = notAnObject;
            return false;
        }

        bool first = true;
        while (true)
        {
            if (!s.TryNextProperty(ref first, out var name, out bool end))
            {
                error = malformed;
                return false;
            }

            if (end)
            {
                error = ParseError.None;
                return true;
            }

            var nested = ParseError.None;
            switch (fields.Read(ref s, name, ref nested))
            {
                case FieldRead.Ok:
                    break;
                case FieldRead.WrongEventType:
                    error = new ParseError(ParseErrorCode.WrongEventType, "e");
                    return false;
                case FieldRead.Failed:
                    error = nested;
                    return false;
                default:
                    error = ParseError.Invalid(WireWrite.FieldName(name));
                    return false;
            }
        }
    }

    /// <summary>
    /// A nested object property (<c>k</c> of a kline, <c>o</c> of a forceOrder): its errors are Invalid(name) when it
    /// is not an object, Malformed(name) when its property list is broken, else the nested reader's own.
    /// </summary>
    public static FieldRead Nested<T>(ref JsonScanner s, ref T fields, string name, ref ParseError nested)
        where T : struct, IFieldReader =>
        TryReadObject(ref s, ref fields, ParseError.Invalid(name), ParseError.Malformed(name), out nested) && fields.TryComplete(out nested)
            ? FieldRead.Ok
            : FieldRead.Failed;

    /// <summary>
    /// A REST body: one object read by <paramref name="fields"/>, then only whitespace (no stream wrapper).
    /// </summary>
    public static bool TryReadDocument<T>(ReadOnlySpan<byte> json, ref T fields, out ParseError error)
        where T : struct, IFieldReader
    {
        var s = new JsonScanner(json);
        if (!TryReadObject(ref s, ref fields, ParseError.Malformed("{"), ParseError.Malformed("property"), out error)
            || !fields.TryComplete(out error))
        {
            return false;
        }

        if (!s.AtEnd())
        {
            error = ParseError.Malformed("trailing");
            return false;
        }

        error = ParseError.None;
        return true;
    }

    /// <summary>The <c>e</c> property: must be the plain string <paramref name="expected"/>.</summary>
    public static FieldRead EventType(ref JsonScanner s, ReadOnlySpan<byte> expected)
    {
        if (!s.TryReadPlainString(out var type))
        {
            return FieldRead.Invalid;
        }

        return type.SequenceEqual(expected) ? FieldRead.Ok : FieldRead.WrongEventType;
    }

    /// <summary>A non-empty plain string resolved through the symbol table.</summary>
    public static FieldRead Symbol(ref JsonScanner s, SymbolTable symbols, ref string? symbol)
    {
        if (!s.TryReadPlainString(out var text) || text.Length == 0)
        {
            return FieldRead.Invalid;
        }

        symbol = symbols.GetOrAdd(text);
        return FieldRead.Ok;
    }

    public static FieldRead Skip(ref JsonScanner s) => Ok(s.TrySkipValue());

    public static FieldRead Ok(bool ok) => ok ? FieldRead.Ok : FieldRead.Invalid;

    /// <summary>A one-letter property name, or 0 for any other name.</summary>
    public static byte Letter(ReadOnlySpan<byte> name) => name.Length == 1 ? name[0] : (byte)0;
}
