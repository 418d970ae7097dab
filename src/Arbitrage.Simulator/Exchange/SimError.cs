namespace Arbitrage.Simulator.Exchange;

/// <summary>A Binance error answer: HTTP status, code and message exactly as Binance sends them.</summary>
public sealed record SimError(int HttpStatus, int Code, string Msg)
{
    public static SimError Rejected(int code, string msg) => new(400, code, msg);

    public static readonly SimError DuplicateClientId = Rejected(-4116, "ClientOrderId is duplicated.");
    public static readonly SimError ReduceOnlyRejected = Rejected(-2022, "ReduceOnly Order is rejected.");
    public static readonly SimError WouldTrigger = Rejected(-2021, "Order would immediately trigger.");
    public static readonly SimError MarginInsufficient = Rejected(-2019, "Margin is insufficient.");
    public static readonly SimError UnknownOrder = Rejected(-2011, "Unknown order sent.");
    public static readonly SimError OrderDoesNotExist = Rejected(-2013, "Order does not exist.");
    public static readonly SimError PostOnlyRejected = Rejected(-5022, "Due to the order could not be executed as maker, the Post Only order will be rejected. The order will not be recorded in the order history");
    public static readonly SimError InvalidApiKey = new(401, -2015, "Invalid API-key, IP, or permissions for action.");
    public static readonly SimError MalformedApiKey = new(401, -2014, "API-key format invalid.");
    public static readonly SimError BadSignature = Rejected(-1022, "Signature for this request is not valid.");
    public static readonly SimError BadTimestamp = Rejected(-1021, "Timestamp for this request is outside of the recvWindow.");
    public static readonly SimError ListenKeyMissing = Rejected(-1125, "This listenKey does not exist.");

    public static SimError Mandatory(string name) =>
        Rejected(-1102, $"Mandatory parameter '{name}' was not sent, was empty/null, or malformed.");

    public static SimError BadParameter(string name) => Rejected(-1130, $"Data sent for parameter '{name}' is not valid.");
}
