using Arbitrage.Core.Triangles.Execution;
using static Arbitrage.Core.Tests.Triangles.Execution.TriangleExecFixture;

namespace Arbitrage.Core.Tests.Triangles.Execution;

/// <summary>The cycle attempt saga: legs in sequence, intents before sends, unwinds, unknown outcomes, the kill switch.</summary>
public sealed class TriangleSagaTests
{
    private static SagaRun Started(TriangleExecutionSettings? settings = null)
    {
        var run = new SagaRun();
        var d = run.Feed(Start(settings: settings));
        Assert.Collection(d.Events, e => Assert.IsType<TriangleAttemptStarted>(e), e => Assert.Equal("ta1L1", Assert.IsType<TriangleLegIntended>(e).ClientOrderId));
        Assert.Equal("ta1L1", Assert.IsType<TriangleSagaCommand.SendOrder>(Assert.Single(d.Commands)).Request.ClientOrderId);
        return run;
    }

    [Fact]
    public void A_complete_attempt_sends_three_legs_in_sequence_each_sized_from_the_previous_fill()
    {
        var run = Started().RunToEnd();
        Assert.Equal(["ta1L1", "ta1L2", "ta1L3"], run.Sent);
        var r = run.Result;
        Assert.Equal((TriangleAttemptOutcome.Completed, 3, "USDT>BTC>ETH"), (r.Outcome, r.LegsFilled, r.CycleId));
        Assert.True(r.PnlStartAsset > 0m, r.PnlStartAsset.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(run.Venue.Balance("USDT") - 1000m, r.PnlStartAsset);
        Assert.Equal(r.StartAmount + r.PnlStartAsset, r.EndAmount);
        // Intent → answer: leg 1 is sent 10 ms after its intent and answered 3 ms later; legs 2 and 3 are intended at
        // the previous answer, sent 7 ms later (this driver's clock) and answered 3 ms after that.
        Assert.Equal([13L, 10L, 10L], r.LegLatenciesMs);
        Assert.True(r.FeesUsd > 0.29m && r.FeesUsd < 0.31m, $"{r.FeesUsd}");

        // Leg 2 spends exactly what leg 1 received net of its commission (in BTC), rounded down to the ETH step.
        var l1 = run.Journal.OfType<TriangleLegAnswered>().First();
        var l2 = run.Journal.OfType<TriangleLegIntended>().Single(i => i.Number == 2);
        var btc = l1.ExecutedQty - l1.Commission;
        Assert.Equal(btc, run.Journal.OfType<TriangleLegIntended>().Single(i => i.Number == 1).Order.Quantity * (1 - (decimal)Fee));
        Assert.True((double)(l2.Order.Quantity * l2.Order.LimitPrice!.Value) >= l2.Order.AmountIn * 0.999);
        Assert.True((double)btc >= l2.Order.AmountIn);

        // Every intent is journaled before its send.
        foreach (var cid in run.Sent) Assert.Contains(run.Journal.OfType<TriangleLegIntended>(), i => i.ClientOrderId == cid);
    }

    [Fact]
    public void A_partial_fill_on_leg_2_unwinds_everything_held_back_into_the_start_asset_at_market()
    {
        var run = Started();
        run.RunToEnd(o => o.ClientOrderId == "ta1L2" ? run.Partial(o, 0.5m) : null);
        Assert.Equal(["ta1L1", "ta1L2", "ta1U1", "ta1U2"], run.Sent);
        var unwinds = run.Journal.OfType<TriangleLegIntended>().Where(i => i.Unwind).ToList();
        Assert.Equal([("BTC/USDT", TradeSide.Sell), ("ETH/USDT", TradeSide.Sell)], unwinds.Select(u => (u.Leg.Symbol, u.Order.Side)));
        Assert.All(unwinds, u => Assert.Equal(LegOrderType.Market, u.Order.Type));
        var r = run.Result;
        Assert.True((TriangleAttemptOutcome.Unwound, 1) == (r.Outcome, r.LegsFilled), r.Detail + " | " + string.Join("; ", run.Journal.OfType<TriangleLegAnswered>().Select(a => $"{a.ClientOrderId} {a.Status} {a.ExecutedQty} {a.Detail}")));
        Assert.Equal(run.Venue.Balance("USDT") - 1000m, r.PnlStartAsset);
        AssertOnlyDust(run);
    }

    [Fact]
    public void An_IOC_expiry_on_leg_1_fails_with_nothing_held_and_nothing_unwound()
    {
        var run = Started();
        run.RunToEnd(o => new(o.ClientOrderId, LegReportStatus.Expired, 0m, 0m, 0m, string.Empty, "expired", run.Now));
        Assert.Equal(["ta1L1"], run.Sent);
        var r = run.Result;
        Assert.Equal((TriangleAttemptOutcome.Failed, 0, 0m, 100m), (r.Outcome, r.LegsFilled, r.PnlStartAsset, r.EndAmount));
        Assert.Empty(r.Held);
        Assert.Contains("nothing to unwind", r.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rejected_leg_3_unwinds_the_asset_of_leg_2()
    {
        var run = Started();
        run.RunToEnd(o => o.ClientOrderId == "ta1L3" ? new(o.ClientOrderId, LegReportStatus.Rejected, 0m, 0m, 0m, string.Empty, "-2010 insufficient", run.Now) : null);
        Assert.Equal(["ta1L1", "ta1L2", "ta1L3", "ta1U1"], run.Sent);
        Assert.Equal("ETH/USDT", run.Journal.OfType<TriangleLegIntended>().Single(i => i.Unwind).Leg.Symbol);
        Assert.Equal((TriangleAttemptOutcome.Unwound, 2), (run.Result.Outcome, run.Result.LegsFilled));
        AssertOnlyDust(run);
    }

    [Fact]
    public void With_unwind_none_a_short_leg_ends_failed_holding_what_it_bought()
    {
        var run = Started(Settings(unwind: UnwindPolicy.None));
        run.RunToEnd(o => o.ClientOrderId == "ta1L2" ? run.Partial(o, 0.5m) : null);
        Assert.Equal(["ta1L1", "ta1L2"], run.Sent);
        Assert.Equal(TriangleAttemptOutcome.Failed, run.Result.Outcome);
        Assert.True(run.Result.Held["ETH"] > 0m);
        Assert.True(run.Result.Held["BTC"] > 0m);
    }

    [Fact]
    public void An_unknown_outcome_is_queried_by_client_id_and_a_found_fill_goes_on_without_a_resend()
    {
        var run = Started();
        var l1 = run.NextSend().Request;
        run.Sent.Add(l1.ClientOrderId);
        var filled = run.Venue.Execute(l1, run.Books.Book(l1.Symbol)!, SagaRun.FiltersOf(l1.Symbol), run.Now); // reached the venue …
        var d = run.Feed(new TriangleSagaInput.LegReport("ta1L1", LegReportStatus.Unknown, 0m, 0m, 0m, string.Empty, "503", run.Now)); // … but we heard 503
        Assert.IsType<TriangleLegUnknown>(Assert.Single(d.Events));
        Assert.Equal(new TriangleSagaCommand.QueryOrder("BTC/USDT", "ta1L1"), Assert.Single(d.Commands));
        run.RunToEnd();
        Assert.Equal(["ta1L1", "ta1L2", "ta1L3"], run.Sent);
        Assert.Equal(TriangleAttemptOutcome.Completed, run.Result.Outcome);
        Assert.Equal(filled.ExecutedQty, run.Journal.OfType<TriangleLegAnswered>().First().ExecutedQty);
    }

    [Fact]
    public void A_timeout_is_an_unknown_outcome_and_only_a_query_saying_not_found_allows_one_resend()
    {
        var run = Started();
        run.NextSend(); // lost on the way: the venue never saw it
        var d = run.Feed(new TriangleSagaInput.LegTimedOut("ta1L1", T0 + 5000));
        Assert.Equal("timeout", Assert.IsType<TriangleLegUnknown>(Assert.Single(d.Events)).Reason);
        Assert.IsType<TriangleSagaCommand.QueryOrder>(Assert.Single(d.Commands));

        d = run.Feed(run.Venue.Query("ta1L1", T0 + 5010));
        Assert.IsType<TriangleLegNotFound>(Assert.Single(d.Events));
        Assert.Equal("ta1L1", Assert.IsType<TriangleSagaCommand.SendOrder>(Assert.Single(d.Commands)).Request.ClientOrderId);
        run.Pending.Clear();

        // Lost again: after a second not-found the leg counts as never filled.
        run.Feed(new TriangleSagaInput.LegTimedOut("ta1L1", T0 + 10_000));
        run.RunToEnd();
        Assert.Equal(TriangleAttemptOutcome.Failed, run.Result.Outcome);
        Assert.Empty(run.Sent);

        // A timer that fires after the answer changes nothing.
        Assert.Empty(run.Feed(new TriangleSagaInput.LegTimedOut("ta1L1", T0 + 20_000)).Events);
    }

    [Fact]
    public void The_kill_switch_mid_attempt_sends_no_new_leg_and_unwinds_what_is_held()
    {
        var run = Started();
        var l1 = run.NextSend().Request;
        var d = run.Feed(new TriangleSagaInput.KillSwitch(T0 + 1));
        Assert.IsType<TriangleAttemptKilled>(Assert.Single(d.Events));
        Assert.Empty(d.Commands); // leg 1 is out: its answer is awaited, never abandoned
        run.Pending.Enqueue(new TriangleSagaCommand.SendOrder(l1));
        run.RunToEnd();
        Assert.Equal(["ta1L1", "ta1U1"], run.Sent);
        Assert.Equal((TriangleAttemptOutcome.Unwound, "BTC/USDT"), (run.Result.Outcome, run.Journal.OfType<TriangleLegIntended>().Last().Leg.Symbol));
        Assert.Contains("kill switch", run.Result.Detail, StringComparison.Ordinal);
        AssertOnlyDust(run);
    }

    [Fact]
    public void A_next_leg_the_books_or_filters_refuse_unwinds_what_leg_1_bought()
    {
        var run = Started();
        run.Books.Set("ETH/BTC", EthBtcBook() with { Synchronised = false });
        run.RunToEnd();
        Assert.Equal(["ta1L1", "ta1U1"], run.Sent);
        Assert.Equal(TriangleAttemptOutcome.Unwound, run.Result.Outcome);
        Assert.Contains("leg 2 ETH/BTC: stale", run.Result.Detail, StringComparison.Ordinal);

        var thin = Started();
        thin.Books.Set("ETH/BTC", EthBtcBook() with { Asks = [new(0.05, 0.0001)] });
        thin.RunToEnd();
        Assert.Equal(["ta1L1", "ta1U1"], thin.Sent);
        Assert.Contains("infeasible", thin.Result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_and_foreign_answers_change_nothing()
    {
        var run = Started().RunToEnd();
        var before = run.Journal.Count;
        var first = run.Journal.OfType<TriangleLegAnswered>().First();
        Assert.Empty(run.Feed(new TriangleSagaInput.LegReport(first.ClientOrderId, LegReportStatus.Filled, 1m, 1m, 0m, "BTC", "", T0)).Events);
        Assert.Empty(run.Feed(new TriangleSagaInput.LegReport("other", LegReportStatus.Filled, 1m, 1m, 0m, "BTC", "", T0)).Events);
        Assert.Equal(before, run.Journal.Count);
    }

    public static TheoryData<string> Scenarios() => ["complete", "partial2", "rejected3", "unknown1", "killed"];

    private static SagaRun Scenario(string name)
    {
        var run = Started();
        switch (name)
        {
            case "partial2":
                return run.RunToEnd(o => o.ClientOrderId == "ta1L2" ? run.Partial(o, 0.4m) : null);
            case "rejected3":
                return run.RunToEnd(o => o.ClientOrderId == "ta1L3" ? new(o.ClientOrderId, LegReportStatus.Rejected, 0m, 0m, 0m, "", "no", run.Now) : null);
            case "unknown1":
                var l1 = run.NextSend().Request;
                run.Sent.Add(l1.ClientOrderId);
                run.Venue.Execute(l1, run.Books.Book(l1.Symbol)!, SagaRun.FiltersOf(l1.Symbol), run.Now);
                run.Feed(new TriangleSagaInput.LegTimedOut("ta1L1", run.Now + 5000));
                return run.RunToEnd();
            case "killed":
                run.Pending.Enqueue(run.NextSend());
                run.Feed(new TriangleSagaInput.KillSwitch(run.Now));
                return run.RunToEnd();
            default:
                return run.RunToEnd();
        }
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Recovery_at_every_journal_prefix_queries_what_is_open_and_never_sends_a_leg_twice(string scenario)
    {
        var live = Scenario(scenario);
        var journal = live.Journal;
        for (int k = 1; k <= journal.Count; k++)
        {
            // The venue answers every order as it did live; an order the live run had not sent before the crash is unknown to it.
            var intended = journal.Take(k).OfType<TriangleLegIntended>().Select(i => i.ClientOrderId).ToHashSet();
            var answers = journal.OfType<TriangleLegAnswered>().ToDictionary(a => a.ClientOrderId);
            var recovered = new SagaRun(TriangleSagaState.Recover(journal.Take(k)), journal.Take(k)) { Now = live.Now + 1000 };
            var openBefore = recovered.State.OpenOrder;
            var endedBefore = recovered.State.IsEnded;
            var d = recovered.Resume();
            Assert.Empty(d.Events.OfType<TriangleLegAnswered>());
            if (openBefore is { } open)
            {
                Assert.Equal(new TriangleSagaCommand.QueryOrder(open.Intent.Leg.Symbol, open.Intent.ClientOrderId), Assert.Single(d.Commands));
            }
            else if (!endedBefore)
            {
                // Between an answer and what follows it: the same decision the live run made (the next intent and its
                // send, or the end).
                Assert.Equal(journal[k].GetType(), d.Events.Last().GetType());
                if (journal[k] is TriangleLegIntended next)
                {
                    var send = Assert.IsType<TriangleSagaCommand.SendOrder>(Assert.Single(d.Commands));
                    Assert.DoesNotContain(send.Request.ClientOrderId, intended);
                    Assert.Equal(next.ClientOrderId, send.Request.ClientOrderId);
                }
                else
                {
                    Assert.Empty(d.Commands);
                }
            }
            else
            {
                Assert.Empty(d.Commands);
            }

            if (scenario == "killed" && !recovered.State.Killed)
            {
                recovered.Feed(new TriangleSagaInput.KillSwitch(recovered.Now)); // the switch the live run met after this point
            }

            recovered.RunToEnd(
                o => SagaRun.ReportOf(answers[o.ClientOrderId], recovered.Now),
                cid => intended.Contains(cid) && live.Sent.Contains(cid)
                    ? SagaRun.ReportOf(answers[cid], recovered.Now)
                    : new(cid, LegReportStatus.NotFound, 0m, 0m, 0m, "", "no such order", recovered.Now));
            foreach (var cid in recovered.Sent)
            {
                Assert.DoesNotContain(cid, intended); // an order intended before the crash is never sent again
            }

            Assert.True(live.Result.Outcome == recovered.Result.Outcome, $"prefix {k}: {recovered.Result.Detail} | " + string.Join("; ", recovered.Journal.Select(e => e.ToString())));
            Assert.Equal(live.Result.LegsFilled, recovered.Result.LegsFilled);
            Assert.Equal(live.Result.PnlStartAsset, recovered.Result.PnlStartAsset);
        }
    }

    [Fact]
    public void Client_order_ids_derive_from_the_attempt_and_fit_the_venue()
    {
        Assert.Equal("tabc-1L2", TriangleOrderIds.Leg("abc-1", 2));
        Assert.Equal("tabc-1U3", TriangleOrderIds.Unwind("abc-1", 3));
        var longId = new string('x', 60);
        Assert.Equal(TriangleOrderIds.Leg(longId, 1), TriangleOrderIds.Leg(longId, 1));
        Assert.NotEqual(TriangleOrderIds.Leg(longId, 1), TriangleOrderIds.Leg(longId + "y", 1));
        foreach (var id in new[] { TriangleOrderIds.Leg(longId, 3), TriangleOrderIds.Unwind("a.b:c", 99), TriangleOrderIds.Leg(new string('a', 32), 1) })
        {
            Assert.True(TriangleOrderIds.IsValid(id), id);
            Assert.Matches("^[a-zA-Z0-9-_]{1,36}$", id);
        }
    }

    [Fact]
    public void Every_event_has_a_stable_manifest_on_its_type()
    {
        var types = typeof(ITriangleAttemptEvent).Assembly.GetTypes().Where(t => typeof(ITriangleAttemptEvent).IsAssignableFrom(t) && !t.IsInterface).ToList();
        Assert.Equal(7, types.Count);
        foreach (var t in types)
        {
            var attr = (Arbitrage.Core.Serialization.ManifestAttribute)Attribute.GetCustomAttribute(t, typeof(Arbitrage.Core.Serialization.ManifestAttribute))!;
            Assert.Equal(t.GetField("Manifest")!.GetValue(null), attr.Name);
            Assert.Matches("^triangle-[a-z-]+\\.v1$", attr.Name);
        }
    }

    /// <summary>Whatever non-start asset is left cannot be sold back: below a step, the minimum quantity or the minimum notional.</summary>
    internal static void AssertOnlyDust(SagaRun run)
    {
        var cycle = run.State.Started!.Cycle;
        foreach (var (asset, held) in run.State.Holdings)
        {
            if (asset == cycle.StartAsset || held <= 0m) continue;
            var pair = cycle.DirectPairTo(asset)!;
            var leg = CycleSpec.Toward(pair, asset, 1);
            var sized = CyclePlanner.SizeLeg(leg, run.Books.Book(leg.Symbol)!, held, (double)held, Fee, LegOrderType.Market, 0m);
            Assert.True(sized.Refusal == PlanRefusal.Filters, $"{held} {asset} is still sellable: {sized.Value}");
            var valueUsdt = (double)held * (asset == pair.Base ? run.Books.Book(pair.Symbol)!.Bids[0].Price : 1 / run.Books.Book(pair.Symbol)!.Asks[0].Price);
            Assert.True(valueUsdt < 5 + (double)pair.Filters.MarketStepSize * 60000, $"{held} {asset} ≈ {valueUsdt} USDT is more than dust");
        }
    }
}

/// <summary>The journal survives the engine's JSON settings (snake case, enums as strings): recovery from stored rows is exact.</summary>
public sealed class TriangleAttemptJournalJsonTests
{
    private static readonly System.Text.Json.JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.SnakeCaseLower) },
    };

    [Fact]
    public void Every_event_of_an_unwound_attempt_round_trips_and_recovers_the_same_state()
    {
        var run = new SagaRun();
        run.Feed(Start());
        run.RunToEnd(o => o.ClientOrderId == "ta1L2" ? run.Partial(o, 0.5m) : null);
        var stored = run.Journal.Select(e => (ITriangleAttemptEvent)System.Text.Json.JsonSerializer.Deserialize(
            System.Text.Json.JsonSerializer.Serialize(e, e.GetType(), Json), e.GetType(), Json)!).ToList();
        var recovered = TriangleSagaState.Recover(stored);
        Assert.Equal(run.State.Holdings, recovered.Holdings);
        IReadOnlyList<long> noLatencies = [];
        var noHeld = new Dictionary<string, decimal>();
        Assert.Equal(run.Result with { LegLatenciesMs = noLatencies, Held = noHeld }, recovered.Ended!.Result with { LegLatenciesMs = noLatencies, Held = noHeld });
        Assert.Equal(run.Result.LegLatenciesMs, recovered.Ended.Result.LegLatenciesMs);
        Assert.Equal(run.Result.Held, recovered.Ended.Result.Held);
        Assert.Equal(run.State.Started!.Plan.Legs, recovered.Started!.Plan.Legs);
        Assert.Equal(run.State.Started.Cycle.Legs, recovered.Started.Cycle.Legs);
        Assert.Equal(run.State.Orders.Select(o => o.Intent.ToRequest()), recovered.Orders.Select(o => o.Intent.ToRequest()));
        Assert.Contains("\"side\":\"buy_base\"", System.Text.Json.JsonSerializer.Serialize(stored[0], stored[0].GetType(), Json), StringComparison.Ordinal);
    }
}
