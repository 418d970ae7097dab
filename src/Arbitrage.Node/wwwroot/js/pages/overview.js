import { api } from '../session.js';
import { openLive } from '../live.js';
import { h, usd, price, r, duration, time, table, cell, numCell, kv, signClass, fixed } from '../format.js';

const DAY_MS = 86400000;

/** Node and feed health, cluster members, risk state, today's PnL, open positions, latest signals and triangle episodes. */
export async function overview(main) {
  const health = h('section', { class: 'card', 'data-testid': 'health' }, h('h2', {}, 'Node'));
  const feeds = h('section', { class: 'card', 'data-testid': 'feeds' }, h('h2', {}, 'Feeds'));
  const cluster = h('section', { class: 'card', 'data-testid': 'cluster' }, h('h2', {}, 'Cluster'));
  const risk = h('section', { class: 'card', 'data-testid': 'risk' }, h('h2', {}, 'Risk'));
  const pnl = h('section', { class: 'card', 'data-testid': 'pnl' }, h('h2', {}, "Today's PnL"));
  const positions = h('section', { class: 'card', 'data-testid': 'positions' }, h('h2', {}, 'Open positions'));
  const signals = h('section', { class: 'card', 'data-testid': 'signals' }, h('h2', {}, 'Latest signals'));
  const triangles = h('section', { class: 'card', 'data-testid': 'triangles' }, h('h2', {}, 'Triangle episodes'));
  main.replaceChildren(h('h1', {}, 'Overview'), h('div', { class: 'grid' }, health, feeds, risk, pnl, positions, signals, cluster, triangles));

  const fill = (section, ...content) => section.replaceChildren(section.firstChild, ...content.filter((c) => c !== null));
  const feedRows = new Map();

  const renderHealth = (hl) => {
    fill(health, kv([
      ['Status', hl.status, { class: hl.status === 'ok' ? 'ok' : 'bad', 'data-testid': 'health-status' }],
      ['Version', hl.version],
      ['Uptime', duration(hl.uptimeSeconds)],
      ['Storage', `${hl.persistence.backend} ${hl.persistence.ok ? 'ok' : 'FAILING'}`, { class: hl.persistence.ok ? 'ok' : 'bad' }],
      ['Exchange', hl.exchange],
      ...hl.parts.map((p) => [p.name, `${p.ok ? 'ok' : 'FAILING'}: ${p.detail}`, { class: p.ok ? '' : 'bad' }]),
    ]));
    feedRows.clear();
    fill(feeds, table(['Symbol', 'Status', 'Trades ', 'Last tick', 'Last price ', 'Gaps '], hl.feeds.map((f) => {
      const tick = h('td', { 'data-testid': 'feed-last-tick' }, time(f.lastTickMs));
      const last = numCell('–');
      feedRows.set(f.symbol, { tick, last });
      return h('tr', { 'data-symbol': f.symbol },
        cell(h('a', { href: '/symbol?s=' + encodeURIComponent(f.symbol) }, f.symbol)),
        cell(f.status, f.status === 'connected' ? 'ok' : 'bad'), numCell(fixed(f.trades, 0)), tick, last, numCell(fixed(f.tradeGaps, 0)));
    })));
    const c = hl.cluster;
    fill(cluster, kv([['Self', c.address], ['Status', c.status], ['Leader', c.leader || '–'], ['Singletons', c.singletons.join(', ') || '–']]),
      table(['Member', 'Status', 'Roles', 'Reachable'], c.memberList.map((m) => h('tr', {},
        cell(m.address + (m.leader ? ' (leader)' : '')), cell(m.status), cell(m.roles.join(', ')), cell(m.reachable ? 'yes' : 'NO', m.reachable ? 'ok' : 'bad')))),
      c.problems.length ? h('p', { class: 'bad' }, c.problems.join('; ')) : null);
  };

  let nowMs = Date.now();
  const renderRisk = (rk) => {
    nowMs = rk.nowMs || nowMs;
    fill(risk, kv([
      ['Kill switch', rk.killSwitch ? `ON (by ${rk.killedBy}: ${rk.killReason})` : 'off', { class: rk.killSwitch ? 'bad' : 'ok', 'data-testid': 'risk-kill' }],
      ['Trading', rk.tradingEnabled ? 'enabled' : 'disabled', { class: rk.tradingEnabled ? 'ok' : 'warn' }],
      ['Executor', rk.executorReady ? 'ready' : 'not ready', { class: rk.executorReady ? 'ok' : 'warn' }],
      ['Daily realised', r(rk.dailyRealisedR), { class: signClass(rk.dailyRealisedR) }],
      ['Consecutive losses', fixed(rk.consecutiveLosses, 0)],
      ['Balance', usd(rk.balanceUsd)],
      ['Open positions', fixed(rk.openPositions, 0)],
      ['Engine time', time(rk.nowMs)],
    ]), rk.breakers.length
      ? table(['Breaker', 'Reason', 'Since', 'Until'], rk.breakers.map((b) => h('tr', {}, cell(b.rule), cell(b.reason, 'bad'), cell(time(b.sinceMs)), cell(time(b.untilMs)))))
      : h('p', { class: 'muted' }, 'No breaker tripped.'));
  };

  const renderTrades = (trades) => {
    // "Today" is the engine's UTC day (tape time in a replay, wall time live).
    const dayStart = Math.floor(nowMs / DAY_MS) * DAY_MS;
    const today = trades.filter((t) => t.exitTimeMs >= dayStart);
    const sumUsd = today.reduce((s, t) => s + Number(t.pnlUsd), 0);
    const sumR = today.reduce((s, t) => s + Number(t.pnlR), 0);
    fill(pnl, kv([
      ['Realised', usd(sumUsd), { class: signClass(sumUsd), 'data-testid': 'pnl-usd' }],
      ['In R', r(sumR), { class: signClass(sumR) }],
      ['Trades closed', fixed(today.length, 0)],
      ['Day (UTC)', new Date(dayStart).toISOString().slice(0, 10)],
    ]));
  };

  const renderPositions = (list) => fill(positions, table(['Symbol', 'Opened'], list.map((p) => h('tr', {}, cell(p.symbol), cell(time(p.openedAtMs))))));

  const signalRows = [];
  const signalBody = () => table(['Time', 'Strategy', 'Symbol', 'Side', 'Score ', 'Entry '], signalRows.slice(0, 10), { 'data-testid': 'signals-table' });
  const signalRow = (s) => h('tr', { 'data-signal': s.signalId },
    cell(time(s.timeMs)), cell(s.strategyId), cell(s.symbol), cell(s.direction, s.direction === 'long' ? 'up' : 'down'),
    numCell(fixed(s.score, 2)), numCell(price(s.entry)));

  const renderTriangles = (t) => fill(triangles, table(['Cycle', 'Venue', 'Start', 'End', 'Peak net ', 'Ended by'], [...t.open, ...t.recent].slice(0, 10).map((e) => h('tr', {},
    cell(e.cycle), cell(e.venue), cell(time(e.startMs)), cell(e.endMs ? time(e.endMs) : 'open'), numCell(fixed(e.peakNetReturn * 10000, 1, 'bp')), cell(e.endedBy || '–')))));

  const [hl, rk, trades, pos, sig, tri] = await Promise.all([
    api('/api/health'), api('/api/risk'), api('/api/trades?limit=500'), api('/api/positions'), api('/api/signals?limit=10'), api('/api/triangles?limit=10')]);
  renderHealth(hl);
  renderRisk(rk);
  renderTrades(trades);
  renderPositions(pos);
  signalRows.push(...sig.items.map(signalRow));
  fill(signals, signalBody());
  renderTriangles(tri);

  // Live: ticks move the feed rows; any risk or trade event re-reads what it changed (on the event, never on a timer).
  openLive(['indicators', 'signals', 'risk', 'trades', 'triangles'], null, async (type, data) => {
    if (type === 'IndicatorSnapshot') {
      const row = feedRows.get(data.symbol);
      if (row) {
        row.tick.replaceChildren(time(data.values.timeMs));
        row.last.textContent = price(data.values.lastPrice);
      }
      nowMs = Math.max(nowMs, data.values.timeMs);
    } else if (type === 'SignalEmitted') {
      signalRows.unshift(signalRow(data));
      fill(signals, signalBody());
    } else if (type.startsWith('Triangle')) {
      renderTriangles(await api('/api/triangles?limit=10'));
    } else if (type.startsWith('Trade')) {
      const [t, p, k] = await Promise.all([api('/api/trades?limit=500'), api('/api/positions'), api('/api/risk')]);
      renderRisk(k);
      renderTrades(t);
      renderPositions(p);
    } else {
      renderRisk(await api('/api/risk'));
    }
  });
}
