// Namespace differs from the folder: "Arbitrage.Cli.Console" would hide System.Console from every Arbitrage.Cli.* file.
namespace Arbitrage.Cli.Bridge;

/// <summary>arbctl's exit codes (scripts rely on them).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Error = 1;
    public const int Usage = 2;
    public const int Unreachable = 3;
    public const int Unauthorized = 4;
}

/// <summary>An expected failure with a message for the user and the exit code to end with.</summary>
public sealed class ArbctlException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
