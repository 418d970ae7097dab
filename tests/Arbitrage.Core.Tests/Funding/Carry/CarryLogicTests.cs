using Arbitrage.Core.Funding;
using Arbitrage.Core.Funding.Carry;

namespace Arbitrage.Core.Tests.Funding.Carry;

/// <summary>
/// Every decision path of the pure <see cref="CarryLogic"/>: quotes (market view, entry, exit, retries), leg answers
/// (open, unwind, stranded, close), settlements and operator commands. No actors: the legs are answered by hand, the
/// way the actor hands the gateway's answers back.
/// </summary>
public sealed class CarryLogicTests
{
    private const string Btc = "BTCUSDT";
    private const long H = 3_600_000;
    private const long T0 = 1_680_652_800_000; // 2023-04-05T00:00Z, a settlement

    /// <summary>8 h interval: annualised = rate × 1095. Entry 10 %/yr ⇔ rate ≥ 0.0000913…; exit 3 %/yr ⇔ rate &lt; 0.0000274.</summary>
    private static CarryConfig Config(bool enabled = true, long maxHoldingMs = 30 * 24 * H) =>
        new("carry_test", new CarryParameters(0.10m, -0.0005m, 0.03m, maxHoldingMs), NotionalUsd: 1000m, Symbols: [Btc],
            FeeRate: 0.0004m, FundingIntervalHours: 8, SpotStep: 0.00001m, PerpStep: 0.001m, Enabled: enabled);

    private static MarkPriceQuote Quote(long t, decimal rate, decimal mark = 20000m, decimal index = 20000m, long? next = null, string symbol = Btc) =>
        new(symbol, t, mark, index, mark, rate, next ?? (t / (8 * H) + 1) * 8 * H);

    /// <summary>A paper fill at the order's reference price with a 4 bp fee.</summary>
    private static CarryLegResult Fill(CarryLegOrder o) =>
        CarryLegResult.Filled(new CarryLegFill(o.Leg, o.Side, o.Quantity, o.ReferencePrice, o.Quantity * o.ReferencePrice * 0.0004m, o.TimeMs));

    private static CarryLegResult Fail(string error) => CarryLegResult.Failed(error);

    /// <summary>Answers each round of legs with <paramref name="answer"/> until nothing is in flight, as the actor does with a synchronous gateway.</summary>
    private static (CarryStep Last, List<CarryStep> Steps) Settle(CarryStep step, CarryConfig config, Func<CarryLegOrder, CarryLegResult> answer)
    {
        var steps = new List<CarryStep> { step };
        while (step.Orders.Count > 0)
        {
            step = CarryLogic.OnLegs(step.View, step.Orders.Select(answer).ToArray(), config);
            steps.Add(step);
        }

        return (step, steps);
    }

    /// <summary>A view with a carry opened by the rules at <paramref name="at"/> (1000 USD: spot 0.05, perp 0.049 at 20010).</summary>
    private static CarryView OpenAt(long at, CarryConfig? config = null)
    {
        config ??= Config();
        var (step, _) = Settle(CarryLogic.OnQuote(CarryView.Start(Btc, config), Quote(at, 0.0001m, mark: 20010m), config), config, Fill);
        Assert.NotNull(step.View.Book.Open);
        return step.View;
    }

    // ---- quotes: the market view ----

    [Fact]
    public void A_quote_of_another_symbol_or_not_newer_than_the_latest_changes_nothing()
    {
        var config = Config();
        var view = CarryView.Start(Btc, config) with { Latest = Quote(T0, 0.00001m) };

        var other = CarryLogic.OnQuote(view, Quote(T0 + 1000, 0.0005m, symbol: "ETHUSDT"), config);
        var same = CarryLogic.OnQuote(view, Quote(T0, 0.0005m), config);
        var older = CarryLogic.OnQuote(view, Quote(T0 - 1000, 0.0005m), config);

        foreach (var step in new[] { other, same, older })
        {
            Assert.Same(view, step.View);
            Assert.Empty(step.Events);
            Assert.Empty(step.Orders);
        }
    }

