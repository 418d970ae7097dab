using Akka.Actor;
using Arbitrage.Core.Execution;

namespace Arbitrage.Engine.Execution.Paper;

/// <summary>Paper account settings.</summary>
/// <param name="StartingBalanceUsd">Balance the account opens with, at the venue's very first start (later changes do not alter an opened account).</param>
/// <param name="TakerFeeRate">Fee on every fill's notional (all paper fills are taker fills).</param>
/// <param name="SlippageBps">Fixed slippage against the taker, in basis points of the price.</param>
/// <param name="PersistenceId">The venue's journal.</param>
public sealed record PaperGatewaySettings(
    decimal StartingBalanceUsd = 1_000m,
    decimal TakerFeeRate = 0.0004m,
    decimal SlippageBps = 0m,
    string PersistenceId = "paper-exchange")
{
    /// <summary>How long a call waits for the venue (journal writes included) before it is reported as unanswered.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// The paper account behind the same <see cref="IExchangeGateway"/> as live: a client of the <see cref="PaperVenueActor"/>,
/// an event-sourced simulated exchange (rules in <see cref="PaperVenue"/>) that the executor hosts as its child. A venue
/// that does not answer within <see cref="PaperGatewaySettings.CallTimeout"/> is reported like a silent exchange:
/// <see cref="GatewayErrorKind.UnknownStatus"/> for a placement, <see cref="GatewayErrorKind.Unavailable"/> otherwise.
/// </summary>
public sealed class PaperGateway(PaperGatewaySettings settings) : IPriceDrivenGateway, IHostedGateway
{
    private IActorRef _venue = ActorRefs.Nobody;

    public PaperGateway()
        : this(new PaperGatewaySettings())
    {
    }

    public PaperGatewaySettings Settings { get; } = settings;

    /// <summary>The venue of the executor that hosts it now (its backoff supervisor).</summary>
    public IActorRef Venue => Volatile.Read(ref _venue);

    public void Host(IActorContext executor) =>
        Volatile.Write(ref _venue, executor.ActorOf(PaperVenueActor.SupervisedProps(Settings, executor.Self), "paper-exchange"));

    public void Subscribe(IActorRef listener) => Venue.Tell(new PaperSubscribe(listener));

    public Task<GatewayResult<GatewayOrder>> PlaceAsync(OrderRequest order, CancellationToken ct = default) =>
        CallAsync<GatewayOrder>(new PaperPlace(order), GatewayErrorKind.UnknownStatus, ct);

    public Task<GatewayResult<GatewayOrder>> QueryAsync(string symbol, string clientOrderId, CancellationToken ct = default) =>
        CallAsync<GatewayOrder>(new PaperQuery(clientOrderId), GatewayErrorKind.Unavailable, ct);

    public Task<GatewayResult<GatewayOrder>> CancelAsync(string symbol, string clientOrderId, CancellationToken ct = default) =>
        CallAsync<GatewayOrder>(new PaperCancel(clientOrderId), GatewayErrorKind.Unavailable, ct);

    public Task<GatewayResult<IReadOnlyList<GatewayOrder>>> OpenOrdersAsync(CancellationToken ct = default) =>
        CallAsync<IReadOnlyList<GatewayOrder>>(new PaperOpenOrders(), GatewayErrorKind.Unavailable, ct);

    public Task<GatewayResult<IReadOnlyList<GatewayPosition>>> PositionsAsync(CancellationToken ct = default) =>
        CallAsync<IReadOnlyList<GatewayPosition>>(new PaperPositions(), GatewayErrorKind.Unavailable, ct);

    public Task<GatewayResult<decimal>> BalanceAsync(CancellationToken ct = default) =>
        CallAsync<decimal>(new PaperBalance(), GatewayErrorKind.Unavailable, ct);

    public async Task OnPriceAsync(string symbol, decimal price, long timeMs)
    {
        try
        {
            await Venue.Ask<PaperPriceApplied>(new PaperPrice(symbol, price, timeMs), Settings.CallTimeout).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            // The venue is down (journal): this price is lost to it, as a tick is lost to a disconnected exchange.
        }
    }

    /// <summary>Balance, positions and every order the venue remembers (tests, diagnostics).</summary>
    public Task<PaperAccountView> AccountAsync() => Venue.Ask<PaperAccountView>(new GetPaperAccount(), Settings.CallTimeout);

    private async Task<GatewayResult<T>> CallAsync<T>(object message, GatewayErrorKind silence, CancellationToken ct)
    {
        try
        {
            return await Venue.Ask<GatewayResult<T>>(message, Settings.CallTimeout, ct).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            return GatewayResult<T>.Fail(silence, $"the paper venue did not answer within {Settings.CallTimeout.TotalSeconds:0} s");
        }
    }
}
