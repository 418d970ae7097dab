using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Arbitrage.Engine.Audit;
using Arbitrage.Engine.Persistence;
using Arbitrage.Engine.Projections;
using Arbitrage.Engine.Strategies;
using Arbitrage.Engine.Triangles;
using Arbitrage.Node.Api.Errors;
using Arbitrage.Node.Api.Ops;
using Arbitrage.Node.Api.Read;
using Arbitrage.Node.Auth;
using Arbitrage.Node.Triangles;
using Arbitrage.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Arbitrage.Node.Tests.Api;

/// <summary>
/// A minimal WebApplication with the auth, read and ops endpoints on a real Kestrel (127.0.0.1:0), a temp
/// SQLite database, an ActorSystem with the real <see cref="AuditActor"/> and projections, a stub
/// strategies supervisor and a recording risk target. Users admin/operator/viewer are registered through
/// the API (bootstrap invite, then admin invites).
/// </summary>
public sealed class ApiHost : IAsyncLifetime
{
    public const string Password = "correct horse battery staple";
    public static readonly TimeSpan AskTimeout = TimeSpan.FromMilliseconds(500);

    private readonly Dictionary<string, string?> _settings;
    private string? _directory;
    private WebApplication? _app;
    private RunningProjections? _projections;

    public ApiHost()
    {
        _settings = [];
    }

    /// <summary>A host with extra configuration (for tests that need their own limits).</summary>
    public static ApiHost With(Dictionary<string, string?> settings)
    {
        var host = new ApiHost();
        foreach (var (k, v) in settings)
        {
            host._settings[k] = v;
        }

        return host;
    }

    public string JwtKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));

    public string BootstrapInvite { get; } = "boot-" + Guid.NewGuid().ToString("N");

    public Database Database { get; private set; } = null!;

    public ActorSystem System { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public RecordingRiskOps Risk { get; } = new();

    /// <summary>Records what the triangle keeper sends its detectors (<see cref="TriangleRegionRecorder"/>).</summary>
    public IActorRef TriangleRegion { get; private set; } = null!;

    /// <summary>Access tokens by role.</summary>
    public Dictionary<string, string> Tokens { get; } = new(StringComparer.Ordinal);

    public async Task InitializeAsync()
    {
        Database = TestDatabases.NewSqliteFile(out _directory);
        await Database.PrepareAsync(TimeSpan.FromSeconds(10));
        System = ActorSystem.Create("api-tests", AkkaConfig.Build(RepoPaths.Hocon, Database, [RepoPaths.TestHocon], includeCluster: false));
        var audit = System.ActorOf(AuditActor.SupervisedProps(), "audit");
        var strategies = System.ActorOf(Props.Create(() => new StrategiesStub()), "strategies");

        // A real triangle config keeper on one config file, its detectors' region a recorder.
        var triangles = Path.Combine(_directory!, "triangles");
        Directory.CreateDirectory(triangles);
        File.WriteAllText(Path.Combine(triangles, "tri_api.json"), """
            { "id": "tri_api", "venue": "api-venue", "symbols": ["BTC/USDT", "ETH/USDT", "ETH/BTC"], "start_assets": { "USDT": 100 },
              "taker_fee": 0.001, "min_net_return": 0.0005 }
            """);
        TriangleRegion = System.ActorOf(Props.Create(() => new TriangleRegionRecorder()), "triangle-region");
        var keeper = System.ActorOf(
            TriangleKeeper.Props(new TriangleKeeperSettings(triangles, _ => 0.001, TimeSpan.FromHours(1), Watch: false), TriangleRegion, venues: null),
            "triangle-keeper");
        _projections = System.StartProjections(Database, settings: ProjectionSettings.Default with { BatchWindow = TimeSpan.FromMilliseconds(20) });

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:JwtKey"] = JwtKey,
            ["Auth:BootstrapInvite"] = BootstrapInvite,
            ["Auth:LoginPermitsPerMinute"] = "1000",
            ["Auth:LoginPermitsPerMinutePerIp"] = "1000",
        });
        builder.Configuration.AddInMemoryCollection(_settings);
        builder.Services.AddSingleton(Database);
        builder.Services.AddArbitrageProblemDetails();
        builder.Services.AddArbitrageAuth(builder.Configuration, Database);
        builder.Services.AddSingleton<IAuditLog>(sp => new ActorAuditLog(_ => Task.FromResult(audit), TimeSpan.FromSeconds(10), sp.GetRequiredService<ILogger<ActorAuditLog>>()));
        builder.Services.AddSingleton<IStrategyOps>(new ActorStrategyOps(_ => Task.FromResult(strategies), AskTimeout));
        builder.Services.AddSingleton<IRiskOps>(Risk);
        builder.Services.AddSingleton<ITriangleOps>(new ActorTriangleOps(_ => Task.FromResult(keeper), AskTimeout));
        builder.Services.AddArbitrageOps();

        _app = builder.Build();
        _app.UseArbitrageProblemDetails();
        _app.UseAuthentication();
        _app.UseAuthorization();
        _app.MapAuthEndpoints();
        _app.MapReadEndpoints();
        _app.MapOpsEndpoints();
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };

        // First admin via the bootstrap invite, then one user per role via admin invites.
        await RegisterAsync(BootstrapInvite, "admin");
        Tokens[Roles.Admin] = (await LoginAsync("admin")).AccessToken;
        foreach (var role in new[] { Roles.Operator, Roles.Viewer })
        {
            await RegisterAsync(await InviteAsync(role), role);
            Tokens[role] = (await LoginAsync(role)).AccessToken;
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

        if (_projections is not null)
        {
            await _projections.StopAsync();
        }

        if (System is not null)
        {
            await System.Terminate();
        }

        TestDatabases.DeleteQuietly(_directory);
    }

    public HttpRequestMessage Request(HttpMethod method, string path, string? token = null, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return request;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token = null, object? body = null)
    {
        using var request = Request(method, path, token, body);
        return await Http.SendAsync(request);
    }

    public async Task<string> InviteAsync(string role)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/admin/invites", Tokens[Roles.Admin], new { role });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<AuthEndpoints.InviteResponse>())!.Code;
    }

    public async Task<HttpResponseMessage> TryRegisterAsync(string invite, string username, string password = Password) =>
        await SendAsync(HttpMethod.Post, "/api/auth/register", body: new { inviteCode = invite, username, password });

    public async Task RegisterAsync(string invite, string username)
    {
        using var response = await TryRegisterAsync(invite, username);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    public async Task<AuthEndpoints.TokenResponse> LoginAsync(string username, string password = Password)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/auth/login", body: new { username, password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<AuthEndpoints.TokenResponse>())!;
    }

    /// <summary>Registers a fresh user with <paramref name="role"/> and logs in.</summary>
    public async Task<(string Username, AuthEndpoints.TokenResponse Tokens)> NewUserAsync(string role)
    {
        var username = "u" + Guid.NewGuid().ToString("N")[..12];
        await RegisterAsync(await InviteAsync(role), username);
        return (username, await LoginAsync(username));
    }

    /// <summary>Persists events under a tag through the host's journal (picked up by the projections).</summary>
    public async Task PersistAsync(string tag, params object[] events)
    {
        var writer = System.ActorOf(Props.Create(() => new TaggedWriter("writer-" + Guid.NewGuid().ToString("N"), tag)));
        foreach (var e in events)
        {
            await writer.Ask<object>(e, TimeSpan.FromSeconds(20));
        }

        await writer.GracefulStop(TimeSpan.FromSeconds(10));
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await Database.OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    /// <summary>Polls until <paramref name="probe"/> holds (projections are asynchronous).</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> probe, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!await probe())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for " + what);
            await Task.Delay(50);
        }
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
}

