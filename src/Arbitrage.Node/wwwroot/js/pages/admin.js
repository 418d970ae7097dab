import { api } from '../session.js';
import { confirmDialog } from '../confirm.js';
import { h, time, table, cell } from '../format.js';

const ROLES = ['viewer', 'operator', 'admin'];

/** Users with their roles (change role, ban, unban) and invites (the code is shown once): admins only, as the API enforces. */
export async function adminPage(main, ctx) {
  if (!ctx.isAdmin) {
    main.replaceChildren(h('h1', {}, 'Admin'), h('p', { class: 'error', 'data-testid': 'admin-refused' }, `Admins only: you are logged in as ${ctx.user} (${ctx.role}).`));
    return;
  }

  const users = h('section', { class: 'card', 'data-testid': 'users' }, h('h2', {}, 'Users'));
  const message = h('p', { class: 'error', role: 'alert', 'data-testid': 'admin-message' });
  const inviteRole = h('select', { id: 'invite-role', 'aria-label': 'Role of the invite' }, ROLES.map((r) => h('option', { value: r }, r)));
  const inviteHours = h('input', { id: 'invite-hours', type: 'number', min: 1, max: 720, step: 1, 'aria-label': 'Invite valid for (hours)', placeholder: 'hours (default)' });
  const create = h('button', { type: 'button', 'data-testid': 'invite-create' }, 'Create invite');
  const invite = h('div', { 'data-testid': 'invite', 'aria-live': 'polite' });
  const invites = h('section', { class: 'card', 'data-testid': 'invites' }, h('h2', {}, 'Invites'),
    h('div', { class: 'controls' }, inviteRole, inviteHours, create), invite);
  main.replaceChildren(h('h1', {}, 'Admin'), message, users, invites);

  async function act(title, text, label, path, method, body) {
    if (!await confirmDialog(title, text, label)) return;
    message.textContent = '';
    try {
      await api(path, { method, body });
      message.className = 'ok';
      message.textContent = `${title.replace(/\?$/, '')}: done`;
    } catch (e) {
      message.className = 'error';
      message.textContent = e.message;
    }
    await refresh();
  }

  const renderUsers = (list) => users.replaceChildren(users.firstChild, table(['User', 'Role', 'Status', 'Created', 'Change role', 'Access'], list.map((u) => {
    const name = encodeURIComponent(u.username);
    const role = h('select', { 'aria-label': `Role of ${u.username}`, 'data-testid': 'user-role' }, ROLES.map((r) => h('option', { value: r, selected: r === u.role }, r)));
    const setRole = h('button', { type: 'button', 'data-testid': 'user-set-role' }, 'Set');
    setRole.addEventListener('click', () => act(`Make ${u.username} ${role.value}?`, `${u.username}'s role changes from ${u.role} to ${role.value} at the next login or token refresh.`,
      'Change role', `/api/admin/users/${name}/role`, 'PUT', { role: role.value }));
    const ban = h('button', { type: 'button', class: u.banned ? undefined : 'danger', 'data-testid': u.banned ? 'user-unban' : 'user-ban' }, u.banned ? 'Unban' : 'Ban');
    ban.addEventListener('click', () => (u.banned
      ? act(`Unban ${u.username}?`, `${u.username} may log in again.`, 'Unban', `/api/admin/users/${name}/unban`, 'POST')
      : act(`Ban ${u.username}?`, `${u.username} can no longer log in and their sessions end.`, 'Ban', `/api/admin/users/${name}/ban`, 'POST')));
    return h('tr', { 'data-user': u.username }, cell(u.username), cell(u.role, 'user-role'), cell(u.banned ? 'banned' : 'active', u.banned ? 'bad' : 'ok'),
      cell(time(Date.parse(u.createdAt))), cell(h('span', { class: 'controls inline' }, role, setRole)), cell(ban));
  }), { 'data-testid': 'users-table' }));

  async function refresh() {
    renderUsers(await api('/api/admin/users'));
  }

  // The code exists only in this answer: shown once, never stored by the page.
  create.addEventListener('click', async () => {
    const body = { role: inviteRole.value };
    if (inviteHours.value.trim()) body.expiresHours = Math.trunc(Number(inviteHours.value));
    if (!await confirmDialog(`Create a ${body.role} invite?`, 'Whoever holds the code can register once with this role until it expires.', 'Create invite')) return;
    message.textContent = '';
    try {
      const res = await api('/api/admin/invites', { method: 'POST', body });
      const expires = Date.parse(res.expiresAt);
      invite.replaceChildren(h('p', {}, `A ${res.role} invite, valid until `, time(expires), '. Copy it now: it is not shown again.'),
        h('output', { class: 'code', 'data-testid': 'invite-code' }, res.code),
        h('p', { class: 'hint' }, 'Register at ', h('a', { href: '/register' }, '/register'), ' with this code.'));
    } catch (e) {
      message.className = 'error';
      message.textContent = e.message;
    }
  });

  await refresh();
}
