using System.Text;
using Akka.Serialization;
using Arbitrage.Core.Funding;
using Arbitrage.Core.Funding.Carry;
using Arbitrage.Engine.Serialization;
using Arbitrage.Engine.Tests.Symbols;
using Xunit.Abstractions;

namespace Arbitrage.Engine.Tests.Funding.Carry;

/// <summary>
/// The carry's journal rows and snapshot as the previous version stored them (written by the build of commit bbdaefd,
/// when these types lived in the engine with their own [Manifest]s): the Core types read them under the same manifests
/// and write the very same bytes, through the serializer the node configures (hocon/akka.conf).
/// </summary>
public sealed class CarryStoredFormatTests(ITestOutputHelper output) : SqliteTestKit(output)
{
    private const long T = 1_680_652_800_000;

    public static TheoryData<string, string> StoredRows() => new()
    {
        { "carry-decided.v1", """{"symbol":"BTCUSDT","carry_id":"BTCUSDT-1","time_ms":1680649200000,"action":"open","reason":"funding_high_enough","detail":"predicted 10.95 %/yr \u2265 10 %/yr, basis 0.05 %","by":"rules","predicted_rate":0.0001,"predicted_annualised":0.1095,"basis":0.0005,"mark_price":20010,"index_price":20000}""" },
        { "carry-leg-filled.v1", """{"symbol":"BTCUSDT","carry_id":"BTCUSDT-1","purpose":"open","fill":{"leg":"perp","side":"sell","quantity":0.049,"price":20010,"fee_usd":0.392196,"time_ms":1680649200000}}""" },
        { "carry-leg-failed.v1", """{"symbol":"BTCUSDT","carry_id":"BTCUSDT-2","purpose":"unwind","leg":"spot","error":"timeout","time_ms":1680652802000}""" },
        { "carry-opened.v1", """{"symbol":"BTCUSDT","carry_id":"BTCUSDT-1","notional_usd":1000,"position":{"symbol":"BTCUSDT","spot_quantity":0.05000,"perp_quantity":0.049,"spot_entry_price":20000,"perp_entry_price":20010,"opened_at_ms":1680649200000,"funding_usd":0,"settlements":0,"last_settlement_ms":null,"fees_usd":0.792196,"entry_basis":0.0005},"by":"rules"}""" },
        { "carry-open-failed.v1", """{"symbol":"BTCUSDT","failure":{"carry_id":"BTCUSDT-2","time_ms":1680652802000,"failed_leg":"perp","error":"rejected: margin is insufficient","filled":{"leg":"spot","side":"buy","quantity":0.05000,"price":20000,"fee_usd":0.4,"time_ms":1680649200000},"unwound":null,"pnl_usd":0,"fees_usd":0.4},"stranded":{"leg":"spot","side":"buy","quantity":0.05000,"price":20000,"fee_usd":0.4,"time_ms":1680649200000}}""" },
        { "carry-stranded-unwound.v1", """{"symbol":"BTCUSDT","carry_id":"BTCUSDT-2","unwound":{"leg":"spot","side":"sell","quantity":0.05000,"price":19990,"fee_usd":0.4,"time_ms":1680649200000},"pnl_usd":-0.5}""" },
        { "carry-funding-accrued.v1", """{"symbol":"BTCUSDT","carry_id":"BTCUSDT-1","settlement_ms":1680652800000,"rate":0.0001,"mark_price":20010,"amount_usd":0.098049,"estimated":true}""" },
        { "carry-closing.v1", """{"symbol":"BTCUSDT","carry_id":"BTCUSDT-1","reason":"funding_fell","by":"rules","time_ms":1680652801000}""" },
        { "carry-closed.v1", """{"symbol":"BTCUSDT","result":{"symbol":"BTCUSDT","carry_id":"BTCUSDT-1","opened_ms":1680649200000,"closed_ms":1680652801000,"notional_usd":1000,"funding_usd":0.098049,"basis_pnl_usd":1.49,"fees_usd":1.5842,"net_usd":0.003849,"settlements":1,"exit_reason":"funding_fell"},"by":"bob"}""" },
        { "carry-state.v1", """{"symbol":"BTCUSDT","open":{"carry_id":"BTCUSDT-3","notional_usd":1000,"position":{"symbol":"BTCUSDT","spot_quantity":0.05000,"perp_quantity":0.049,"spot_entry_price":20000,"perp_entry_price":20010,"opened_at_ms":1680649200000,"funding_usd":0.098049,"settlements":1,"last_settlement_ms":1680652800000,"fees_usd":0.792196,"entry_basis":0.0005},"opened_by":"alice","spot_exit":{"leg":"spot","side":"buy","quantity":0.05000,"price":20000,"fee_usd":0.4,"time_ms":1680649200000},"perp_exit":null,"closing_reason":"operator","closing_by":"alice","closing":true},"closed":[{"symbol":"BTCUSDT","carry_id":"BTCUSDT-1","opened_ms":1680649200000,"closed_ms":1680652801000,"notional_usd":1000,"funding_usd":0.098049,"basis_pnl_usd":1.49,"fees_usd":1.5842,"net_usd":0.003849,"settlements":1,"exit_reason":"funding_fell"}],"failures":[{"carry_id":"BTCUSDT-2","time_ms":1680652802000,"failed_leg":"perp","error":"rejected: margin is insufficient","filled":{"leg":"spot","side":"buy","quantity":0.05000,"price":20000,"fee_usd":0.4,"time_ms":1680649200000},"unwound":null,"pnl_usd":0,"fees_usd":0.4}],"stranded":{"leg":"spot","side":"buy","quantity":0.05000,"price":20000,"fee_usd":0.4,"time_ms":1680649200000},"stranded_carry_id":"BTCUSDT-2","auto_paused":true,"sequence":3,"next_carry_id":"BTCUSDT-4"}""" },
    };

