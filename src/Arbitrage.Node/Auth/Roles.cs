namespace Arbitrage.Node.Auth;

/// <summary>The roles, ordered: viewer &lt; operator &lt; admin. A policy admits its role and every higher one.</summary>
public static class Roles
{
    public const string Viewer = "viewer";
    public const string Operator = "operator";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Viewer, Operator, Admin];

    public static bool IsValid(string? role) => role is Viewer or Operator or Admin;

    /// <summary>The roles that satisfy <paramref name="minimum"/>.</summary>
    public static string[] AtLeast(string minimum) => All.Skip(All.ToList().IndexOf(minimum)).ToArray();
}

/// <summary>Authorization policy names (same spelling as the minimum role).</summary>
public static class AuthPolicies
{
    public const string Viewer = Roles.Viewer;
    public const string Operator = Roles.Operator;
    public const string Admin = Roles.Admin;
}

/// <summary>Claim names in our access tokens (short JWT names; inbound claim mapping is off).</summary>
public static class AuthClaims
{
    public const string Subject = "sub";
    public const string Name = "name";
    public const string Role = "role";

    /// <summary>The refresh-token family (one login session) an access token was issued from.</summary>
    public const string Family = "fam";
}
