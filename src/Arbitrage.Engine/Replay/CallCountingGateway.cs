using Akka.Actor;
using Arbitrage.Core.Execution;
using Arbitrage.Engine.Execution;
using Arbitrage.Engine.Execution.Paper;

namespace Arbitrage.Engine.Replay;

/// <summary>
/// A backtest's paper gateway with its calls counted, for the tape clock's barrier (<see cref="TradingBarrier"/>): a call
/// counts from the executor's call until its answer is in the executor's mailbox. The answer completes the task the
/// executor pipes to itself with its continuations run inline, so the pipe has told the executor before the call stops
/// counting. The executor calls it as it calls any gateway; nothing here changes an answer.
/// </summary>
internal sealed class CallCountingGateway(PaperGateway paper) : IPriceDrivenGateway, IHostedGateway
{
    private readonly Lock _lock = new();
    private long _started;
    private int _inFlight;
    private TaskCompletionSource? _answered;

    /// <summary>Calls made so far.</summary>
    public long Started
    {
        get
        {
            lock (_lock)
            {
                return _started;
            }
        }
    }

    /// <summary>Completes when every call made so far has its answer in the executor's mailbox.</summary>
    public Task Answered()
    {
        lock (_lock)
        {
            if (_inFlight == 0)
            {
                return Task.CompletedTask;
            }

            _answered ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _answered.Task;
        }
    }

    public void Host(IActorContext executor) => paper.Host(executor);

    public void Subscribe(IActorRef listener) => paper.Subscribe(listener);

    public Task<GatewayResult<GatewayOrder>> PlaceAsync(OrderRequest order, CancellationToken ct = default) => Count(paper.PlaceAsync(order, ct));

    public Task<GatewayResult<GatewayOrder>> QueryAsync(string symbol, string clientOrderId, CancellationToken ct = default) =>
        Count(paper.QueryAsync(symbol, clientOrderId, ct));

    public Task<GatewayResult<GatewayOrder>> CancelAsync(string symbol, string clientOrderId, CancellationToken ct = default) =>
        Count(paper.CancelAsync(symbol, clientOrderId, ct));

    public Task<GatewayResult<IReadOnlyList<GatewayOrder>>> OpenOrdersAsync(CancellationToken ct = default) => Count(paper.OpenOrdersAsync(ct));

    public Task<GatewayResult<IReadOnlyList<GatewayPosition>>> PositionsAsync(CancellationToken ct = default) => Count(paper.PositionsAsync(ct));

    public Task<GatewayResult<decimal>> BalanceAsync(CancellationToken ct = default) => Count(paper.BalanceAsync(ct));

    public Task OnPriceAsync(string symbol, decimal price, long timeMs)
    {
        Begin();
        var answered = new TaskCompletionSource(); // continuations inline: see the summary
        paper.OnPriceAsync(symbol, price, timeMs).ContinueWith(
            t =>
            {
                if (t.Exception is { } e)
                {
                    answered.SetException(e.InnerExceptions);
                }
                else if (t.IsCanceled)
                {
                    answered.SetCanceled();
                }
                else
                {
                    answered.SetResult();
                }

                End();
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return answered.Task;
    }

    private Task<T> Count<T>(Task<T> call)
    {
        Begin();
        var answered = new TaskCompletionSource<T>(); // continuations inline: see the summary
        call.ContinueWith(
            t =>
            {
                if (t.Exception is { } e)
                {
                    answered.SetException(e.InnerExceptions);
                }
                else if (t.IsCanceled)
                {
                    answered.SetCanceled();
                }
                else
                {
                    answered.SetResult(t.Result);
                }

                End();
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return answered.Task;
    }

    private void Begin()
    {
        lock (_lock)
        {
            _started++;
            _inFlight++;
        }
    }

    private void End()
    {
        TaskCompletionSource? answered = null;
        lock (_lock)
        {
            if (--_inFlight == 0)
            {
                answered = _answered;
                _answered = null;
            }
        }

        answered?.SetResult();
    }
}
