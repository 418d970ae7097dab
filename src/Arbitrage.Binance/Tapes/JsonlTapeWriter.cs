using System.Buffers.Text;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Arbitrage.Binance.Protocol;

namespace Arbitrage.Binance.Tapes;

/// <summary>
/// The recorder's file side: appends frames to a JSONL tape (format in README.md here), gzip when the
/// path ends in <c>.gz</c>. Frames are written verbatim (compact JSON objects, one a line).
/// Not thread-safe: one writer per recording.
/// </summary>
public sealed class JsonlTapeWriter : IDisposable
{
    private readonly Stream _out;
    private readonly bool _leaveOpen;
    private readonly Dictionary<string, byte[]> _streamNames = new(StringComparer.Ordinal);

    public JsonlTapeWriter(string path, bool append = false)
        : this(OpenFile(path, append), leaveOpen: false)
    {
    }

    public JsonlTapeWriter(Stream output, bool leaveOpen = false)
    {
        _out = output is BufferedStream or GZipStream ? output : new BufferedStream(output, 1 << 16);
        _leaveOpen = leaveOpen;
    }

    public long FramesWritten { get; private set; }

    public void Write(TapeFrame frame) => Write(frame.ReceiveTimeMs, frame.Stream, Encoding.UTF8.GetBytes(frame.Json));

    /// <summary>Records one WebSocket message as received: a combined-stream wrapper is split into stream + data.</summary>
    public void WriteMessage(long receiveTimeMs, ReadOnlySpan<byte> message)
    {
        if (StreamEnvelope.TryUnwrap(message, out var stream, out var data) && !stream.IsEmpty)
        {
            Write(receiveTimeMs, Encoding.UTF8.GetString(stream), data);
        }
        else
        {
            Write(receiveTimeMs, null, message);
        }
    }

    public void Write(long receiveTimeMs, string? stream, ReadOnlySpan<byte> frameJson)
    {
        frameJson = frameJson.Trim(" \r\n\t"u8);
        if (frameJson.IsEmpty || frameJson[0] != (byte)'{' || frameJson.IndexOfAny((byte)'\n', (byte)'\r') >= 0)
        {
            // Rare: pretty-printed input. Re-serialise compactly so that one frame stays one line.
            using var doc = JsonDocument.Parse(frameJson.ToArray());
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException("a tape frame must be a JSON object", nameof(frameJson));
            }

            frameJson = JsonSerializer.SerializeToUtf8Bytes(doc.RootElement);
        }

        Span<byte> num = stackalloc byte[24];
        _out.Write("{\"recv_ms\":"u8);
        Utf8Formatter.TryFormat(receiveTimeMs, num, out int n);
        _out.Write(num[..n]);
        _out.Write(",\"stream\":"u8);
        _out.Write(stream is null ? "null"u8 : StreamName(stream));
        _out.Write(",\"frame\":"u8);
        _out.Write(frameJson);
        _out.Write("}\n"u8);
        FramesWritten++;
    }

    public void Flush() => _out.Flush();

    public void Dispose()
    {
        _out.Flush();
        if (!_leaveOpen)
        {
            _out.Dispose();
        }
    }

    private byte[] StreamName(string stream)
    {
        if (!_streamNames.TryGetValue(stream, out var bytes))
        {
            bytes = Encoding.UTF8.GetBytes("\"" + JsonEncodedText.Encode(stream).ToString() + "\"");
            _streamNames[stream] = bytes;
        }

        return bytes;
    }

    private static Stream OpenFile(string path, bool append)
    {
        var fs = new FileStream(path, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        return path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new BufferedStream(new GZipStream(fs, CompressionLevel.Fastest), 1 << 16)
            : fs;
    }
}