    [Fact]
    public void A_roll_of_the_next_funding_time_by_whole_hours_sets_the_interval_and_an_irregular_one_keeps_it()
    {
        var config = Config(enabled: false);
        var view = CarryView.Start(Btc, config);
        Assert.Equal(8, view.IntervalHours);

        view = CarryLogic.OnQuote(view, Quote(T0 - 1000, 0.0001m, next: T0), config).View;
        view = CarryLogic.OnQuote(view, Quote(T0 + 1000, 0.0001m, next: T0 + 4 * H), config).View; // roll by 4 h
        Assert.Equal(4, view.IntervalHours);
        Assert.Equal(0.0001m * 6m * 365m, view.PredictedAnnualised);

        view = CarryLogic.OnQuote(view, Quote(T0 + 2000, 0.0001m, next: T0 + 4 * H + 2), config).View; // 2 ms: no interval
        Assert.Equal(4, view.IntervalHours);
        Assert.Equal(T0 + 2000, view.Latest!.EventTimeMs);
    }

    [Fact]
    public void The_rules_annualise_with_the_interval_the_stream_showed()
    {
        // 0.00002 per settlement: 2.19 %/yr at 8 h (below the 10 % entry), 17.52 %/yr at 1 h (above it).
        var config = Config();
        var view = CarryLogic.OnQuote(CarryView.Start(Btc, config), Quote(T0 - 1000, 0.00002m, next: T0), config).View;
        var at8h = CarryLogic.OnQuote(view, Quote(T0 - 500, 0.00002m, next: T0), config);
        Assert.Empty(at8h.Orders);

        var at1h = CarryLogic.OnQuote(view, Quote(T0 + 1000, 0.00002m, next: T0 + H), config);
        Assert.Equal(1, at1h.View.IntervalHours);
        Assert.Equal(2, at1h.Orders.Count);
        var decided = Assert.IsType<CarryInFlight.Opening>(at1h.View.InFlight).Decided;
        Assert.Equal(0.00002m * 24m * 365m, decided.PredictedAnnualised);
    }

    [Fact]
    public void While_legs_are_in_flight_a_quote_only_moves_the_market_view()
    {
        var config = Config();
        var opening = CarryLogic.OnQuote(CarryView.Start(Btc, config), Quote(T0 - H, 0.0001m), config);
        Assert.True(opening.View.Busy);

        var during = CarryLogic.OnQuote(opening.View, Quote(T0 - H + 1000, 0.0005m, next: T0 + 4 * H), config);
        Assert.Empty(during.Orders);
        Assert.Empty(during.Events);
        Assert.Same(opening.View.InFlight, during.View.InFlight);
        Assert.Equal(T0 - H + 1000, during.View.Latest!.EventTimeMs);
    }

    [Fact]
    public void A_quote_without_both_prices_decides_nothing()
    {
        var config = Config();
        var step = CarryLogic.OnQuote(CarryView.Start(Btc, config), Quote(T0, 0.0005m, index: 0m), config);
        Assert.Empty(step.Orders);
        Assert.Null(step.View.Priced);
        Assert.Equal(T0, step.View.Latest!.EventTimeMs);
    }

    // ---- entry ----

    [Fact]
    public void Flat_and_funding_above_the_entry_level_orders_both_open_legs_and_journals_nothing_until_they_answer()
    {
        var config = Config();
        var step = CarryLogic.OnQuote(CarryView.Start(Btc, config), Quote(T0 - H, 0.0001m, mark: 20010m), config); // 10.95 %/yr

        Assert.Empty(step.Events);
        Assert.Null(step.Reply);
        Assert.Equal(
            [
                new CarryLegOrder(Btc, "BTCUSDT-1-open-spot", CarryLeg.Spot, CarrySide.Buy, 0.05m, 20000m, T0 - H),   // 1000 / 20000 index
                new CarryLegOrder(Btc, "BTCUSDT-1-open-perp", CarryLeg.Perp, CarrySide.Sell, 0.049m, 20010m, T0 - H), // 1000 / 20010 → step 0.001
            ],
            step.Orders);
        var opening = Assert.IsType<CarryInFlight.Opening>(step.View.InFlight);
        Assert.Equal((CarryActions.Open, "funding_high_enough", CarryState.ByRules), (opening.Decided.Action, opening.Decided.Reason, opening.Decided.By));
        Assert.Equal(0.0001m * 1095m, opening.Decided.PredictedAnnualised);
        Assert.Equal(0.0005m, opening.Decided.Basis);
        Assert.Equal(0, step.View.Book.Sequence); // the decision is journaled with its legs
    }

