using Akka.Actor;
using Arbitrage.Core.Risk;
using Arbitrage.Engine.Execution;
using Arbitrage.Engine.Risk;
using Arbitrage.Engine.Strategies;
using Arbitrage.Engine.Symbols;

namespace Arbitrage.Engine.Replay;

/// <summary>
/// The backtest half of a replay: the production risk guard, executor and paper gateway driven over the
/// replay's ticks and signals in event-time order — per tick the prices and the event time first, then the
/// signals of that tick — one step at a time, so fills and trade records are the same on every run.
/// </summary>
internal static class PaperTrading
{
    public static async Task<IReadOnlyList<TradeClosed>> RunAsync(
        ActorSystem system,
        IReadOnlyList<IndicatorSnapshot> ticks,
        IReadOnlyList<SignalEmitted> signals,
        PaperGatewaySettings paper,
        CancellationToken ct)
    {
        var recorder = system.ActorOf(Props.Create(() => new TradeRecorder()), "paper-trades");
        var settings = new RiskGuardSettings(
            new RiskParameters(),
            new ExecutorSettings(new FilterBook(new Dictionary<string, Core.Sizing.SymbolFilters>(), FilterBook.Generic), TakerFeeRate: paper.TakerFeeRate),
            PersistenceId: "replay-risk-guard",
            AssumeConnected: true);
        var guard = system.ActorOf(RiskGuardActor.Props(settings, new PaperGateway(paper), recorder), "replay-risk-guard");
        var timeout = TimeSpan.FromSeconds(30);

        // Trading starts when the executor has reconciled and the guard knows the account balance.
        using (var ready = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            ready.CancelAfter(timeout);
            while (true)
            {
                var status = await guard.Ask<RiskStatus>(new GetRiskStatus(), timeout, ready.Token).ConfigureAwait(false);
                if (status.ExecutorReady && status.State.BalanceUsd is not null)
                {
                    break;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(10), ready.Token).ConfigureAwait(false);
            }
        }

        var s = 0;
        for (var i = 0; i < ticks.Count;)
        {
            var t = ticks[i].Values.TimeMs;
            for (; i < ticks.Count && ticks[i].Values.TimeMs == t; i++)
            {
                var price = ticks[i].Values.LastPrice;
                if (double.IsFinite(price) && price > 0)
                {
                    guard.Tell(new MarketTick(ticks[i].Symbol, (decimal)price, t));
                }
            }

            guard.Tell(new RiskTick(t));
            for (; s < signals.Count && signals[s].TimeMs <= t; s++)
            {
                guard.Tell(signals[s]);
            }

            // One step at a time: the guard and the executor behind it have handled this tick completely —
            // journal writes, paper fills and the reports they caused — before the next tick is sent.
            // (GetRiskStatus would only wait for the guard's mailbox: the executor, waiting for its journal,
            // would fall behind and see every later tick, signal and fill out of order, or not at all.)
            await guard.Ask<RiskStatus>(new AwaitRiskIdle(), timeout, ct).ConfigureAwait(false);
        }

        var trades = await recorder.Ask<IReadOnlyList<TradeClosed>>(new TradeRecorder.Get(), timeout, ct).ConfigureAwait(false);
        await guard.GracefulStop(timeout).ConfigureAwait(false);
        return trades;
    }

    private sealed class TradeRecorder : ReceiveActor
    {
        public sealed record Get : INoSerializationVerificationNeeded;

        private readonly List<TradeClosed> _trades = [];

        public TradeRecorder()
        {
            Receive<TradeClosed>(t => _trades.Add(t));

            Receive<Get>(_ => Sender.Tell((IReadOnlyList<TradeClosed>)_trades.ToArray()));
            ReceiveAny(_ => { }); // the guard's other risk events
        }
    }
}
