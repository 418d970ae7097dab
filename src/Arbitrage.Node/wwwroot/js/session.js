// The browser session: the access and refresh tokens live in HttpOnly cookies the page never sees; the page only
// echoes the CSRF cookie in the X-CSRF-Token header of every state-changing request, and refreshes the session
// shortly before the access token expires. Nothing is kept in localStorage or sessionStorage.
const CSRF_COOKIE = 'arb_csrf';
let refreshTimer = 0;

export function csrfToken() {
  const entry = document.cookie.split('; ').find((c) => c.startsWith(CSRF_COOKIE + '='));
  return entry ? decodeURIComponent(entry.slice(CSRF_COOKIE.length + 1)) : '';
}

/** A problem answer (RFC 9457) as an error whose message is the server's detail. */
export class ApiError extends Error {
  constructor(status, detail) {
    super(detail || `HTTP ${status}`);
    this.status = status;
  }
}

function send(path, method, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers['X-CSRF-Token'] = csrfToken();
  return fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
}

export function toLogin() {
  const here = location.pathname + location.search;
  location.assign('/login' + (here === '/' ? '' : '?next=' + encodeURIComponent(here)));
}

let inFlight = null;

/**
 * Rotates the session cookies; false when there is no valid session any more. One rotation at a time: a refresh token
 * presented twice counts as stolen and revokes the whole login, so parallel 401s share one refresh.
 */
export function refresh() {
  inFlight ??= (async () => {
    try {
      const res = await send('/ui/session/refresh', 'POST');
      if (!res.ok) return false;
      schedule((await res.json()).expiresAt);
      return true;
    } finally {
      inFlight = null;
    }
  })();
  return inFlight;
}

/** Refreshes a minute before the access token expires (one timer, not a polling loop). */
export function schedule(expiresAt) {
  clearTimeout(refreshTimer);
  const wait = Math.max(5000, new Date(expiresAt).getTime() - Date.now() - 60000);
  refreshTimer = setTimeout(() => { refresh().then((ok) => { if (!ok) toLogin(); }); }, wait);
}

/** Calls the API with the session cookie; a 401 refreshes once, then sends to the login page. */
export async function api(path, { method = 'GET', body } = {}) {
  let res = await send(path, method, body);
  if (res.status === 401 && await refresh()) res = await send(path, method, body);
  if (res.status === 401) {
    toLogin();
    throw new ApiError(401, 'not logged in');
  }
  if (!res.ok) {
    let detail = '';
    try { detail = (await res.json()).detail; } catch { /* not a problem document */ }
    throw new ApiError(res.status, detail);
  }
  return res.status === 204 ? null : res.json();
}

export async function logout() {
  clearTimeout(refreshTimer);
  await send('/ui/session/logout', 'POST');
  location.assign('/login');
}
