import { signIn } from '../api';
import { h, show } from '../dom';
import { label, t } from '../messages';
import { heading } from '../view';

interface DemoUser {
  id: string;
  name: string;
  roles: string[];
  token: string;
}

/** Sign-in: paste a token; in development, or pick a demo user (GET /console/dev-tokens, absent in production). */
export async function signInPage(main: HTMLElement, done: () => void): Promise<void> {
  const error = h('p', { class: 'field-error', id: 'token-error', role: 'alert' });
  const tokenInput = h('textarea', {
    id: 'token',
    name: 'token',
    rows: 4,
    'aria-describedby': 'token-hint token-error',
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const form = h(
    'form',
    { class: 'action-form', novalidate: true },
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'token' }, t('signin.token')),
      tokenInput,
      h('p', { class: 'hint', id: 'token-hint' }, t('signin.tokenHint')),
      error,
    ),
    h('button', { type: 'submit' }, t('signin.submit')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (await signIn(tokenInput.value.trim())) done();
    else error.textContent = t('signin.invalid');
  });
  const demo = h('section', { 'aria-labelledby': 'demo-users' });
  show(main, heading(t('signin.title')), form, demo);

  const response = await fetch('/console/dev-tokens').catch(() => null);
  if (!response?.ok) return;
  const users = (await response.json()) as { users: DemoUser[] };
  show(
    demo,
    h('h2', { id: 'demo-users' }, t('signin.demoUsers')),
    h(
      'ul',
      { class: 'demo-users' },
      users.users.map((u) =>
        h(
          'li',
          {},
          h(
            'button',
            { type: 'button', 'data-user': u.id, onclick: async () => ((await signIn(u.token)) ? done() : (error.textContent = t('signin.invalid'))) },
            t('signin.as', { user: `${u.id} ${u.name}` }),
          ),
          ' ',
          h('span', { class: 'hint' }, u.roles.map((r) => label('role', r)).join(', ')),
        ),
      ),
    ),
  );
}
