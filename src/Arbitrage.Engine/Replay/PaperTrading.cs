using System.Text.Json;
using Akka.Actor;
using Arbitrage.Core.Execution;
using Arbitrage.Core.Risk;
using Arbitrage.Core.Strategies;
using Arbitrage.Engine.Execution;
using Arbitrage.Engine.Execution.Paper;
using Arbitrage.Engine.Risk;
using Arbitrage.Engine.Strategies;
using Arbitrage.Engine.Symbols;

namespace Arbitrage.Engine.Replay;

/// <summary>What the paper executor did with the signals.</summary>
/// <param name="Trades">Closed trades, in the order they closed.</param>
/// <param name="NotTraded">Signals the risk guard blocked (by rule) or the executor rejected (by code), per reason.</param>
/// <param name="OpenAtEnd">Positions still open after the last tick (not in <paramref name="Trades"/>).</param>
internal sealed record PaperResult(IReadOnlyList<TradeClosed> Trades, IReadOnlyDictionary<string, int> NotTraded, int OpenAtEnd);

/// <summary>
/// The backtest half of a replay: the production risk guard, executor and paper gateway driven over the
/// replay's ticks and signals in event-time order — per tick the prices and the event time first, then the
/// signals of that tick — one step at a time, so fills and trade records are the same on every run.
/// </summary>
internal static class PaperTrading
{
    public static async Task<PaperResult> RunAsync(
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
        var openAtEnd = 0;
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
            openAtEnd = (await guard.Ask<RiskStatus>(new AwaitRiskIdle(), timeout, ct).ConfigureAwait(false)).Positions.Count;
        }

        var result = await recorder.Ask<PaperResult>(new TradeRecorder.Get(openAtEnd), timeout, ct).ConfigureAwait(false);
        await guard.GracefulStop(timeout).ConfigureAwait(false);
        return result;
    }

    private sealed class TradeRecorder : ReceiveActor
    {
        public sealed record Get(int OpenAtEnd) : INoSerializationVerificationNeeded;

        private readonly List<TradeClosed> _trades = [];
        private readonly SortedDictionary<string, int> _notTraded = new(StringComparer.Ordinal);

        public TradeRecorder()
        {
            Receive<TradeClosed>(t => _trades.Add(t));
            Receive<SignalBlocked>(b => Count(b.Rule is { } rule ? JsonNamingPolicy.SnakeCaseLower.ConvertName(rule.ToString()) : "trading_off"));
            Receive<SignalRejected>(r => Count(r.Code.Code()));
            Receive<Get>(g => Sender.Tell(new PaperResult(_trades.ToArray(), new SortedDictionary<string, int>(_notTraded, StringComparer.Ordinal), g.OpenAtEnd)));
            ReceiveAny(_ => { }); // the guard's other risk events
        }

        private void Count(string reason) => _notTraded[reason] = _notTraded.GetValueOrDefault(reason) + 1;
    }
}
