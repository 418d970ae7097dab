namespace Arbitrage.Core.Books;

/// <summary>One price level of an order book side. Decimal: book prices feed order prices sent to the exchange.</summary>
public readonly record struct PriceLevel(decimal Price, decimal Quantity);
