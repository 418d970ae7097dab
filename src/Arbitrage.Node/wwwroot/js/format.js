// Formatting and DOM building: numbers with units, times in UTC with the local time on hover, text never parsed as HTML.

/** Creates an element; attributes and children (strings become text nodes). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const num = (v) => (v === null || v === undefined || v === '' ? NaN : Number(v));

export function fixed(v, digits, unit) {
  const n = num(v);
  if (Number.isNaN(n)) return '–';
  const s = n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return unit ? `${s} ${unit}` : s;
}

export const usd = (v) => fixed(v, 2, 'USD');
export const price = (v) => fixed(v, 2, 'USD');
export const qty = (v, unit = 'contracts') => fixed(v, 0, unit);
export const pct = (v) => fixed(num(v) * 100, 3, '%');
export function r(v) {
  const n = num(v);
  return Number.isNaN(n) ? '–' : `${n > 0 ? '+' : ''}${n.toFixed(2)} R`;
}
export const signClass = (v) => (num(v) > 0 ? 'up' : num(v) < 0 ? 'down' : '');

export function duration(seconds) {
  const s = Math.floor(num(seconds));
  if (Number.isNaN(s)) return '–';
  const d = Math.floor(s / 86400), hh = Math.floor((s % 86400) / 3600), mm = Math.floor((s % 3600) / 60);
  return d > 0 ? `${d} d ${hh} h` : hh > 0 ? `${hh} h ${mm} min` : `${mm} min ${s % 60} s`;
}

/** A UTC timestamp whose title is the viewer's local time. */
export function time(ms) {
  if (ms === null || ms === undefined) return h('span', { class: 'muted' }, '–');
  const d = new Date(Number(ms));
  const utc = d.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
  return h('time', { datetime: d.toISOString(), title: 'local: ' + d.toLocaleString() }, utc);
}

export function table(headers, rows, attrs = {}) {
  return h('table', attrs,
    h('thead', {}, h('tr', {}, headers.map((t) => h('th', { scope: 'col', class: t.endsWith(' ') ? 'num' : undefined }, t.trim())))),
    h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: headers.length, class: 'muted' }, 'none'))));
}

export const cell = (v, cls) => h('td', { class: cls }, v);
export const numCell = (v, cls) => h('td', { class: `num ${cls || ''}`.trim() }, v);

export function kv(pairs, attrs = {}) {
  return h('dl', { class: 'kv', ...attrs }, pairs.flatMap(([k, v, a]) => [h('dt', {}, k), h('dd', a || {}, v)]));
}
