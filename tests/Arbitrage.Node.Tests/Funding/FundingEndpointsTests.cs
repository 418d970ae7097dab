using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Arbitrage.Core.Funding;
using Arbitrage.Engine.Funding;
using Arbitrage.Node.Api.Errors;
using Arbitrage.Node.Api.Funding;
using Arbitrage.Node.Auth;
using Arbitrage.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Arbitrage.Node.Tests.Funding;

/// <summary>The funding endpoints on a minimal WebApplication (127.0.0.1:0) over a temp SQLite database, with auth (a viewer needed).</summary>
public sealed class FundingEndpointsTests : IAsyncLifetime
{
    private const long T0 = 1_680_652_800_000; // 2023-04-05 00:00 UTC
    private readonly string? _dir;
    private readonly Arbitrage.Engine.Persistence.Database _db;
    private WebApplication? _app;
    private HttpClient? _http;
    private HttpClient? _anonymous;

    public FundingEndpointsTests() => _db = TestDatabases.NewSqliteFile(out _dir);

    public async Task InitializeAsync()
    {
        var store = new FundingStore(_db);
        await store.UpsertConfirmedAsync(
            Enumerable.Range(0, 30).Select(i => new FundingRateRecord("BTCUSDT", T0 - i * 28_800_000L, 0.0001m)).Reverse().ToList(), "rest");
        await store.WriteSnapshotsAsync(
        [
            new FundingSnapshotRow("BTCUSDT", 1000, T0 + 1000, 100m, 100m, 100m, 100m, 99m, 99m, 1m / 99m, 0.0002m, T0 + 28_800_000, T0 + 1000, 1),
            new FundingSnapshotRow("BTCUSDT", 1000, T0 + 2000, 101m, 101m, 101m, 101m, 100m, 100m, 0.01m, 0.0003m, T0 + 28_800_000, T0 + 2000, 1),
        ]);

        var invite = "boot-" + Guid.NewGuid().ToString("N");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:JwtKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)),
            ["Auth:BootstrapInvite"] = invite,
        });
        builder.Services.AddArbitrageProblemDetails();
        builder.Services.AddArbitrageAuth(builder.Configuration, _db);
        builder.Services.AddFundingReadModel(_db);
        _app = builder.Build();
        _app.UseArbitrageProblemDetails();
        _app.UseAuthentication();
        _app.UseAuthorization();
        _app.MapAuthEndpoints();
        _app.MapFundingEndpoints();
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _anonymous = new HttpClient { BaseAddress = new Uri(address) };

        // The statistics, history and candles need a login (viewer or above); the admin of the bootstrap invite will do.
        var client = new NodeClient(new Uri(address));
        await client.RegisterAndLoginAsync(invite);
        _http = client.Http;
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        _anonymous?.Dispose();
        if (_app is not null) await _app.DisposeAsync();
        TestDatabases.DeleteQuietly(_dir);
    }

    [Theory]
    [InlineData("/api/stats", "symbol")]
    [InlineData("/api/stats?symbol=BTC-USDT", "symbol")]
    [InlineData("/api/stats?symbol=BTCUSDT&at=yesterday", "at")]
    [InlineData("/api/stats/ytd?symbol=BTCUSDT&year=1999", "year")]
    [InlineData("/api/history?symbol=BTCUSDT&from=abc", "from")]
    [InlineData("/api/history?symbol=BTCUSDT&to=2023-13-45", "to")]
    [InlineData("/api/history?symbol=BTCUSDT&limit=0", "limit")]
    [InlineData("/api/history?symbol=BTCUSDT&limit=999999", "limit")]
    [InlineData("/api/history?symbol=BTCUSDT&from=2000&to=1000", "from")]
    [InlineData("/api/kline?symbol=BTCUSDT&field=volume", "field")]
    [InlineData("/api/kline?symbol=BTCUSDT&interval=3m", "interval")]
    [InlineData("/api/kline?symbol=BTCUSDT&from=10&to=5", "from")]
    [InlineData("/api/kline?symbol=BTCUSDT&interval=1m&from=0&to=1680652800000", "from")]
    [InlineData("/api/kline?field=mark", "symbol")]
    public async Task Bad_query_is_400_naming_the_field(string url, string field)
    {
        var response = await _http!.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(string.IsNullOrWhiteSpace(Assert.Single(problem.GetProperty("errors").GetProperty(field).EnumerateArray()).GetString()));
        Assert.StartsWith(field + ": ", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // The same request without a login is refused before its parameters are looked at.
        using var anonymous = await _anonymous!.GetAsync(url);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Theory]
    [InlineData("/api/stats?symbol=BTCUSDT")]
    [InlineData("/api/stats/ytd?symbol=BTCUSDT&year=2023")]
    [InlineData("/api/history?symbol=BTCUSDT")]
    [InlineData("/api/kline?symbol=BTCUSDT")]
    public async Task Statistics_history_and_candles_need_a_login_but_rates_are_public(string url)
    {
        using var anonymous = await _anonymous!.GetAsync(url);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
        using var rates = await _anonymous.GetAsync("/api/rates");
        Assert.Equal(HttpStatusCode.OK, rates.StatusCode);
    }

    [Fact]
    public async Task Good_queries_answer_from_the_tables()
    {
        var http = _http!;
        var rates = await http.GetFromJsonAsync<JsonElement>("/api/rates");
        var btc = Assert.Single(rates.EnumerateArray());
        Assert.Equal("BTCUSDT", btc.GetProperty("symbol").GetString());
        Assert.Equal(101m, btc.GetProperty("markPrice").GetDecimal());
        Assert.Equal(8, btc.GetProperty("intervalHours").GetInt32());
        Assert.Equal(0.0003m * 3 * 365, btc.GetProperty("annualisedPredicted").GetDecimal());

        var stats = await http.GetFromJsonAsync<JsonElement>($"/api/stats?symbol=btcusdt&at={T0}");
        Assert.Equal(0.0001m * 3 * 365, stats.GetProperty("stats").GetProperty("annualised7d").GetDecimal());
        Assert.Equal(21, stats.GetProperty("stats").GetProperty("count7d").GetInt32());

        var ytd = await http.GetFromJsonAsync<JsonElement>("/api/stats/ytd?symbol=BTCUSDT&year=2023");
        Assert.Equal(2023, ytd.GetProperty("year").GetInt32());
        Assert.Equal(0.0001m * 3 * 365, ytd.GetProperty("ytdAnnualised").GetDecimal());

        var history = await http.GetFromJsonAsync<JsonElement>($"/api/history?symbol=BTCUSDT&from=2023-04-04T00:00:00Z&to={T0}&limit=2");
        Assert.Equal(2, history.GetArrayLength());

        var kline = await http.GetFromJsonAsync<JsonElement>($"/api/kline?symbol=BTCUSDT&field=mark&interval=1m&from={T0}&to={T0 + 60_000}");
        var candle = Assert.Single(kline.GetProperty("candles").EnumerateArray());
        Assert.Equal((100m, 101m, 100m, 101m), (candle.GetProperty("open").GetDecimal(), candle.GetProperty("high").GetDecimal(),
            candle.GetProperty("low").GetDecimal(), candle.GetProperty("close").GetDecimal()));

        using var none = await http.GetAsync("/api/stats?symbol=NOPEUSDT");
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        Assert.Contains("no funding history for NOPEUSDT", (await none.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
