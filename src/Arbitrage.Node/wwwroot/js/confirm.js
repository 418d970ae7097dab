// A modal confirmation with real buttons (a <dialog>): every state-changing control of the dashboard asks first.
import { h } from './format.js';

/** Resolves true only on the confirm button; Cancel, Escape or closing resolve false. `text` may be a string or nodes. */
export function confirmDialog(title, text, confirmLabel) {
  return new Promise((resolve) => {
    const yes = h('button', { type: 'button', class: 'danger', 'data-testid': 'confirm-yes' }, confirmLabel);
    const no = h('button', { type: 'button', 'data-testid': 'confirm-no' }, 'Cancel');
    const body = typeof text === 'string' ? h('p', {}, text) : text;
    const dialog = h('dialog', { 'aria-labelledby': 'confirm-title' }, h('h2', { id: 'confirm-title' }, title), body, h('div', { class: 'controls' }, yes, no));
    const done = (answer) => { dialog.close(); dialog.remove(); resolve(answer); };
    yes.addEventListener('click', () => done(true));
    no.addEventListener('click', () => done(false));
    dialog.addEventListener('cancel', () => done(false));
    document.body.append(dialog);
    dialog.showModal();
    no.focus();
  });
}
