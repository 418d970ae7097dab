namespace Arbitrage.Core.Triangles;

/// <summary>
/// One level of a detection book: price in quote per base, quantity in base. <c>double</c> on purpose: detection is
/// exact book maths in binary floating point (the same operations an independent checker does), fast enough for
/// millions of updates a second; the execution of a cycle sizes its orders in <c>decimal</c> with the venue's filters.
/// </summary>
public readonly record struct BookLevel(double Price, double Quantity);
