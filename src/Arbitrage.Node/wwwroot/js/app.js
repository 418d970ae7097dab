import { api, logout, schedule } from './session.js';
import { opened } from './live.js';
import { overview } from './pages/overview.js';
import { symbolPage } from './pages/symbol.js';
import { signalsPage } from './pages/signals.js';
import { tradesPage } from './pages/trades.js';
import { fundingPage } from './pages/funding.js';
import { trianglesPage } from './pages/triangles.js';
import { riskPage } from './pages/risk.js';
import { auditPage } from './pages/audit.js';
import { reportsPage } from './pages/reports.js';
import { adminPage } from './pages/admin.js';

const pages = {
  '/': overview, '/symbol': symbolPage, '/signals': signalsPage, '/trades': tradesPage, '/funding': fundingPage, '/triangles': trianglesPage,
  '/risk': riskPage, '/reports': reportsPage, '/audit': auditPage, '/admin': adminPage,
};

async function boot() {
  const session = await api('/ui/session');
  schedule(session.expiresAt);
  const ctx = {
    user: session.username,
    role: session.role,
    canOperate: session.role === 'operator' || session.role === 'admin',
    isAdmin: session.role === 'admin',
  };
  document.getElementById('who').textContent = `${session.username} (${session.role})`;
  document.getElementById('logout').addEventListener('click', logout);
  for (const a of document.querySelectorAll('nav a')) {
    // A page for a role the user lacks is not offered (the API refuses its calls anyway).
    if (a.dataset.role === 'admin' && !ctx.isAdmin) a.remove();
    else if (a.dataset.nav === location.pathname) a.setAttribute('aria-current', 'page');
  }
  const main = document.getElementById('main');
  const render = pages[location.pathname] || overview;
  await render(main, ctx);
  // Pages without a stream (funding, reports, audit, admin) say so instead of "connecting".
  if (!opened()) {
    const badge = document.getElementById('live');
    badge.textContent = 'read on open';
    badge.title = 'This page has no live stream: reload it to update.';
  }
  main.dataset.ready = 'true';
}

boot().catch((e) => {
  const main = document.getElementById('main');
  main.textContent = `The dashboard could not load: ${e.message}`;
  main.className = 'error';
});
