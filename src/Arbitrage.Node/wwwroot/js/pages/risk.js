import { api } from '../session.js';
import { openLive } from '../live.js';
import { confirmDialog } from '../confirm.js';
import { h, r, usd, time, table, cell, numCell, kv, fixed, signClass, duration } from '../format.js';

// The guard's parameters as PUT /api/ops/risk/parameters names them, with their units.
const PARAMETERS = [
  ['riskPerTradeUsd', 'Risk per trade', 'USD'],
  ['dailyLossLimitR', 'Daily loss limit', 'R'],
  ['maxConsecutiveLosses', 'Max consecutive losses', 'losses'],
  ['consecutiveLossPauseMs', 'Pause after the losses', 'ms'],
  ['disconnectGraceMs', 'Disconnect grace', 'ms'],
  ['minBalanceInR', 'Minimum balance', 'R'],
  ['staleDataMs', 'Stale data after', 'ms'],
  ['holdAlertMs', 'Hold alert after', 'ms'],
  ['holdForceCloseMs', 'Force close after', 'ms'],
];

const showParameter = (v, unit) => (unit === 'ms' ? `${fixed(v, 0, 'ms')} (${duration(Number(v) / 1000)})` : fixed(v, unit === 'losses' ? 0 : 2, unit));

/**
 * The risk state and its rules, the guard's parameters, the strategies, the guard's history, the recent audit log; for
 * operators the kill switch and resume, strategy enable/disable and parameter edits, each confirmed in a dialog first.
 */
export async function riskPage(main, ctx) {
  const state = h('section', { class: 'card', 'data-testid': 'risk-state' }, h('h2', {}, 'Rules and state'));
  const params = h('section', { class: 'card', 'data-testid': 'risk-parameters' }, h('h2', {}, 'Risk parameters'));
  const strategies = h('section', { class: 'card', 'data-testid': 'strategies' }, h('h2', {}, 'Strategies'));
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
  sections.push(params);
  main.replaceChildren(h('h1', {}, 'Risk'), h('div', { class: 'grid' }, ...sections), strategies, h('div', { class: 'grid' }, history, audit));

  async function run(path, body, method = 'POST') {
    message.textContent = '';
    try {
      const res = await api(path, { method, body });
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

  // The current values for everyone; for operators an editing form whose changed fields only are sent.
  const renderParameters = (p) => {
    const values = kv(PARAMETERS.map(([key, label, unit]) => [label, showParameter(p[key], unit), { 'data-parameter': key }]), { 'data-testid': 'parameter-values' });
    if (!ctx.canOperate) { params.replaceChildren(params.firstChild, values); return; }
    const inputs = PARAMETERS.map(([key, label, unit]) => h('label', { class: 'field' }, `${label} (${unit})`,
      h('input', { type: 'number', name: key, id: 'param-' + key, value: p[key], step: 'any', min: 0, inputmode: 'decimal' })));
    const form = h('form', { class: 'params', 'data-testid': 'parameters-form' }, inputs, h('div', { class: 'controls' }, h('button', { type: 'submit', 'data-testid': 'apply-parameters' }, 'Apply changes')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const patch = {};
      for (const [key, , unit] of PARAMETERS) {
        const raw = form.elements[key].value.trim();
        if (raw === '' || Number(raw) === Number(p[key])) continue;
        patch[key] = unit === 'ms' || unit === 'losses' ? Math.trunc(Number(raw)) : Number(raw);
      }
      const changes = Object.entries(patch);
      if (!changes.length) { message.className = 'error'; message.textContent = 'parameters: nothing changed'; return; }
      const list = h('ul', {}, changes.map(([k, v]) => {
        const [, label, unit] = PARAMETERS.find(([key]) => key === k);
        return h('li', {}, `${label}: ${showParameter(p[k], unit)} → ${showParameter(v, unit)}`);
      }));
      if (!await confirmDialog('Change the risk parameters?', list, 'Apply')) return;
      await run('/api/ops/risk/parameters', patch, 'PUT');
    });
    params.replaceChildren(params.firstChild, values, form);
  };

  const renderStrategies = (list) => strategies.replaceChildren(strategies.firstChild,
    table(['Strategy', 'Version', 'State', 'Threshold ', 'Symbols', 'Signals ', 'Best score ', ...(ctx.canOperate ? ['Control'] : [])], list.map((s) => {
      const row = h('tr', { 'data-strategy': s.id },
        cell(s.id), cell(s.version), cell(s.problem ? `problem: ${s.problem}` : s.enabled ? (s.running ? 'enabled, running' : 'enabled') : 'disabled', s.problem ? 'bad' : s.enabled ? 'ok' : 'warn'),
        numCell(fixed(s.threshold, 2, 'pt')), cell(s.symbols.join(', ') || 'all'), numCell(fixed(s.signals, 0)), numCell(fixed(s.bestScore, 2, 'pt')));
      if (ctx.canOperate) {
        const verb = s.enabled ? 'disable' : 'enable';
        const button = h('button', { type: 'button', 'data-testid': `strategy-${verb}`, class: s.enabled ? 'danger' : undefined }, s.enabled ? 'Disable' : 'Enable');
        button.addEventListener('click', async () => {
          const text = s.enabled ? `Strategy ${s.id} stops emitting signals (open positions stay managed).` : `Strategy ${s.id} starts emitting signals again.`;
          if (!await confirmDialog(`${s.enabled ? 'Disable' : 'Enable'} ${s.id}?`, text, s.enabled ? 'Disable' : 'Enable')) return;
          await run(`/api/ops/strategies/${encodeURIComponent(s.id)}/${verb}`);
        });
        row.append(cell(button));
      }
      return row;
    }), { 'data-testid': 'strategies-table' }));

  const detail = (d) => Object.entries(d || {}).filter(([, v]) => v !== null && typeof v !== 'object').map(([k, v]) => `${k}=${v}`).join(' ');
  const renderHistory = (page) => history.replaceChildren(history.firstChild,
    table(['Time', 'Event', 'Detail'], page.items.map((e) => h('tr', {}, cell(time(e.atMs)), cell(e.kind), cell(detail(e.detail))))));
  const renderAudit = (page) => audit.replaceChildren(audit.firstChild,
    table(['Time', 'User', 'Command', 'Arguments', 'Result'], page.items.map((a) => h('tr', { 'data-command': a.command }, cell(time(a.timeMs)), cell(a.user), cell(a.command), cell(detail(a.arguments)), cell(a.result))),
      { 'data-testid': 'audit-table' }), h('p', {}, h('a', { href: '/audit' }, 'Full audit log')));

  let shownParameters = '';
  async function refreshAll() {
    const [rk, hist, au, st] = await Promise.all([api('/api/risk'), api('/api/risk/history?limit=20'), api('/api/audit?limit=20'), api('/api/strategies')]);
    renderState(rk);
    // The form is rebuilt only when the values changed: a live event must not wipe what an operator is typing.
    const p = JSON.stringify(rk.parameters);
    if (p !== shownParameters) { shownParameters = p; renderParameters(rk.parameters); }
    renderStrategies(st);
    renderHistory(hist);
    renderAudit(au);
  }

  await refreshAll();
  openLive(['risk', 'strategies'], null, () => { refreshAll(); });
}
