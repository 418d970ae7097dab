import { api } from '../session.js';
import { openLive } from '../live.js';
import { h, usd, price, r, time, table, cell, numCell, kv, fixed, signClass, duration } from '../format.js';
import { side } from './signals.js';

// Quantities are in the symbol's base asset (BTC for BTCUSDT and BTCUSD_PERP).
const base = (symbol) => String(symbol).replace(/_PERP$/, '').replace(/(USDT|USDC|BUSD|USD)$/, '') || 'units';
const amount = (v, symbol) => fixed(v, 3, base(symbol));

/** Open positions and closed trades (PnL in USD and R, fees, exit reason codes with their detail), re-read on every trade event. */
export async function tradesPage(main) {
  const open = h('section', { class: 'card', 'data-testid': 'positions' }, h('h2', {}, 'Open positions'));
  const summary = h('section', { class: 'card', 'data-testid': 'trades-summary' }, h('h2', {}, 'Closed trades: totals'));
  const closed = h('section', { class: 'card', 'data-testid': 'trades' }, h('h2', {}, 'Closed trades (newest first)'));
  main.replaceChildren(h('h1', {}, 'Trades and positions'), h('div', { class: 'grid' }, open, summary), closed);
  const planned = new Map();

  const renderPositions = (list, nowMs) => open.replaceChildren(open.firstChild, table(['Symbol', 'Opened', 'Held ', 'Side', 'Entry ', 'Stop ', 'Quantity '],
    list.map((p) => {
      const plan = planned.get(p.symbol);
      return h('tr', { 'data-symbol': p.symbol }, cell(h('a', { href: '/symbol?s=' + encodeURIComponent(p.symbol) }, p.symbol)), cell(time(p.openedAtMs)),
        numCell(duration((nowMs - p.openedAtMs) / 1000)), cell(plan ? side(plan.side) : '–'), numCell(plan ? price(plan.entry) : '–'),
        numCell(plan ? price(plan.stopLoss) : '–'), numCell(plan ? amount(plan.quantity, p.symbol) : '–'));
    }), { 'data-testid': 'positions-table' }));

  const renderTrades = (trades) => {
    const sumUsd = trades.reduce((s, t) => s + Number(t.pnlUsd), 0);
    const sumR = trades.reduce((s, t) => s + Number(t.pnlR), 0);
    const fees = trades.reduce((s, t) => s + Number(t.feesUsd), 0);
    const wins = trades.filter((t) => Number(t.pnlUsd) > 0).length;
    summary.replaceChildren(summary.firstChild, kv([
      ['Trades', fixed(trades.length, 0)],
      ['PnL', usd(sumUsd), { class: signClass(sumUsd), 'data-testid': 'trades-pnl-usd' }],
      ['PnL in R', r(sumR), { class: signClass(sumR) }],
      ['Fees', usd(fees)],
      ['Winners', trades.length ? `${fixed(wins, 0)} (${fixed((100 * wins) / trades.length, 0, '%')})` : '–'],
    ]));
    closed.replaceChildren(closed.firstChild, table(['Exit time', 'Symbol', 'Strategy', 'Side', 'Entry ', 'Exit ', 'Quantity ', 'Held ', 'PnL ', 'PnL (R) ', 'Fees ', 'Exit reason'],
      trades.map((t) => h('tr', { 'data-signal': t.signalId },
        cell(time(t.exitTimeMs)), cell(t.symbol), cell(t.strategy), cell(side(t.direction), side(t.direction) === 'long' ? 'up' : 'down'),
        numCell(price(t.entry)), numCell(price(t.exit)), numCell(amount(t.qty, t.symbol)), numCell(duration((t.exitTimeMs - t.entryTimeMs) / 1000)),
        numCell(usd(t.pnlUsd), signClass(t.pnlUsd)), numCell(r(t.pnlR), signClass(t.pnlR)), numCell(usd(t.feesUsd)),
        h('td', { title: t.exitDetail || undefined, 'data-testid': 'exit-reason' }, t.exitReason))),
      { 'data-testid': 'trades-table' }));
  };

  async function refresh() {
    const [trades, positions, risk] = await Promise.all([api('/api/trades?limit=500'), api('/api/positions'), api('/api/risk')]);
    renderPositions(positions, risk.nowMs);
    renderTrades(trades);
  }

  await refresh();
  openLive(['trades'], null, (type, data) => {
    if (type === 'TradePlanned') planned.set(data.symbol, data);
    if (type.startsWith('Trade') || type === 'PositionCloseOrdered' || type === 'ForceCloseOrdered') refresh();
  });
}
