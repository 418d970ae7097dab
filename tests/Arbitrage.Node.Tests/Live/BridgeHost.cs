using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Arbitrage.Node.Api;
using Arbitrage.Node.Api.Diagnostics;
using Arbitrage.Node.Api.Errors;
using Arbitrage.Node.Api.Live;
using Arbitrage.Node.Api.Metrics;
using Arbitrage.Node.Api.Ops;
using Arbitrage.Node.Auth;
using Arbitrage.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Arbitrage.Node.Tests.Live;

/// <summary>
/// A real Kestrel (127.0.0.1:0) with the auth, ops, live, metrics and diagnostics endpoints over an
/// Akka.Hosting ActorSystem that is a one-member cluster (remoting on 127.0.0.1:0, self-joined) with a
/// test shard region. Risk is a fake with state behind <c>/api/risk</c>; users admin/operator/viewer exist.
/// </summary>
public sealed class BridgeHost : IAsyncLifetime
{
    public const string Password = "correct horse battery staple";
    public const string ShardType = "diag-test";

    /// <summary>The symbols the SSE filter accepts (any other is a 404).</summary>
    public static readonly string[] ConfiguredSymbols = ["BTCUSDT", "ETHUSDT", "ZZZUSDT", "DISCUSDT"];

    private string? _directory;
    private WebApplication? _app;

    public string BootstrapInvite { get; } = "boot-" + Guid.NewGuid().ToString("N");

    public ActorSystem System { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public string Url { get; private set; } = null!;

    public FakeRisk Risk { get; } = new();

    public RecentLogSink Logs { get; } = new(50);

    public Dictionary<string, string> Tokens { get; } = new(StringComparer.Ordinal);

    public IActorRef Mediator => DistributedPubSub.Get(System).Mediator;

    public async Task InitializeAsync()
    {
        var database = TestDatabases.NewSqliteFile(out _directory);
        await database.PrepareAsync(TimeSpan.FromSeconds(10));

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:JwtKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)),
            ["Auth:BootstrapInvite"] = BootstrapInvite,
            ["Auth:LoginPermitsPerMinute"] = "1000",
            ["Auth:LoginPermitsPerMinutePerIp"] = "1000",
        });
        builder.Services.AddSingleton(database);
        builder.Services.AddArbitrageProblemDetails();
        builder.Services.AddArbitrageAuth(builder.Configuration, database);
        builder.Services.AddSingleton<IAuditLog, MemoryAuditLog>();
        builder.Services.AddSingleton<IRiskOps>(Risk);
        builder.Services.AddSingleton<IStrategyOps, NoStrategies>();
        builder.Services.AddArbitrageOps();
        builder.Services.AddDiagnostics(Logs);
        builder.Services.AddArbitrageMetrics();
        builder.Services.AddSingleton(new LiveOptions { Heartbeat = TimeSpan.FromMilliseconds(300) });
        builder.Services.AddSingleton(new ConfiguredSymbols(ConfiguredSymbols));
        builder.Services.AddAkka("bridge-tests", (akka, _) =>
        {
            akka.AddHocon(
                """
                akka.cluster.sharding.state-store-mode = ddata
                akka.cluster.sharding.remember-entities = off
                akka.cluster.distributed-data.durable.keys = []
                akka.loglevel = INFO
                """,
                HoconAddMode.Prepend);
            akka.ConfigureLoggers(l =>
            {
                l.ClearLoggers();
                l.AddLoggerFactory();
            });
            akka.WithRemoting("127.0.0.1", 0);
            akka.WithClustering(new ClusterOptions { Roles = ["test"] });
            akka.WithActors((system, _) =>
            {
                var cluster = Cluster.Get(system);
                cluster.Join(cluster.SelfAddress);
                ClusterSharding.Get(system).Start(ShardType, Props.Create(() => new EchoEntity()), ClusterShardingSettings.Create(system), new EchoExtractor());
            });
            akka.WithDiagnostics();
        });

        _app = builder.Build();
        _app.UseArbitrageProblemDetails();
        _app.UseAuthentication();
        _app.UseAuthorization();
        _app.MapArbitrageMetrics();
        _app.MapAuthEndpoints();
        _app.MapOpsEndpoints();
        _app.MapLiveEndpoints();
        _app.MapDiagnosticsEndpoints();
        _app.MapGet("/api/risk", () => Results.Ok(Risk.Status())).RequireAuthorization(AuthPolicies.Viewer);
        await _app.StartAsync();

        System = _app.Services.GetRequiredService<ActorSystem>();
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Cluster.Get(System).RegisterOnMemberUp(() => up.TrySetResult());
        await up.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Url = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(30) };

        await RegisterAsync(BootstrapInvite, "admin");
        Tokens[Roles.Admin] = (await LoginAsync("admin")).GetProperty("accessToken").GetString()!;
        foreach (var role in new[] { Roles.Operator, Roles.Viewer })
        {
            using var invite = await SendAsync(HttpMethod.Post, "/api/admin/invites", Tokens[Roles.Admin], new { role });
            Assert.Equal(HttpStatusCode.Created, invite.StatusCode);
            await RegisterAsync((await JsonAsync(invite)).GetProperty("code").GetString()!, role);
            Tokens[role] = (await LoginAsync(role)).GetProperty("accessToken").GetString()!;
        }
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        TestDatabases.DeleteQuietly(_directory);
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token = null, object? body = null, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await Http.SendAsync(request, completion, ct);
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>Polls until <paramref name="probe"/> holds.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> probe, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (!await probe())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for " + what);
            await Task.Delay(50);
        }
    }

    private async Task RegisterAsync(string invite, string username)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/auth/register", body: new { inviteCode = invite, username, password = Password });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private async Task<JsonElement> LoginAsync(string username)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/auth/login", body: new { username, password = Password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await JsonAsync(response);
    }
}

