using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Arbitrage.Engine.Persistence;
using Arbitrage.Node.Api.Errors;
using Arbitrage.Node.Api.Funding;
using Arbitrage.Node.Api.Read;
using Arbitrage.Node.Auth;
using Arbitrage.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Arbitrage.Node.Tests.Api;

/// <summary>
/// The bridge (auth, read and funding endpoints) over PostgreSQL reached through a TCP proxy that is then closed: the
/// database stops answering. Authenticated and anonymous requests alike answer 503 with <c>Retry-After</c> and a reason
/// (never a 500), the log says so in one line each without a stack trace, and everything answers again once the
/// database is back.
/// </summary>
public sealed class DatabaseOutageTests
{
    [SkippableFact]
    public async Task A_database_that_stops_answering_is_503_with_retry_after_and_no_stack_trace_then_recovers()
    {
        await using var schema = await FreshPostgresSchema.CreateAsync();
        var (proxy, proxied) = TcpFaultProxy.ForPostgres(schema.ConnectionString);
        await using var _ = proxy;
        var viaProxy = new NpgsqlConnectionStringBuilder(proxied) { CommandTimeout = 5 };
        var database = Database.From(new StorageOptions { Postgres = viaProxy.ConnectionString });
        var logs = new CapturedLogs();

        var invite = "boot-" + Guid.NewGuid().ToString("N");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:JwtKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)),
            ["Auth:BootstrapInvite"] = invite,
        });
        builder.Services.AddArbitrageProblemDetails();
        builder.Services.AddArbitrageAuth(builder.Configuration, database);
        builder.Services.AddFundingReadModel(database);
        await using var app = builder.Build();
        app.UseArbitrageProblemDetails();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapAuthEndpoints();
        app.MapReadEndpoints();
        app.MapFundingEndpoints();
        await app.StartAsync();
        var url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        using var client = new NodeClient(url);
        await client.RegisterAndLoginAsync(invite);
        using var anonymous = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        var beforeOutage = await client.GetAsync("/api/signals");
        Assert.True(beforeOutage.Status == HttpStatusCode.OK, $"before the outage: {(int)beforeOutage.Status} {beforeOutage.Body}\n{string.Join("\n", logs.Entries.Where(e => e.Level >= LogLevel.Warning).Select(e => e.Message))}");

        proxy.Cut();
        var requests = new (string What, Func<Task<HttpResponseMessage>> Send)[]
        {
            ("an authenticated read (the token is checked against the database)", () => client.Http.GetAsync("/api/signals")),
            ("an authenticated funding read", () => client.Http.GetAsync("/api/stats?symbol=BTCUSDT")),
            ("a login", () => anonymous.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = NodeClient.Password })),
            ("an anonymous read", () => anonymous.GetAsync("/api/rates")),
        };
        foreach (var (what, send) in requests)
        {
            using var response = await send();
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{what}: {(int)response.StatusCode} {text}");
            Assert.Equal(TimeSpan.FromSeconds(ProblemResponses.RetryAfterSeconds), response.Headers.RetryAfter?.Delta);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var detail = JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString()!;
            Assert.Contains("the database is not answering", detail, StringComparison.Ordinal);
            Assert.DoesNotContain(proxy.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), detail, StringComparison.Ordinal);
        }

        var entries = logs.Entries.ToArray();
        Assert.Empty(entries.Where(e => e.Exception is not null || e.Level >= LogLevel.Error).Select(e => $"{e.Level} {e.Category}: {e.Message} {e.Exception}"));
        Assert.Equal(requests.Length, entries.Count(e => e.Level == LogLevel.Warning && e.Message.Contains("answered 503: the database is not answering", StringComparison.Ordinal)));

        // The database is back: the same requests answer again, with no restart (pooled connections the outage broke
        // fail once each on the way: still a 503, never a 500).
        proxy.Restore();
        foreach (var path in new[] { "/api/signals", "/api/stats?symbol=BTCUSDT", "/api/rates" })
        {
            await client.WaitForAsync(path, (status, _) => status is HttpStatusCode.OK or HttpStatusCode.NotFound, TimeSpan.FromSeconds(30));
        }

        await app.StopAsync();
        Assert.Empty(logs.Entries.Where(e => e.Exception is not null || e.Level >= LogLevel.Error).Select(e => $"{e.Level} {e.Category}: {e.Message} {e.Exception}"));
    }

    private sealed record Entry(LogLevel Level, string Category, string Message, Exception? Exception);

    /// <summary>Every log entry of the host, in memory.</summary>
    private sealed class CapturedLogs : ILoggerProvider
    {
        public ConcurrentQueue<Entry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturedLogs sink, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    sink.Entries.Enqueue(new Entry(logLevel, category, formatter(state, exception), exception));
                }
            }
        }
    }
}
