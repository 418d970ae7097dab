import { api } from '../session.js';
import { h, time, table, cell, numCell, fixed, usd, signClass } from '../format.js';

// The headline columns: [summary.json key(s), header, format]. A triangle report counts attempts, a carry report carries.
const COLUMNS = [
  [['trades', 'attempts', 'carries'], 'Trades ', (v) => fixed(v, 0)],
  [['pnl_usd'], 'PnL ', usd],
  [['win_rate'], 'Win rate ', (v) => fixed(v === null ? null : Number(v) * 100, 1, '%')],
  [['fees_usd'], 'Fees ', usd],
  [['max_drawdown_usd'], 'Max drawdown ', usd],
];

const fileUrl = (name, file) => `/api/reports/${encodeURIComponent(name)}/${encodeURIComponent(file)}`;

/**
 * The backtest reports of the node's Paths:Reports folder (GET /api/reports), newest first, with their headline numbers
 * from summary.json; "Open" shows a report's report.html in a frame below (served with its own policy: no script), the
 * file links open each file. Read on open: reports are written by arbctl, not streamed.
 */
export async function reportsPage(main) {
  const list = h('section', { class: 'card', 'data-testid': 'reports' }, h('h2', {}, 'Backtest reports (newest first)'));
  const viewer = h('section', { class: 'card', 'data-testid': 'report-view', hidden: true });
  main.replaceChildren(h('h1', {}, 'Reports'), list, viewer);

  const reports = await api('/api/reports');
  const open = (name) => {
    const src = fileUrl(name, 'report.html');
    viewer.replaceChildren(
      h('h2', {}, `Report ${name}`),
      h('p', {}, h('a', { href: src, target: '_blank', rel: 'noopener' }, 'Open in a new tab')),
      h('iframe', { src, title: `Backtest report ${name}`, class: 'report', 'data-testid': 'report-frame' }));
    viewer.hidden = false;
  };

  const rows = reports.map((r) => {
    const cells = COLUMNS.map(([keys, , format]) => {
      const key = keys.find((k) => k in r.summary);
      if (key === undefined) return numCell('–');
      const v = r.summary[key];
      const td = numCell(format(v), key === 'pnl_usd' ? signClass(v) : '');
      td.dataset.key = key;
      td.dataset.value = v === null ? 'null' : String(v);
      return td;
    });
    const files = h('td', { class: 'wrap' }, r.files.flatMap((f, i) => [i ? ' ' : '', h('a', { href: fileUrl(r.name, f), target: '_blank', rel: 'noopener' }, f)]));
    const button = r.files.includes('report.html')
      ? h('button', { type: 'button', onclick: () => open(r.name), 'data-testid': 'open-report' }, 'Open')
      : h('span', { class: 'muted' }, 'no report.html');
    return h('tr', { 'data-report': r.name, 'data-kind': r.kind }, cell(r.name, 'wrap'), cell(r.kind), cell(time(r.createdMs)), ...cells, files, h('td', {}, button));
  });
  list.replaceChildren(list.firstChild,
    table(['Report', 'Kind', 'Written', ...COLUMNS.map((c) => c[1]), 'Files', ''], rows, { 'data-testid': 'reports-table' }),
    h('p', { class: 'muted' }, reports.length
      ? `${fixed(reports.length, 0)} report${reports.length === 1 ? '' : 's'}; written by arbctl backtest --out into the node's Paths:Reports folder.`
      : "No reports: arbctl backtest --out DIR writes one; put DIR in the node's Paths:Reports folder."));
}
