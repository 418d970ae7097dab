using System.Threading.RateLimiting;

namespace Arbitrage.Node.Auth;

/// <summary>
/// Login rate limiting with ASP.NET Core's rate limiters (System.Threading.RateLimiting): a fixed window per
/// IP + username (guessing one password) and a wider one per IP (spraying many usernames). It runs inside
/// the login handler because the username is in the body, which the middleware partitioner cannot read.
/// </summary>
public sealed class LoginThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> _perUser;
    private readonly PartitionedRateLimiter<string> _perIp;

    public LoginThrottle(AuthOptions options)
    {
        _perUser = Create(options.LoginPermitsPerMinute);
        _perIp = Create(options.LoginPermitsPerMinutePerIp);
    }

    /// <summary>True when the attempt may proceed; else the time to wait.</summary>
    public bool TryAcquire(string ip, string username, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        foreach (var (limiter, key) in new[] { (_perIp, ip), (_perUser, ip + "\n" + username) })
        {
            using var lease = limiter.AttemptAcquire(key);
            if (!lease.IsAcquired)
            {
                retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                return false;
            }
        }

        return true;
    }

    public void Dispose()
    {
        _perUser.Dispose();
        _perIp.Dispose();
    }

    private static PartitionedRateLimiter<string> Create(int permitsPerMinute) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, permitsPerMinute),
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
}
