import { h } from '../dom.js';
import { t } from '../i18n.js';
import { signIn, signOut } from '../auth.js';
import { request, ApiError } from '../api.js';
import { go } from '../main.js';

/** Development sign-in: the user pastes a token; one API call proves the server accepts it before we go on. */
export async function signInPage(container, { config }) {
  if (config?.auth?.mode === 'msal') {
    await msalSignIn(container, config.auth);
    return;
  }
  const error = h('p.error#signin-error', { role: 'alert', hidden: true });
  const input = h('textarea#token', { name: 'token', rows: 4, required: true, autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'signin-help signin-error' });
  const form = h('form.card.signin', { novalidate: true },
    h('h1', { text: t('signin.title') }),
    h('p#signin-help', { text: t('signin.intro') }),
    h('pre.command', {}, h('code', { text: t('signin.command') })),
    h('label', { for: 'token', text: t('signin.token') }),
    input,
    error,
    h('div.actions', {}, h('button', { type: 'submit', text: t('signin.submit') })));
  form.addEventListener('submit', async e => {
    e.preventDefault();
    const result = signIn(input.value);
    if (!result.ok) {
      show(error, t(`signin.${result.reason}`));
      input.focus();
      return;
    }
    try {
      await request('/api/health');
      const roles = result.claims.roles ?? [];
      // Ask a route the token's roles allow: a token of another server's key is refused here, not later.
      if (roles.includes('Studies.Read')) await request('/api/v1/studies?pageSize=1');
      go('/');
    } catch (failure) {
      signOut();
      show(error, t('signin.rejected', { detail: failure instanceof ApiError ? failure.message : String(failure) }));
      input.focus();
    }
  });
  container.append(form);
  input.focus();
}

/** Entra ID: back from the redirect with a token, or a button that starts it (js/msal.js). */
async function msalSignIn(container, auth) {
  const { completeSignIn, startSignIn } = await import('../msal.js');
  const error = h('p.error', { role: 'alert', hidden: true });
  container.append(h('div.card.signin', {}, h('h1', { text: t('signin.title') }),
    h('button', { type: 'button', onclick: () => startSignIn(auth).catch(e => show(error, e.message)), text: t('signin.msal') }), error));
  try {
    const accessToken = await completeSignIn(auth);
    if (accessToken && signIn(accessToken).ok) go('/');
  } catch (failure) {
    show(error, t('signin.rejected', { detail: failure.message }));
  }
}

function show(element, text) {
  element.textContent = text;
  element.hidden = false;
}
