// Registers with an invite (POST /api/auth/register: no session involved), then opens a session as the login page does.
const form = document.getElementById('register-form');
const error = document.getElementById('register-error');

async function post(path, body) {
  const res = await fetch(path, {
    method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body),
  });
  if (res.ok) return null;
  try {
    const p = await res.json();
    return p.errors ? Object.entries(p.errors).map(([k, v]) => `${k}: ${v}`).join('; ') : (p.detail || `HTTP ${res.status}`);
  } catch {
    return `HTTP ${res.status}`;
  }
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  error.textContent = '';
  const username = form.username.value.trim();
  const password = form.password.value;
  const problem = await post('/api/auth/register', { inviteCode: form.invite.value.trim(), username, password })
    ?? await post('/ui/session/login', { username, password });
  if (problem) {
    error.textContent = problem;
    return;
  }
  location.assign('/');
});
