using Arbitrage.Core.Funding.Carry;

namespace Arbitrage.Engine.Funding.Carry;

/// <summary>Executes carry legs (market orders): spot and perp. The paper implementation is <see cref="PaperCarryLegGateway"/>.</summary>
public interface ICarryLegGateway
{
    /// <summary>Fills the whole quantity or fails; expected failures are results, not exceptions.</summary>
    Task<CarryLegResult> ExecuteAsync(CarryLegOrder order);
}

/// <summary>Paper fills: at the reference price (index for spot, mark for perp) with a fee of <c>quantity × price × feeRate</c>. Completes synchronously.</summary>
public sealed class PaperCarryLegGateway(decimal feeRate) : ICarryLegGateway
{
    public decimal FeeRate { get; } = feeRate >= 0m ? feeRate : throw new ArgumentOutOfRangeException(nameof(feeRate), feeRate, "fee rate must be ≥ 0");

    public Task<CarryLegResult> ExecuteAsync(CarryLegOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (order.Quantity <= 0m || order.ReferencePrice <= 0m)
            return Task.FromResult(CarryLegResult.Failed($"paper: quantity {order.Quantity} and price {order.ReferencePrice} must be > 0"));
        var fee = order.Quantity * order.ReferencePrice * FeeRate;
        return Task.FromResult(CarryLegResult.Filled(new CarryLegFill(order.Leg, order.Side, order.Quantity, order.ReferencePrice, fee, order.TimeMs)));
    }
}
