namespace Arbitrage.Binance.Tapes;

/// <summary>A tape file that cannot be read; the message names the file and the 1-based line.</summary>
public sealed class TapeFormatException(string path, long line, string reason)
    : FormatException($"{path}:{line}: {reason}")
{
    public string Path { get; } = path;

    public long Line { get; } = line;
}