    [Fact]
    public void Flat_and_funding_below_the_entry_level_or_entries_disabled_or_paused_orders_nothing()
    {
        var config = Config();
        Assert.Empty(CarryLogic.OnQuote(CarryView.Start(Btc, config), Quote(T0, 0.00005m), config).Orders); // 5.5 %/yr
        Assert.Empty(CarryLogic.OnQuote(CarryView.Start(Btc, config), Quote(T0, 0.0003m, mark: 19970m), config).Orders); // basis −0.15 %

        var disabled = Config(enabled: false);
        Assert.Empty(CarryLogic.OnQuote(CarryView.Start(Btc, disabled), Quote(T0, 0.0005m), disabled).Orders);

        var paused = CarryView.Start(Btc, config) with { Book = CarryState.Empty(Btc) with { AutoPaused = true } };
        Assert.Empty(CarryLogic.OnQuote(paused, Quote(T0, 0.0005m), config).Orders);
    }

    [Fact]
    public void Both_open_legs_filled_journal_the_decision_the_fills_and_the_open_carry_together()
    {
        var config = Config();
        var opening = CarryLogic.OnQuote(CarryView.Start(Btc, config), Quote(T0 - H, 0.0001m, mark: 20010m), config);
        var step = CarryLogic.OnLegs(opening.View, opening.Orders.Select(Fill).ToArray(), config);

        Assert.Equal(
            [typeof(CarryDecided), typeof(CarryLegFilled), typeof(CarryLegFilled), typeof(CarryOpened)],
            step.Events.Select(e => e.GetType()));
        Assert.Empty(step.Orders);
        Assert.False(step.View.Busy);
        var open = step.View.Book.Open!;
        Assert.Equal(("BTCUSDT-1", 1000m, CarryState.ByRules), (open.CarryId, open.NotionalUsd, open.OpenedBy));
        Assert.Equal(new CarryPosition(Btc, 0.05m, 0.049m, 20000m, 20010m, T0 - H, 0m, 0, null, 0.05m * 20000m * 0.0004m + 0.049m * 20010m * 0.0004m), open.Position);
        Assert.Equal(1, step.View.Book.Sequence);
        Assert.Equal(new CarryReply(true, "carry BTCUSDT-1 open: spot 0.05000 @ 20000, perp −0.049 @ 20010"), step.Reply);
    }

    [Fact]
    public void A_notional_below_one_quantity_step_is_refused_without_orders()
    {
        var config = Config() with { NotionalUsd = 0.1m, PerpStep = 0.001m };
        var step = CarryLogic.OnQuote(CarryView.Start(Btc, config), Quote(T0, 0.0005m), config);
        Assert.Empty(step.Orders);
        Assert.Equal(new CarryReply(false, "notional 0.1 is below one quantity step"), step.Reply);
        Assert.Contains("below one quantity step", Assert.Single(step.Notes).Text, StringComparison.Ordinal);
    }

    // ---- a half-open carry ----

    [Fact]
    public void A_failed_perp_leg_unwinds_the_filled_spot_leg_at_once_and_journals_everything_with_the_unwind()
    {
        var config = Config();
        var opening = CarryLogic.OnQuote(CarryView.Start(Btc, config), Quote(T0 - H, 0.0001m), config);
        var unwinding = CarryLogic.OnLegs(opening.View, [Fill(opening.Orders[0]), Fail("rejected: margin is insufficient")], config);

        Assert.Empty(unwinding.Events);
        var unwind = Assert.Single(unwinding.Orders);
        Assert.Equal(new CarryLegOrder(Btc, "BTCUSDT-1-unwind-spot", CarryLeg.Spot, CarrySide.Sell, 0.05m, 20000m, T0 - H), unwind);
        Assert.IsType<CarryInFlight.UnwindingFailedOpen>(unwinding.View.InFlight);
        Assert.Contains("Perp leg failed to open", Assert.Single(unwinding.Notes).Text, StringComparison.Ordinal);

        var done = CarryLogic.OnLegs(unwinding.View, [Fill(unwind)], config);
        Assert.Equal(
            [typeof(CarryDecided), typeof(CarryLegFilled), typeof(CarryLegFailed), typeof(CarryLegFilled), typeof(CarryOpenFailed)],
            done.Events.Select(e => e.GetType()));
        var failure = Assert.Single(done.View.Book.Failures);
        Assert.Equal((CarryLeg.Perp, "rejected: margin is insufficient", 0m), (failure.FailedLeg, failure.Error, failure.PnlUsd));
        Assert.Equal(2 * 0.05m * 20000m * 0.0004m, failure.FeesUsd);
        Assert.Null(done.View.Book.Open);
        Assert.Null(done.View.Book.Stranded);
        Assert.Equal(1, done.View.Book.Sequence); // the next attempt is BTCUSDT-2
        Assert.Equal(new CarryReply(false, "carry BTCUSDT-1 not opened: Perp leg failed (rejected: margin is insufficient); Spot leg unwound"), done.Reply);
    }

