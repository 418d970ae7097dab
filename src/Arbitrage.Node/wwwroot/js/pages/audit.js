import { api } from '../session.js';
import { h, time, table, cell, fixed } from '../format.js';

const LIMIT = 100;

/** The audit log, newest first, filtered by user and command; older pages on request. No stream carries audit rows: read on open and on Refresh. */
export async function auditPage(main) {
  const query = new URLSearchParams(location.search);
  const user = h('input', { id: 'audit-user', 'aria-label': 'User', placeholder: 'user', value: query.get('user') || '', maxlength: 64 });
  const command = h('input', { id: 'audit-command', 'aria-label': 'Command', placeholder: 'command, e.g. kill', value: query.get('command') || '', maxlength: 64 });
  const apply = h('button', { type: 'submit' }, 'Filter');
  const more = h('button', { type: 'button', 'data-testid': 'audit-more', hidden: true }, 'Older entries');
  const message = h('p', { class: 'error', role: 'alert' });
  const list = h('section', { class: 'card', 'data-testid': 'audit' }, h('h2', {}, 'Audit log (newest first)'));
  const form = h('form', { class: 'controls', role: 'search', 'aria-label': 'Filter the audit log' }, user, command, apply);
  main.replaceChildren(h('h1', {}, 'Audit'), form, message, list, h('div', { class: 'controls' }, more));

  const args = (a) => Object.entries(a || {}).map(([k, v]) => `${k}=${typeof v === 'object' && v !== null ? JSON.stringify(v) : v}`).join(' ');
  const rows = [];
  let before = null;
  const render = () => list.replaceChildren(list.firstChild,
    table(['Time', 'User', 'Command', 'Arguments', 'Result', 'Completed'], rows, { 'data-testid': 'audit-table' }),
    h('p', { class: 'muted' }, `${fixed(rows.length, 0)} entries shown`));

  async function load(append) {
    const q = new URLSearchParams({ limit: String(LIMIT) });
    if (user.value.trim()) q.set('user', user.value.trim());
    if (command.value.trim()) q.set('command', command.value.trim());
    if (append && before !== null) q.set('before', String(before));
    message.textContent = '';
    let page;
    try {
      page = await api('/api/audit?' + q);
    } catch (e) {
      message.textContent = e.message;
      return;
    }
    if (!append) rows.length = 0;
    rows.push(...page.items.map((a) => h('tr', { 'data-command': a.command, 'data-audit': a.auditId },
      cell(time(a.timeMs)), cell(a.user), cell(a.command), cell(args(a.arguments)), cell(a.result, a.result === 'ok' ? 'ok' : a.result === 'pending' ? 'warn' : 'bad'),
      cell(time(a.completedMs)))));
    before = page.nextBefore ?? null;
    more.hidden = before === null;
    render();
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const q = new URLSearchParams();
    if (user.value.trim()) q.set('user', user.value.trim());
    if (command.value.trim()) q.set('command', command.value.trim());
    history.replaceState(null, '', location.pathname + (q.size ? '?' + q : ''));
    await load(false);
  });
  more.addEventListener('click', () => load(true));
  await load(false);
}
