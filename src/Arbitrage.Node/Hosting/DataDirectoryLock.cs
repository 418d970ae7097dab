using System.Globalization;
using System.Text;

namespace Arbitrage.Node.Hosting;

/// <summary>
/// An exclusive, OS-level lock on the SQLite data directory for the lifetime of the node: two processes
/// never share one journal. The lock is a byte-range lock on <c>DIR/.lock</c>, released by the OS when the
/// process ends however it ends (SIGKILL included), so a stale file never blocks a restart; the file's
/// content (the holder's pid) is only informational. The file is never deleted: deleting it would let a
/// third process lock a new file while a second one still locks the old one.
/// </summary>
public sealed class DataDirectoryLock : IDisposable
{
    public const string FileName = ".lock";

    // Beyond the pid text: on Windows a locked range cannot be read, and the contender reads the pid.
    private const long LockOffset = 4096;

    private readonly FileStream _file;

    private DataDirectoryLock(FileStream file, string path)
    {
        _file = file;
        Path = path;
    }

    /// <summary>The lock file's full path.</summary>
    public string Path { get; }

    /// <summary>Locks <paramref name="directory"/> (creating it); on failure a one-line error naming the directory and the holder.</summary>
    public static (DataDirectoryLock? Lock, string? Error) TryAcquire(string directory)
    {
        var full = System.IO.Path.GetFullPath(directory);
        var path = System.IO.Path.Combine(full, FileName);
        var apple = OperatingSystem.IsMacOS() || OperatingSystem.IsIOS() || OperatingSystem.IsTvOS();
        FileStream file;
        try
        {
            Directory.CreateDirectory(full);

            // Apple platforms have no byte-range FileStream.Lock: there the exclusive open (flock) is the lock.
            file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, apple ? FileShare.None : FileShare.ReadWrite);
        }
        catch (IOException e) when (apple)
        {
            return (null, InUse(full, $"pid unknown: {e.Message}"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"{Key}: data directory {full} cannot be used: {e.Message}");
        }

        if (!OperatingSystem.IsMacOS() && !OperatingSystem.IsIOS() && !OperatingSystem.IsTvOS())
        {
            try
            {
                file.Lock(LockOffset, 1);
            }
            catch (IOException)
            {
                var holder = ReadPid(file);
                file.Dispose();
                return (null, InUse(full, $"pid {holder}"));
            }
        }

        file.SetLength(0);
        file.Write(Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n"));
        file.Flush(flushToDisk: true);
        return (new DataDirectoryLock(file, path), null);
    }

    public void Dispose() => _file.Dispose();

    private const string Key = "Storage:DataDir (ARB__Storage__DataDir, --data-dir)";

    private static string InUse(string directory, string holder) =>
        $"{Key}: data directory {directory} is in use by another node ({holder}); two processes must never share one SQLite journal: stop that node or give this one its own --data-dir.";

    private static string ReadPid(FileStream file)
    {
        try
        {
            var buffer = new byte[32];
            file.Position = 0;
            var read = file.Read(buffer);
            var text = Encoding.ASCII.GetString(buffer, 0, read).Trim();
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid.ToString(CultureInfo.InvariantCulture) : "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
