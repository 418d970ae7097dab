using System.Net.Http.Json;
using System.Security.Cryptography;
using Akka.Actor;
using Arbitrage.Core.Risk;
using Arbitrage.Engine.Audit;
using Arbitrage.Engine.Persistence;
using Arbitrage.Engine.Projections;
using Arbitrage.Engine.Risk;
using Arbitrage.Node.Api.Errors;
using Arbitrage.Node.Api.Ops;
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

namespace Arbitrage.Node.Tests.Api;

/// <summary>
/// Like <see cref="ApiHost"/> (real Kestrel, SQLite, real <see cref="AuditActor"/> and projections, users by role), but the
/// risk commands go through the real <see cref="ActorRiskOps"/> to a <see cref="StubRiskGuard"/> speaking the guard's protocol.
/// </summary>
public sealed class RiskOpsHost : IAsyncLifetime
{
    public static readonly TimeSpan AskTimeout = TimeSpan.FromMilliseconds(500);

    private string? _directory;
    private WebApplication? _app;
    private RunningProjections? _projections;

    public Database Database { get; private set; } = null!;

    public ActorSystem System { get; private set; } = null!;

    public IActorRef Guard { get; private set; } = ActorRefs.Nobody;

    public HttpClient Http { get; private set; } = null!;

    public Dictionary<string, string> Tokens { get; } = new(StringComparer.Ordinal);

    public async Task InitializeAsync()
    {
        var bootstrap = "boot-" + Guid.NewGuid().ToString("N");
        Database = TestDatabases.NewSqliteFile(out _directory);
        await Database.PrepareAsync(TimeSpan.FromSeconds(10));
        System = ActorSystem.Create("risk-ops-tests", AkkaConfig.Build(RepoPaths.Hocon, Database, [RepoPaths.TestHocon], includeCluster: false));
        var audit = System.ActorOf(AuditActor.SupervisedProps(), "audit");
        Guard = System.ActorOf(Props.Create(() => new StubRiskGuard()), "risk-guard");
        _projections = System.StartProjections(Database, settings: ProjectionSettings.Default with { BatchWindow = TimeSpan.FromMilliseconds(20) });

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:JwtKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)),
            ["Auth:BootstrapInvite"] = bootstrap,
            ["Auth:LoginPermitsPerMinute"] = "1000",
            ["Auth:LoginPermitsPerMinutePerIp"] = "1000",
        });
        builder.Services.AddSingleton(Database);
        builder.Services.AddArbitrageProblemDetails();
        builder.Services.AddArbitrageAuth(builder.Configuration, Database);
        builder.Services.AddSingleton<IAuditLog>(sp => new ActorAuditLog(_ => Task.FromResult(audit), TimeSpan.FromSeconds(10), sp.GetRequiredService<ILogger<ActorAuditLog>>()));
        builder.Services.AddSingleton<IRiskOps>(new ActorRiskOps(_ => Task.FromResult(Guard), AskTimeout));
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

        await RegisterAsync(bootstrap, "admin");
        Tokens[Roles.Admin] = await LoginAsync("admin");
        foreach (var role in new[] { Roles.Operator, Roles.Viewer })
        {
            using var invite = await SendAsync(HttpMethod.Post, "/api/admin/invites", Tokens[Roles.Admin], new { role });
            await RegisterAsync((await invite.Content.ReadFromJsonAsync<AuthEndpoints.InviteResponse>())!.Code, role);
            Tokens[role] = await LoginAsync(role);
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

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token = null, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = body as HttpContent ?? JsonContent.Create(body);
        }

        return await Http.SendAsync(request);
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await Database.OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    public async Task<StubRiskGuard.Snapshot> GuardStateAsync() =>
        await Guard.Ask<StubRiskGuard.Snapshot>(new StubRiskGuard.GetSnapshot(), TimeSpan.FromSeconds(5));

    private async Task RegisterAsync(string invite, string username)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/auth/register", body: new { inviteCode = invite, username, password = ApiHost.Password });
        response.EnsureSuccessStatusCode();
    }

    private async Task<string> LoginAsync(string username)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/auth/login", body: new { username, password = ApiHost.Password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<AuthEndpoints.TokenResponse>())!.AccessToken;
    }
}

/// <summary>
/// Speaks the risk guard's ops protocol: parameters (validated like the guard, with the stale-<c>Expected</c> check), close
/// (positions on BTCUSDT and ETHUSDT at start; never answers for HANGUSDT, to exercise the Ask timeout), trading on/off.
/// </summary>
public sealed class StubRiskGuard : ReceiveActor
{
    private readonly HashSet<string> _positions = new(StringComparer.Ordinal) { "BTCUSDT", "ETHUSDT", "HANGUSDT" };
    private RiskParameters _parameters = new();
    private bool _trading = true;

    public StubRiskGuard()
    {
        Receive<GetRiskStatus>(_ => Sender.Tell(Status()));
        Receive<GetSnapshot>(_ => Sender.Tell(new Snapshot(_parameters, _trading, _positions.Order(StringComparer.Ordinal).ToArray())));
        Receive<SetRiskParameters>(m =>
        {
            if (m.Expected is not null && m.Expected != _parameters)
            {
                Sender.Tell(new RiskParametersChanged(_parameters));
            }
            else if (RiskGuardActor.InvalidParameter(m.Parameters) is { } bad)
            {
                Sender.Tell(bad);
            }
            else
            {
                _parameters = m.Parameters;
                Sender.Tell(Status());
            }
        });
        Receive<ClosePositionCommand>(m =>
        {
            if (m.Symbol == "HANGUSDT")
            {
                return;
            }

            if (_positions.Remove(m.Symbol))
            {
                Sender.Tell(Status());
            }
            else
            {
                Sender.Tell(new PositionNotFound(m.Symbol));
            }
        });
        Receive<SetTradingEnabled>(m =>
        {
            _trading = m.Enabled;
            Sender.Tell(Status());
        });
    }

    private RiskStatus Status() =>
        new(RiskState.Initial(_parameters, 0), true, _positions.Select(s => new HeldPosition(s, 0)).ToArray(), 0, _trading);

    public sealed record GetSnapshot;

    public sealed record Snapshot(RiskParameters Parameters, bool TradingEnabled, IReadOnlyList<string> Positions);
}

[CollectionDefinition(Name)]
public sealed class RiskOpsHostCollection : ICollectionFixture<RiskOpsHost>
{
    public const string Name = "risk-ops-host";
}
