import { api } from '../session.js';
import { openLive } from '../live.js';
import { h, r, usd, time, table, cell, kv, fixed, signClass } from '../format.js';

/** A modal confirmation with real buttons; resolves true only on the confirm button. */
function confirmDialog(title, text, confirmLabel) {
  return new Promise((resolve) => {
    const yes = h('button', { type: 'button', class: 'danger', 'data-testid': 'confirm-yes' }, confirmLabel);
    const no = h('button', { type: 'button', 'data-testid': 'confirm-no' }, 'Cancel');
    const dialog = h('dialog', { 'aria-labelledby': 'confirm-title' }, h('h2', { id: 'confirm-title' }, title), h('p', {}, text), h('div', { class: 'controls' }, yes, no));
    const done = (answer) => { dialog.close(); dialog.remove(); resolve(answer); };
    yes.addEventListener('click', () => done(true));
    no.addEventListener('click', () => done(false));
    dialog.addEventListener('cancel', () => done(false));
    document.body.append(dialog);
    dialog.showModal();
    no.focus();
  });
}

/** The risk state and its rules, the guard's history, the recent audit log; for operators the kill switch and resume. */
export async function riskPage(main, ctx) {
  const state = h('section', { class: 'card', 'data-testid': 'risk-state' }, h('h2', {}, 'Rules and state'));
  const history = h('section', { class: 'card', 'data-testid': 'risk-history' }, h('h2', {}, 'Risk history'));
  const audit = h('section', { class: 'card', 'data-testid': 'audit' }, h('h2', {}, 'Audit log'));
  const message = h('p', { class: 'error', role: 'alert', 'data-testid': 'ops-message' });
  const sections = [state];
  if (ctx.canOperate) {
    const reason = h('input', { id: 'kill-reason', 'aria-label': 'Kill switch reason', placeholder: 'reason (required)', maxlength: 500 });
    const kill = h('button', { type: 'button', class: 'danger', id: 'kill', 'data-testid': 'kill' }, 'Kill switch');
    const resume = h('button', { type: 'button', id: 'resume', 'data-testid': 'resume' }, 'Resume');
    kill.addEventListener('click', async () => {
      const why = reason.value.trim();
      if (!why) { message.textContent = 'reason: required'; reason.focus(); return; }
      if (!await confirmDialog('Engage the kill switch?', `No new entries until resumed. Reason: ${why}`, 'Engage kill switch')) return;
      await run('/api/ops/kill', { reason: why });
    });
    resume.addEventListener('click', async () => {
      if (!await confirmDialog('Resume trading?', 'Releases the kill switch: new entries are allowed again.', 'Resume')) return;
      await run('/api/ops/resume');
    });
    sections.push(h('section', { class: 'card', 'data-testid': 'ops' }, h('h2', {}, 'Operator controls'), h('div', { class: 'controls' }, reason, kill, resume), message));
  }
  sections.push(history, audit);
  main.replaceChildren(h('h1', {}, 'Risk'), h('div', { class: 'grid' }, ...sections));

  async function run(path, body) {
    message.textContent = '';
    try {
      const res = await api(path, { method: 'POST', body });
      message.className = 'ok';
      message.textContent = `${res.command}: ${res.status} (audit ${res.auditId})`;
    } catch (e) {
      message.className = 'error';
      message.textContent = e.message;
    }
    await refreshAll();
  }

  const renderState = (rk) => state.replaceChildren(state.firstChild,
    kv([
      ['Kill switch', rk.killSwitch ? `ON (by ${rk.killedBy}: ${rk.killReason})` : 'off', { class: rk.killSwitch ? 'bad' : 'ok', 'data-testid': 'risk-kill' }],
      ['Trading', rk.tradingEnabled ? 'enabled' : 'disabled'],
      ['Daily realised', r(rk.dailyRealisedR), { class: signClass(rk.dailyRealisedR) }],
      ['Consecutive losses', fixed(rk.consecutiveLosses, 0)],
      ['Balance', usd(rk.balanceUsd)],
      ['Open positions', fixed(rk.openPositions, 0)],
    ]),
    table(['Rule', 'State', 'Reason', 'Since', 'Until'], rk.breakers.map((b) => h('tr', {}, cell(b.rule), cell('tripped', 'bad'), cell(b.reason), cell(time(b.sinceMs)), cell(time(b.untilMs))))));

  const detail = (d) => Object.entries(d || {}).filter(([, v]) => v !== null && typeof v !== 'object').map(([k, v]) => `${k}=${v}`).join(' ');
  const renderHistory = (page) => history.replaceChildren(history.firstChild,
    table(['Time', 'Event', 'Detail'], page.items.map((e) => h('tr', {}, cell(time(e.atMs)), cell(e.kind), cell(detail(e.detail))))));
  const renderAudit = (page) => audit.replaceChildren(audit.firstChild,
    table(['Time', 'User', 'Command', 'Arguments', 'Result'], page.items.map((a) => h('tr', { 'data-command': a.command }, cell(time(a.timeMs)), cell(a.user), cell(a.command), cell(detail(a.arguments)), cell(a.result))),
      { 'data-testid': 'audit-table' }));

  async function refreshAll() {
    const [rk, hist, au] = await Promise.all([api('/api/risk'), api('/api/risk/history?limit=20'), api('/api/audit?limit=20')]);
    renderState(rk);
    renderHistory(hist);
    renderAudit(au);
  }

  await refreshAll();
  openLive(['risk'], null, () => { refreshAll(); });
}