    [Fact]
    public void Both_open_legs_failing_journals_the_failure_without_an_unwind()
    {
        var config = Config();
        var opening = CarryLogic.OnQuote(CarryView.Start(Btc, config), Quote(T0 - H, 0.0001m), config);
        var step = CarryLogic.OnLegs(opening.View, [Fail("spot down"), Fail("perp down")], config);

        Assert.Empty(step.Orders);
        var failed = Assert.IsType<CarryOpenFailed>(step.Events[^1]);
        Assert.Equal("both legs failed: spot spot down; perp perp down", failed.Failure.Error);
        Assert.Null(failed.Failure.Filled);
        Assert.Equal(new CarryReply(false, "carry BTCUSDT-1 not opened: spot spot down; perp perp down"), step.Reply);
    }

    [Fact]
    public void A_failed_unwind_strands_the_leg_which_is_retried_on_every_quote_instead_of_a_new_entry_until_it_fills()
    {
        var config = Config();
        var opening = CarryLogic.OnQuote(CarryView.Start(Btc, config), Quote(T0 - H, 0.0001m), config);
        var unwinding = CarryLogic.OnLegs(opening.View, [Fail("spot: no liquidity"), Fill(opening.Orders[1])], config);
        Assert.Equal("BTCUSDT-1-unwind-perp", Assert.Single(unwinding.Orders).ClientId);
        var stranded = CarryLogic.OnLegs(unwinding.View, [Fail("timeout")], config);

        Assert.IsType<CarryLegFailed>(stranded.Events[^2]);
        Assert.Equal(CarryLeg.Perp, stranded.View.Book.Stranded!.Leg);
        Assert.Equal("BTCUSDT-1", stranded.View.Book.StrandedCarryId);
        Assert.True(Assert.Single(stranded.Notes).IsError);
        Assert.EndsWith("Perp leg stranded, unwind retried", stranded.Reply!.Message, StringComparison.Ordinal);

        // The next quote retries the unwind (buy back the perp at the new mark), not a new entry; a failed retry changes nothing.
        var retry = CarryLogic.OnQuote(stranded.View, Quote(T0 - H + 1000, 0.0001m, mark: 19990m), config);
        Assert.Equal(new CarryLegOrder(Btc, "BTCUSDT-1-unwind-perp", CarryLeg.Perp, CarrySide.Buy, 0.05m, 19990m, T0 - H + 1000), Assert.Single(retry.Orders));
        var again = CarryLogic.OnLegs(retry.View, [Fail("timeout")], config);
        Assert.Empty(again.Events);
        Assert.Contains("failed again", Assert.Single(again.Notes).Text, StringComparison.Ordinal);
        Assert.NotNull(again.View.Book.Stranded);

        var retry2 = CarryLogic.OnQuote(again.View, Quote(T0 - H + 2000, 0.0001m, mark: 19990m), config);
        var unwound = CarryLogic.OnLegs(retry2.View, [Fill(retry2.Orders[0])], config);
        Assert.Equal([typeof(CarryLegFilled), typeof(CarryStrandedUnwound)], unwound.Events.Select(e => e.GetType()));
        Assert.Null(unwound.View.Book.Stranded);
        var failure = Assert.Single(unwound.View.Book.Failures);
        Assert.Equal(0.05m * (20000m - 19990m), failure.PnlUsd); // short 0.05 sold at 20000, bought back at 19990
        Assert.Equal(CarrySide.Buy, failure.Unwound!.Side);
    }

    [Fact]
    public void A_spot_unwind_sells_what_the_leg_holds_down_to_the_lot_step()
    {
        var config = Config() with { SpotStep = 0.001m };
        var opening = CarryLogic.OnQuote(CarryView.Start(Btc, config), Quote(T0 - H, 0.0001m), config);
        var held = new CarryLegFill(CarryLeg.Spot, CarrySide.Buy, 0.04995m, 20000m, 0m, T0 - H); // commission taken in BTC
        var unwinding = CarryLogic.OnLegs(opening.View, [CarryLegResult.Filled(held), Fail("no")], config);
        Assert.Equal(0.049m, Assert.Single(unwinding.Orders).Quantity);
    }

