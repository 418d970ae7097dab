// The node's SSE stream (/api/stream) through EventSource: the browser sends the session cookie; a stream closed by
// an expired session is reopened after a session refresh. Listeners get (type, payload).
import { api } from './session.js';

// The message types the stream names its events by (src/Arbitrage.Node/Api/Live/LiveTopics.cs and the risk guard's events).
const EVENT_TYPES = ['IndicatorSnapshot', 'SignalEmitted', 'TradeClosed', 'TradeAborted', 'TradePlanned', 'SignalRejected', 'ReconciliationDifference',
  'ExecutorReady', 'TriangleEpisodeChanged', 'TriangleAttemptChanged', 'TradeResultRecorded', 'CircuitBroken', 'Resumed', 'KillSwitchEngaged',
  'KillSwitchReleased', 'HoldTimeoutAlerted', 'ForceCloseOrdered', 'SignalBlocked', 'RiskParametersSet', 'PositionCloseOrdered',
  'TradingEnabledSet', 'ExecutionAlertRaised', 'StrategyFileLoaded', 'StrategyFileRejected', 'StrategyFileRemoved'];

let streams = 0;

/** Whether the page opened a stream. */
export const opened = () => streams > 0;

export function openLive(topics, symbol, onEvent) {
  streams += 1;
  const badge = document.getElementById('live');
  const query = new URLSearchParams({ topics: topics.join(',') });
  if (symbol) query.set('symbol', symbol);
  let source;
  let leaving = false;
  const open = () => {
    source = new EventSource('/api/stream?' + query);
    source.addEventListener('ready', () => { badge.textContent = 'live'; badge.className = 'badge ok'; });
    const forward = (e) => {
      let data = null;
      try { data = JSON.parse(e.data); } catch { return; }
      onEvent(e.type, data);
    };
    for (const t of EVENT_TYPES) source.addEventListener(t, forward);
    source.onerror = async () => {
      badge.textContent = 'reconnecting';
      badge.className = 'badge warn';
      // CLOSED: the server refused the stream (an expired access cookie is a 401). Reading the session refreshes it
      // when needed (or goes to the login page), then the stream reopens. A page being left does nothing.
      if (source.readyState === EventSource.CLOSED && !leaving) {
        try { await api('/ui/session'); } catch { return; }
        if (!leaving) open();
      }
    };
  };
  open();
  // Leaving the page frees the connection at once (browsers allow six per host over HTTP/1.1).
  addEventListener('pagehide', () => { leaving = true; source.close(); });
  return () => source.close();
}