/// <summary>Records risk commands; answers Done.</summary>
public sealed class RecordingRiskOps : IRiskOps
{
    private int _kills;
    private int _resumes;

    public int Kills => _kills;

    public int Resumes => _resumes;

    public Task<OpsOutcome> KillAsync(string user, string reason, CancellationToken ct)
    {
        Interlocked.Increment(ref _kills);
        return Task.FromResult(OpsOutcome.Done("trading halted"));
    }

    public Task<OpsOutcome> ResumeAsync(string user, CancellationToken ct)
    {
        Interlocked.Increment(ref _resumes);
        return Task.FromResult(OpsOutcome.Done("trading resumed"));
    }
}

/// <summary>
/// Stands in for StrategiesActor's <see cref="SetStrategyEnabled"/> handler: knows <c>alpha</c> and
/// <c>beta</c>, never answers for <c>silent</c> (to exercise the Ask timeout).
/// </summary>
public sealed class StrategiesStub : ReceiveActor
{
    private readonly Dictionary<string, bool> _enabled = new(StringComparer.Ordinal) { ["alpha"] = true, ["beta"] = false };

    public StrategiesStub()
    {
        Receive<SetStrategyEnabled>(m =>
        {
            if (m.StrategyId == "silent")
            {
                return;
            }

            if (!_enabled.TryGetValue(m.StrategyId, out var was))
            {
                Sender.Tell(new StrategyNotFound(m.StrategyId));
                return;
            }

            _enabled[m.StrategyId] = m.Enabled;
            Sender.Tell(new StrategyEnabledSet(m.StrategyId, m.Enabled, was != m.Enabled));
        });
    }
}

/// <summary>Stands in for the <c>triangle</c> shard region: keeps the last <see cref="ConfigureTriangles"/> per venue, answers <see cref="GetLastConfigure"/>.</summary>
public sealed class TriangleRegionRecorder : ReceiveActor
{
    private readonly Dictionary<string, ConfigureTriangles> _last = new(StringComparer.Ordinal);

    public TriangleRegionRecorder()
    {
        Receive<ConfigureTriangles>(m => _last[m.Venue] = m);
        Receive<GetLastConfigure>(m => Sender.Tell(_last.TryGetValue(m.Venue, out var c) ? c : new ConfigureTriangles(m.Venue, [], [], null)));
        ReceiveAny(_ => { });
    }
}

public sealed record GetLastConfigure(string Venue);

/// <summary>Persists whatever it is sent under one tag and answers with the event once durable.</summary>
public sealed class TaggedWriter : ReceivePersistentActor
{
    public TaggedWriter(string persistenceId, string tag)
    {
        PersistenceId = persistenceId;
        Recover<object>(_ => { });
        Command<object>(e => Persist(new Tagged(e, [tag]), _ => Sender.Tell(e)));
    }

    public override string PersistenceId { get; }
}

[CollectionDefinition(Name)]
public sealed class ApiHostCollection : ICollectionFixture<ApiHost>
{
    public const string Name = "api-host";
}
