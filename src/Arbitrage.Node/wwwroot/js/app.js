import { api, logout, schedule } from './session.js';
import { overview } from './pages/overview.js';
import { symbolPage } from './pages/symbol.js';
import { riskPage } from './pages/risk.js';

const pages = { '/': overview, '/symbol': symbolPage, '/risk': riskPage };

async function boot() {
  const session = await api('/ui/session');
  schedule(session.expiresAt);
  const ctx = {
    user: session.username,
    role: session.role,
    canOperate: session.role === 'operator' || session.role === 'admin',
  };
  document.getElementById('who').textContent = `${session.username} (${session.role})`;
  document.getElementById('logout').addEventListener('click', logout);
  for (const a of document.querySelectorAll('nav a')) {
    if (a.dataset.nav === location.pathname) a.setAttribute('aria-current', 'page');
  }
  const main = document.getElementById('main');
  const render = pages[location.pathname] || overview;
  await render(main, ctx);
  main.dataset.ready = 'true';
}

boot().catch((e) => {
  const main = document.getElementById('main');
  main.textContent = `The dashboard could not load: ${e.message}`;
  main.className = 'error';
});
