const form = document.getElementById('login-form');
const error = document.getElementById('login-error');

// Only a path of this site: never an absolute or protocol-relative URL from the query string.
function next() {
  const n = new URLSearchParams(location.search).get('next') || '/';
  return n.startsWith('/') && !n.startsWith('//') && !n.startsWith('/\\') ? n : '/';
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  error.textContent = '';
  const body = { username: form.username.value.trim(), password: form.password.value };
  const res = await fetch('/ui/session/login', {
    method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body),
  });
  if (res.ok) {
    location.assign(next());
    return;
  }
  let detail = `login failed (HTTP ${res.status})`;
  try {
    const p = await res.json();
    detail = p.errors ? Object.entries(p.errors).map(([k, v]) => `${k}: ${v}`).join('; ') : (p.detail || detail);
  } catch { /* keep the status line */ }
  error.textContent = detail;
  form.password.focus();
});