    // ---- exit ----

    [Fact]
    public void Open_and_funding_below_the_exit_level_closes_both_legs_and_a_rules_close_leaves_entries_on()
    {
        var config = Config();
        var view = OpenAt(T0 - 2 * H);
        Assert.Empty(CarryLogic.OnQuote(view, Quote(T0 - H, 0.00005m), config).Orders); // 5.5 %/yr ≥ exit 3 %: hold

        var closing = CarryLogic.OnQuote(view, Quote(T0 - H, 0.00002m, mark: 20000m, index: 20020m), config); // 2.19 %/yr
        Assert.Equal(["BTCUSDT-1-close-spot", "BTCUSDT-1-close-perp"], closing.Orders.Select(o => o.ClientId));
        Assert.Equal((CarrySide.Sell, 0.05m, 20020m), (closing.Orders[0].Side, closing.Orders[0].Quantity, closing.Orders[0].ReferencePrice));
        Assert.Equal((CarrySide.Buy, 0.049m, 20000m), (closing.Orders[1].Side, closing.Orders[1].Quantity, closing.Orders[1].ReferencePrice));

        var closed = CarryLogic.OnLegs(closing.View, closing.Orders.Select(Fill).ToArray(), config);
        Assert.Equal([typeof(CarryDecided), typeof(CarryLegFilled), typeof(CarryLegFilled), typeof(CarryClosed)], closed.Events.Select(e => e.GetType()));
        var result = Assert.Single(closed.View.Book.Closed);
        Assert.Equal(("funding_fell", T0 - H), (result.ExitReason, result.ClosedMs));
        Assert.Equal(1.49m, result.BasisPnlUsd); // spot 0.05 × (20020 − 20000) + perp 0.049 × (20010 − 20000)
        Assert.Null(closed.View.Book.Open);
        Assert.False(closed.View.Book.AutoPaused);
        Assert.StartsWith("carry BTCUSDT-1 closed: net ", closed.Reply!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Max_holding_time_is_measured_in_event_time()
    {
        var config = Config(maxHoldingMs: 8 * H);
        var view = OpenAt(T0);
        Assert.Empty(CarryLogic.OnQuote(view, Quote(T0 + 8 * H - 1, 0.0003m), config).Orders);
        var closing = CarryLogic.OnQuote(view, Quote(T0 + 8 * H, 0.0003m), config);
        Assert.Equal("max_holding_time", Assert.IsType<CarryInFlight.Closing>(closing.View.InFlight).Reason);
    }

    [Fact]
    public void A_failed_close_leg_journals_the_other_fill_and_closing_and_the_next_quote_retries_only_that_leg()
    {
        var config = Config();
        var view = OpenAt(T0 - 2 * H);
        var closing = CarryLogic.OnQuote(view, Quote(T0 - H, 0.00002m), config);
        var half = CarryLogic.OnLegs(closing.View, [Fill(closing.Orders[0]), Fail("perp: timeout")], config);

        Assert.Equal([typeof(CarryDecided), typeof(CarryLegFilled), typeof(CarryLegFailed), typeof(CarryClosing)], half.Events.Select(e => e.GetType()));
        var open = half.View.Book.Open!;
        Assert.True(open.Closing);
        Assert.NotNull(open.SpotExit);
        Assert.Null(open.PerpExit);
        Assert.Equal(new CarryReply(true, "carry BTCUSDT-1 closing: Perp: perp: timeout; retried on the next update"), half.Reply);

        // Any quote retries the perp leg alone, under the original reason, without a second decision, whatever the rules say.
        var retry = CarryLogic.OnQuote(half.View, Quote(T0 - H + 1000, 0.0005m), config);
        Assert.Equal("BTCUSDT-1-close-perp", Assert.Single(retry.Orders).ClientId);
        var still = CarryLogic.OnLegs(retry.View, [Fail("perp: timeout")], config);
        Assert.Equal([typeof(CarryLegFailed)], still.Events.Select(e => e.GetType())); // no second Closing

        var retry2 = CarryLogic.OnQuote(still.View, Quote(T0 - H + 2000, 0.0005m), config);
        var closed = CarryLogic.OnLegs(retry2.View, [Fill(retry2.Orders[0])], config);
        Assert.Equal([typeof(CarryLegFilled), typeof(CarryClosed)], closed.Events.Select(e => e.GetType()));
        Assert.Equal("funding_fell", Assert.Single(closed.View.Book.Closed).ExitReason);
        Assert.Null(closed.View.Book.Open);
    }

    // ---- settlements ----

    [Fact]
    public void A_settlement_accrues_on_the_open_carry_once_and_never_before_the_open()
    {
        var view = OpenAt(T0 - H); // perp 0.049

        Assert.Empty(CarryLogic.OnSettlement(view, Btc, new FundingSettlement(T0 - 2 * H, 0.0004m), 20000m, true).Events);
        var accrued = CarryLogic.OnSettlement(view, Btc, new FundingSettlement(T0, 0.0001m), 20100m, true);
        Assert.Equal(new CarryFundingAccrued(Btc, "BTCUSDT-1", T0, 0.0001m, 20100m, 0.049m * 20100m * 0.0001m, true), Assert.Single(accrued.Events));
        Assert.Equal(1, accrued.View.Book.Open!.Position.Settlements);

        Assert.Empty(CarryLogic.OnSettlement(accrued.View, Btc, new FundingSettlement(T0, 0.0001m), 20100m, false).Events); // confirmed twice
        var shortPays = CarryLogic.OnSettlement(accrued.View, Btc, new FundingSettlement(T0 + 8 * H, -0.0002m), 20000m, false);
        Assert.Equal(0.049m * 20000m * -0.0002m, Assert.IsType<CarryFundingAccrued>(Assert.Single(shortPays.Events)).AmountUsd);
    }

    [Fact]
    public void A_settlement_without_a_mark_uses_the_latest_mark_and_one_of_another_symbol_or_while_flat_changes_nothing()
    {
        var view = OpenAt(T0 - H); // latest mark 20010
        var accrued = CarryLogic.OnSettlement(view, Btc, new FundingSettlement(T0, 0.0001m), 0m, true);
        Assert.Equal(20010m, Assert.IsType<CarryFundingAccrued>(Assert.Single(accrued.Events)).MarkPrice);

        Assert.Empty(CarryLogic.OnSettlement(view, "ETHUSDT", new FundingSettlement(T0, 0.0001m), 2000m, true).Events);
        Assert.Empty(CarryLogic.OnSettlement(CarryView.Start(Btc, Config()), Btc, new FundingSettlement(T0, 0.0001m), 20000m, true).Events);
    }

    [Fact]
    public void Settlements_and_commands_wait_while_legs_are_in_flight()
    {
        var config = Config();
        var busy = CarryLogic.OnQuote(OpenAt(T0 - 2 * H), Quote(T0 - H, 0.00002m), config).View; // closing legs out
        Assert.True(busy.Busy);
        Assert.True(CarryLogic.OnSettlement(busy, Btc, new FundingSettlement(T0, 0.0001m), 20000m, true).Deferred);
        Assert.True(CarryLogic.OnOpenCommand(busy, 500m, "alice", config).Deferred);
        Assert.True(CarryLogic.OnCloseCommand(busy, "now", "alice", config).Deferred);
    }

    [Fact]
    public void Leg_answers_with_nothing_in_flight_are_a_bug()
    {
        var config = Config();
        Assert.Throws<InvalidOperationException>(() => CarryLogic.OnLegs(CarryView.Start(Btc, config), [], config));
    }

    // ---- operators ----

    [Fact]
    public void An_operator_open_is_refused_with_a_reason_when_it_cannot_be_done()
    {
        var config = Config();
        var empty = CarryView.Start(Btc, config);
        Assert.Equal(new CarryReply(false, "no mark/index price yet"), CarryLogic.OnOpenCommand(empty, 500m, "alice", config).Reply);
        var priced = CarryLogic.OnQuote(empty, Quote(T0, 0.00001m), config).View;
        Assert.Equal(new CarryReply(false, "notional must be > 0 (got 0)"), CarryLogic.OnOpenCommand(priced, 0m, "alice", config).Reply);
        Assert.Equal(new CarryReply(false, "carry BTCUSDT-1 is already open"), CarryLogic.OnOpenCommand(OpenAt(T0), 500m, "alice", config).Reply);

        var stranded = priced with { Book = priced.Book with { Stranded = new CarryLegFill(CarryLeg.Spot, CarrySide.Buy, 1m, 1m, 0m, T0), StrandedCarryId = "BTCUSDT-7" } };
        Assert.Equal(new CarryReply(false, "a stranded Spot leg of BTCUSDT-7 is still being unwound"), CarryLogic.OnOpenCommand(stranded, 500m, "alice", config).Reply);
    }

    [Fact]
    public void An_operator_opens_whatever_the_entry_rule_says_and_an_operator_close_pauses_automatic_entries_until_the_next_operator_open()
    {
        var config = Config();
        var priced = CarryLogic.OnQuote(CarryView.Start(Btc, config), Quote(T0 - H, 0.00001m), config).View; // 1 %/yr: the rules would not enter
        var (opened, _) = Settle(CarryLogic.OnOpenCommand(priced, 500m, "alice", config), config, Fill);
        var open = opened.View.Book.Open!;
        Assert.Equal(("alice", 0.025m), (open.OpenedBy, open.Position.SpotQuantity));
        var decided = Assert.IsType<CarryDecided>(opened.Events[0]);
        Assert.Equal((CarryActions.Operator, "opened by alice", "alice"), (decided.Reason, decided.Detail, decided.By));
        Assert.True(opened.Reply!.Accepted);

        var (closed, _) = Settle(CarryLogic.OnCloseCommand(opened.View, "manual test", "bob", config), config, Fill);
        Assert.Equal("closed by bob: manual test", Assert.IsType<CarryDecided>(closed.Events[0]).Detail);
        Assert.Equal("operator", Assert.Single(closed.View.Book.Closed).ExitReason);
        Assert.True(closed.View.Book.AutoPaused);

        Assert.Empty(CarryLogic.OnQuote(closed.View, Quote(T0 - H + 1000, 0.0005m), config).Orders); // high funding, but paused
        Assert.Equal(new CarryReply(false, "no open carry"), CarryLogic.OnCloseCommand(closed.View, "again", "bob", config).Reply);

        var (reopened, _) = Settle(CarryLogic.OnOpenCommand(closed.View, 500m, "alice", config), config, Fill);
        Assert.False(reopened.View.Book.AutoPaused);
        Assert.Equal("BTCUSDT-2", reopened.View.Book.Open!.CarryId);
    }

    [Fact]
    public void An_operator_close_needs_a_price()
    {
        var config = Config();
        var view = OpenAt(T0) with { Latest = null };
        Assert.Equal(new CarryReply(false, "no mark/index price yet"), CarryLogic.OnCloseCommand(view, "now", "bob", config).Reply);
    }

    // ---- the journal is the state ----

    [Fact]
    public void Folding_the_journaled_events_gives_the_book_every_step_returned()
    {
        var config = Config(maxHoldingMs: 8 * H);
        var view = CarryView.Start(Btc, config);
        var journal = new List<ICarryEvent>();
        var failPerp = true;
        CarryLegResult Exchange(CarryLegOrder o) => failPerp && o.ClientId.EndsWith("open-perp", StringComparison.Ordinal) ? Fail("no") : Fill(o);
        for (var i = 0; i < 40; i++)
        {
            var t = T0 + i * H;
            failPerp = i < 2;
            var (last, steps) = Settle(CarryLogic.OnQuote(view, Quote(t, i % 9 == 8 ? 0.00001m : 0.0002m), config), config, Exchange);
            journal.AddRange(steps.SelectMany(s => s.Events));
            view = last.View;
            if (i % 8 == 0)
            {
                var settled = CarryLogic.OnSettlement(view, Btc, new FundingSettlement(t, 0.0001m), 20000m, true);
                journal.AddRange(settled.Events);
                view = settled.View;
            }
        }

        var folded = journal.Aggregate(CarryState.Empty(Btc), (s, e) => s.Apply(e));
        Assert.Equal(view.Book.Open, folded.Open);
        Assert.Equal(view.Book.Closed, folded.Closed);
        Assert.Equal(view.Book.Failures, folded.Failures);
        Assert.Equal(view.Book.Sequence, folded.Sequence);
        Assert.Equal(2, folded.Failures.Count);
        Assert.True(folded.Closed.Count >= 4, $"{folded.Closed.Count} closed");
    }
}
