import { api } from '../session.js';
import { openLive } from '../live.js';
import { h, time, table, cell, numCell, fixed, usd, signClass, duration } from '../format.js';

const bp = (v) => fixed(Number(v) * 10000, 1, 'bp');

/** Triangle episodes per cycle (open ones live), the best return each cycle reached, and execution attempts with their outcomes. */
export async function trianglesPage(main) {
  const open = h('section', { class: 'card', 'data-testid': 'episodes-open' }, h('h2', {}, 'Open episodes'));
  const cycles = h('section', { class: 'card', 'data-testid': 'cycles' }, h('h2', {}, 'Cycles: best returns'));
  const recent = h('section', { class: 'card', 'data-testid': 'episodes' }, h('h2', {}, 'Recent episodes'));
  const attempts = h('section', { class: 'card', 'data-testid': 'attempts' }, h('h2', {}, 'Attempts and outcomes'));
  main.replaceChildren(h('h1', {}, 'Triangles'), h('div', { class: 'grid' }, open, cycles), recent, attempts);

  // An episode is (venue, config, cycle, start): the row carries them for the tests and the live update.
  const episodeRows = (list) => list.map((e) => h('tr', { 'data-venue': e.venue, 'data-config': e.configId, 'data-cycle': e.cycle, 'data-start': e.startMs },
    cell(e.venue), cell(e.cycle), cell(e.startAsset), numCell(fixed(e.notional, 2, e.startAsset)), cell(time(e.startMs)),
    cell(e.endMs ? time(e.endMs) : h('span', { class: 'ok' }, 'open')), numCell(duration(((e.endMs ?? e.peakMs) - e.startMs) / 1000)),
    numCell(fixed(e.evaluations, 0)), numCell(bp(e.peakNetReturn), signClass(e.peakNetReturn)), cell(time(e.peakMs)), cell(e.endedBy || '–')));
  const episodeHeaders = ['Venue', 'Cycle', 'Start asset', 'Notional ', 'Start', 'End', 'Duration ', 'Evaluations ', 'Peak net ', 'Peak at', 'Ended by'];

  const render = (view, list) => {
    open.replaceChildren(open.firstChild, table(episodeHeaders, episodeRows(view.open), { 'data-testid': 'open-table' }));
    recent.replaceChildren(recent.firstChild, table(episodeHeaders, episodeRows(view.recent), { 'data-testid': 'episodes-table' }));
    cycles.replaceChildren(cycles.firstChild, table(['Venue', 'Config', 'Cycle', 'Episodes ', 'Best net ', 'Best at'],
      view.cycles.map((c) => h('tr', { 'data-cycle': c.cycle }, cell(c.venue), cell(c.configId), cell(c.cycle), numCell(fixed(c.episodes, 0)),
        numCell(bp(c.bestNetReturn), signClass(c.bestNetReturn)), cell(time(c.bestMs)))), { 'data-testid': 'cycles-table' }));
    attempts.replaceChildren(attempts.firstChild, table(['Start', 'Venue', 'Cycle', 'Outcome', 'Legs filled ', 'Start amount ', 'End amount ', 'PnL ', 'PnL (USD) ', 'Fees ', 'Slippage ', 'Detail'],
      list.map((a) => h('tr', { 'data-attempt': a.attemptId },
        cell(time(a.startMs)), cell(a.venue), cell(a.cycle), cell(a.outcome || 'in flight', a.outcome === 'completed' ? 'ok' : a.outcome ? 'bad' : 'warn'),
        numCell(a.legsFilled === null ? '–' : `${a.legsFilled} / 3`), numCell(fixed(a.startAmount, 6, a.startAsset)), numCell(fixed(a.endAmount, 6, a.startAsset)),
        numCell(fixed(a.pnlStartAsset, 6, a.startAsset), signClass(a.pnlStartAsset)), numCell(usd(a.pnlUsd), signClass(a.pnlUsd)), numCell(usd(a.feesUsd)),
        numCell(fixed(a.slippageBps, 1, 'bp')), cell(a.detail || ''))), { 'data-testid': 'attempts-table' }));
  };

  async function refresh() {
    const [view, list] = await Promise.all([api('/api/triangles?limit=50'), api('/api/triangles/attempts?limit=50')]);
    render(view, list);
  }

  await refresh();
  openLive(['triangles'], null, () => { refresh(); });
}