    [Theory]
    [MemberData(nameof(StoredRows))]
    public void A_row_stored_by_the_previous_version_reads_and_writes_back_byte_for_byte(string manifest, string stored)
    {
        var bytes = Encoding.UTF8.GetBytes(stored);
        var read = Sys.Serialization.Deserialize(bytes, PersistedMessageSerializer.Id, manifest); // as the journal reads a row

        Assert.True(read is ICarryEvent or CarryState, read.GetType().FullName);
        var serializer = Assert.IsType<PersistedMessageSerializer>(Sys.Serialization.FindSerializerFor(read)); // the hocon binding of the Core types
        Assert.Equal(manifest, serializer.Manifest(read));
        Assert.Equal(stored, Encoding.UTF8.GetString(serializer.ToBinary(read)));
    }

    [Fact]
    public void The_values_read_are_the_values_written()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(CarryState.Empty("BTCUSDT"));
        var rows = StoredRows().ToDictionary(r => (string)r[0], r => Encoding.UTF8.GetBytes((string)r[1]));
        T1 Read<T1>(string manifest) => Assert.IsType<T1>(serializer.FromBinary(rows[manifest], manifest));

        var decided = Read<CarryDecided>("carry-decided.v1");
        Assert.Equal(("BTCUSDT-1", T - 3_600_000, "open", 0.1095m, 20010m), (decided.CarryId, decided.TimeMs, decided.Action, decided.PredictedAnnualised, decided.MarkPrice));
        Assert.Equal(new CarryLegFill(CarryLeg.Perp, CarrySide.Sell, 0.049m, 20010m, 0.392196m, T - 3_600_000), Read<CarryLegFilled>("carry-leg-filled.v1").Fill);
        Assert.Equal(CarryLegPurpose.Unwind, Read<CarryLegFailed>("carry-leg-failed.v1").Purpose);
        Assert.Equal(new CarryFundingAccrued("BTCUSDT", "BTCUSDT-1", T, 0.0001m, 20010m, 0.098049m, true), Read<CarryFundingAccrued>("carry-funding-accrued.v1"));
        Assert.Equal(("funding_fell", 1.49m), (Read<CarryClosed>("carry-closed.v1").Result.ExitReason, Read<CarryClosed>("carry-closed.v1").Result.BasisPnlUsd));

        var state = Read<CarryState>("carry-state.v1");
        Assert.Equal(("BTCUSDT-3", true, "operator"), (state.Open!.CarryId, state.Open.Closing, state.Open.ClosingReason));
        Assert.Equal(new CarryPosition("BTCUSDT", 0.05m, 0.049m, 20000m, 20010m, T - 3_600_000, 0.098049m, 1, T, 0.792196m), state.Open.Position);
        Assert.Equal(("BTCUSDT-4", true, CarryLeg.Spot), (state.NextCarryId, state.AutoPaused, state.Stranded!.Leg));
        Assert.Equal(CarryLeg.Perp, Assert.Single(state.Failures).FailedLeg);
        Assert.Equal("BTCUSDT-1", Assert.Single(state.Closed).CarryId);
    }
}