/// <summary>A risk target with a kill switch: kill/resume change what <c>/api/risk</c> shows.</summary>
public sealed class FakeRisk : IRiskOps
{
    private volatile string? _killedBy;

    public object Status() => new { killSwitch = _killedBy is not null, killedBy = _killedBy, positions = Array.Empty<object>() };

    public Task<OpsOutcome> KillAsync(string user, string reason, CancellationToken ct)
    {
        _killedBy = user;
        return Task.FromResult(OpsOutcome.Done("trading halted: " + reason));
    }

    public Task<OpsOutcome> ResumeAsync(string user, CancellationToken ct)
    {
        _killedBy = null;
        return Task.FromResult(OpsOutcome.Done("trading resumed"));
    }
}

public sealed class NoStrategies : IStrategyOps
{
    public Task<OpsOutcome> SetEnabledAsync(string strategyId, bool enabled, CancellationToken ct) =>
        Task.FromResult(OpsOutcome.NotFound($"no running strategy '{strategyId}'"));
}

/// <summary>Audit entries in memory (this host has no journal).</summary>
public sealed class MemoryAuditLog : IAuditLog
{
    public List<string> Entries { get; } = [];

    public Task<string?> BeginAsync(string user, string command, string argumentsJson, CancellationToken ct)
    {
        lock (Entries)
        {
            Entries.Add($"{user} {command} {argumentsJson}");
        }

        return Task.FromResult<string?>(Guid.NewGuid().ToString("N"));
    }

    public Task<bool> CompleteAsync(string auditId, string result, CancellationToken ct) => Task.FromResult(true);
}

public sealed record Echo(string Id, string Text);

public sealed class EchoEntity : ReceiveActor
{
    public EchoEntity() => Receive<Echo>(e => Sender.Tell(e));
}

public sealed class EchoExtractor() : HashCodeMessageExtractor(10)
{
    public override string? EntityId(object message) => (message as Echo)?.Id;
}

[CollectionDefinition(Name)]
public sealed class BridgeHostCollection : ICollectionFixture<BridgeHost>
{
    public const string Name = "bridge-host";
}
