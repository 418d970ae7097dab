using System.Text.Json;

namespace Arbitrage.Cli.Bridge;

/// <summary>What <c>arbctl login</c> keeps: the node's URL and the current token pair.</summary>
public sealed record Credentials(
    string Url, string Username, string Role, string AccessToken, DateTimeOffset AccessExpiresAt, string RefreshToken, DateTimeOffset RefreshExpiresAt);

/// <summary>
/// <c>~/.config/arbctl/credentials.json</c> (or <c>$ARBCTL_CONFIG</c>), readable by the owner only (0600 in a 0700
/// folder). Written to a temporary file first, then moved over, so a crash never leaves half a file.
/// </summary>
public sealed class CredentialStore(string path)
{
    public const string PathVariable = "ARBCTL_CONFIG";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Path { get; } = path;

    public static CredentialStore Default()
    {
        var overridden = Environment.GetEnvironmentVariable(PathVariable);
        if (!string.IsNullOrWhiteSpace(overridden))
        {
            return new CredentialStore(overridden);
        }

        var config = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        if (string.IsNullOrWhiteSpace(config))
        {
            config = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        }

        return new CredentialStore(System.IO.Path.Combine(config, "arbctl", "credentials.json"));
    }

    public Credentials? Load()
    {
        if (!File.Exists(Path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<Credentials>(File.ReadAllText(Path), Json);
        }
        catch (JsonException)
        {
            throw new ArbctlException(ExitCodes.Unauthorized, $"{Path} is not a credentials file: run arbctl login again");
        }
    }

    public void Save(Credentials credentials)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var temp = Path + ".tmp-" + Environment.ProcessId;
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, options))
        {
            JsonSerializer.Serialize(stream, credentials, Json);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temp, Path, overwrite: true);
    }

    public bool Delete()
    {
        if (!File.Exists(Path))
        {
            return false;
        }

        File.Delete(Path);
        return true;
    }
}
