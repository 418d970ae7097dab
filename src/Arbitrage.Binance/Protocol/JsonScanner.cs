namespace Arbitrage.Binance.Protocol;

/// <summary>
/// A forward-only, allocation-free scanner over one JSON frame. It validates just enough structure
/// for our parsers (objects, arrays, strings, scalars, commas) and never throws: every method returns
/// false on malformed input and the caller turns that into a <see cref="ParseError"/>.
/// Faster than <c>Utf8JsonReader</c> for Binance's small flat frames because it skips the general
/// token state machine and leaves numbers as raw spans.
/// </summary>
internal ref struct JsonScanner
{
    private const int MaxDepth = 64;
    private readonly ReadOnlySpan<byte> _s;
    private int _pos;

    public JsonScanner(ReadOnlySpan<byte> s)
    {
        _s = s;
        _pos = 0;
    }

    public readonly int Position => _pos;

    /// <summary>True when only whitespace is left.</summary>
    public bool AtEnd()
    {
        SkipWs();
        return _pos >= _s.Length;
    }

    /// <summary>
    /// If the frame is a combined-stream wrapper, moves to its <c>data</c> value so the payload is parsed
    /// in place (one pass, no second scan); otherwise stays at the start. False on a broken wrapper.
    /// </summary>
    public bool TryEnterPayload(out bool wrapped)
    {
        wrapped = false;
        int save = _pos;
        bool first = true;
        if (!TryBeginObject() || !TryNextProperty(ref first, out var name, out bool end) || end)
        {
            _pos = save;
            return true; // the payload parser reports what is wrong
        }

        if (name.SequenceEqual("stream"u8))
        {
            if (!TryReadPlainString(out _) || !TryNextProperty(ref first, out name, out end) || end || !name.SequenceEqual("data"u8))
            {
                return false;
            }

            wrapped = true;
            return true;
        }

        if (name.SequenceEqual("data"u8))
        {
            wrapped = true;
            return true;
        }

        _pos = save;
        return true;
    }

    /// <summary>After the payload object: the rest of the wrapper (if any), then only whitespace.</summary>
    public bool TryLeavePayload(bool wrapped)
    {
        if (wrapped)
        {
            bool first = false;
            while (true)
            {
                if (!TryNextProperty(ref first, out _, out bool end))
                {
                    return false;
                }

                if (end)
                {
                    break;
                }

                if (!TrySkipValue())
                {
                    return false;
                }
            }
        }

        return AtEnd();
    }

    public bool TryBeginObject()
    {
        SkipWs();
        if (_pos < _s.Length && _s[_pos] == (byte)'{')
        {
            _pos++;
            return true;
        }

        return false;
    }

    public bool TryBeginArray()
    {
        SkipWs();
        if (_pos < _s.Length && _s[_pos] == (byte)'[')
        {
            _pos++;
            return true;
        }

        return false;
    }

    /// <summary>
    /// Moves to the next property of the current object. <paramref name="first"/> is caller state
    /// (true before the first call). Returns false on malformed input; <paramref name="end"/> is set
    /// when the closing brace was consumed.
    /// </summary>
    public bool TryNextProperty(ref bool first, out ReadOnlySpan<byte> name, out bool end)
    {
        name = default;
        end = false;
        SkipWs();
        if (_pos >= _s.Length)
        {
            return false;
        }

        byte c = _s[_pos];
        if (c == (byte)'}')
        {
            _pos++;
            end = true;
            return true;
        }

        if (!first)
        {
            if (c != (byte)',')
            {
                return false;
            }

            _pos++;
            SkipWs();
        }

        first = false;
        if (!TryReadString(out name, out bool escaped) || escaped)
        {
            return false;
        }

        SkipWs();
        if (_pos >= _s.Length || _s[_pos] != (byte)':')
        {
            return false;
        }

        _pos++;
        return true;
    }

    /// <summary>Next array element; same protocol as <see cref="TryNextProperty"/>.</summary>
    public bool TryNextElement(ref bool first, out bool end)
    {
        end = false;
        SkipWs();
        if (_pos >= _s.Length)
        {
            return false;
        }

        byte c = _s[_pos];
        if (c == (byte)']')
        {
            _pos++;
            end = true;
            return true;
        }

        if (!first)
        {
            if (c != (byte)',')
            {
                return false;
            }

            _pos++;
        }

        first = false;
        return true;
    }

    /// <summary>A string value; the span is the raw content between the quotes (escapes not decoded).</summary>
    public bool TryReadString(out ReadOnlySpan<byte> value, out bool escaped)
    {
        value = default;
        escaped = false;
        SkipWs();
        if (_pos >= _s.Length || _s[_pos] != (byte)'"')
        {
            return false;
        }

        int start = ++_pos;
        var rest = _s[start..];

        // Keys and values are short: a scalar scan beats the vectorised IndexOfAny's setup cost.
        int q = 0;
        while (q < rest.Length && rest[q] != (byte)'"' && rest[q] != (byte)'\\')
        {
            q++;
        }

        if (q == rest.Length)
        {
            return false;
        }

        if (rest[q] == (byte)'"')
        {
            value = rest[..q];
            _pos = start + q + 1;
            return true;
        }

        escaped = true;
        int i = q;
        while (i < rest.Length)
        {
            byte b = rest[i];
            if (b == (byte)'\\')
            {
                i += 2;
                continue;
            }

            if (b == (byte)'"')
            {
                value = rest[..i];
                _pos = start + i + 1;
                return true;
            }

            i++;
        }

        return false;
    }

    /// <summary>An unescaped string value.</summary>
    public bool TryReadPlainString(out ReadOnlySpan<byte> value) => TryReadString(out value, out bool escaped) && !escaped;

    /// <summary>A number either quoted ("1.5") or bare (1.5); the span is its text.</summary>
    public bool TryReadNumberText(out ReadOnlySpan<byte> value)
    {
        SkipWs();
        if (_pos < _s.Length && _s[_pos] == (byte)'"')
        {
            return TryReadPlainString(out value);
        }

        return TryReadBareScalar(out value);
    }

    public bool TryReadInt64(out long value)
    {
        value = 0;
        return TryReadNumberText(out var text) && Utf8Number.TryParseInt64(text, out value);
    }

    public bool TryReadDecimal(out decimal value)
    {
        value = 0;
        return TryReadNumberText(out var text) && Utf8Number.TryParseDecimal(text, out value);
    }

    public bool TryReadDouble(out double value)
    {
        value = 0;
        return TryReadNumberText(out var text) && Utf8Number.TryParseDouble(text, out value);
    }

    public bool TryReadBool(out bool value)
    {
        value = false;
        if (!TryReadBareScalar(out var t))
        {
            return false;
        }

        if (t.SequenceEqual("true"u8))
        {
            value = true;
            return true;
        }

        return t.SequenceEqual("false"u8);
    }

    /// <summary>True when the next value is the literal null (consumed).</summary>
    public bool TryReadNull()
    {
        SkipWs();
        if (_pos + 4 <= _s.Length && _s.Slice(_pos, 4).SequenceEqual("null"u8))
        {
            _pos += 4;
            return true;
        }

        return false;
    }

    /// <summary>Skips any value and returns its raw text.</summary>
    public bool TrySkipValue(out ReadOnlySpan<byte> raw)
    {
        SkipWs();
        int start = _pos;
        raw = default;
        if (!SkipValue(0))
        {
            return false;
        }

        raw = _s[start.._pos];
        return true;
    }

    public bool TrySkipValue() => SkipValue(0);

    private bool SkipValue(int depth)
    {
        if (depth > MaxDepth)
        {
            return false;
        }

        SkipWs();
        if (_pos >= _s.Length)
        {
            return false;
        }

        switch (_s[_pos])
        {
            case (byte)'"':
                return TryReadString(out _, out _);
            case (byte)'{':
            {
                _pos++;
                bool first = true;
                while (true)
                {
                    if (!TryNextProperty(ref first, out _, out bool end))
                    {
                        return false;
                    }

                    if (end)
                    {
                        return true;
                    }

                    if (!SkipValue(depth + 1))
                    {
                        return false;
                    }
                }
            }

            case (byte)'[':
            {
                _pos++;
                bool first = true;
                while (true)
                {
                    if (!TryNextElement(ref first, out bool end))
                    {
                        return false;
                    }

                    if (end)
                    {
                        return true;
                    }

                    if (!SkipValue(depth + 1))
                    {
                        return false;
                    }
                }
            }

            default:
                return TryReadBareScalar(out _);
        }
    }

    private bool TryReadBareScalar(out ReadOnlySpan<byte> value)
    {
        SkipWs();
        int start = _pos;
        while (_pos < _s.Length)
        {
            byte b = _s[_pos];
            if (b == (byte)',' || b == (byte)'}' || b == (byte)']' || b <= (byte)' ')
            {
                break;
            }

            if (b == (byte)'"' || b == (byte)'{' || b == (byte)'[' || b == (byte)':')
            {
                value = default;
                return false;
            }

            _pos++;
        }

        value = _s[start.._pos];
        return value.Length > 0;
    }

    private void SkipWs()
    {
        while (_pos < _s.Length)
        {
            byte b = _s[_pos];
            if (b != (byte)' ' && b != (byte)'\n' && b != (byte)'\r' && b != (byte)'\t')
            {
                return;
            }

            _pos++;
        }
    }
}
