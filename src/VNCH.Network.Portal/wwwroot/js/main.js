// The portal shell: top bar (navigation, language, session), hash routes (#/studies/<opaque id>: never patient data
// in the URL), and one page module per route.
import { h, clear } from './dom.js';
import { t, setLanguage, language, LANGUAGES } from './i18n.js';
import { session, signOut } from './auth.js';
import { configure, onUnauthorised } from './api.js';
import { signInPage } from './pages/signin.js';
import { studiesPage } from './pages/studies.js';
import { studyPage } from './pages/study.js';
import { uploadPage } from './pages/upload.js';
import { reportsPage } from './pages/reports.js';
import { modelsPage } from './pages/models.js';

const ROUTES = [
  { pattern: /^\/sign-in$/, page: signInPage, open: true },
  { pattern: /^\/studies$/, page: studiesPage, role: 'Studies.Read', nav: 'studies' },
  { pattern: /^\/studies\/([\w.-]+)$/, page: studyPage, role: 'Studies.Read', nav: 'studies' },
  { pattern: /^\/upload$/, page: uploadPage, role: 'Studies.Upload', nav: 'upload' },
  { pattern: /^\/reports$/, page: reportsPage, role: 'Reports.Read', nav: 'reports' },
  { pattern: /^\/models$/, page: modelsPage, role: 'Studies.Read', nav: 'models' },
];

const NAV = [
  { id: 'studies', href: '#/studies', role: 'Studies.Read' },
  { id: 'upload', href: '#/upload', role: 'Studies.Upload' },
  { id: 'reports', href: '#/reports', role: 'Reports.Read' },
  { id: 'models', href: '#/models', role: 'Studies.Read' },
];

let config = { apiBase: '', auth: { mode: 'token' } };
let notice = null;

export function go(path) {
  if (location.hash === `#${path}`) render();
  else location.hash = path;
}

export function current() {
  const [path, query = ''] = location.hash.replace(/^#/, '').split('?');
  return { path: path || '/', query: new URLSearchParams(query) };
}

function landing(user) {
  return NAV.find(item => user.has(item.role))?.href.slice(1) ?? '/sign-in';
}

let renders = 0;

/** Renders the current route; body[data-busy] is "true" until its page has loaded everything it shows (tests wait on it). */
async function render() {
  const ticket = ++renders;
  document.body.dataset.busy = 'true';
  try {
    await renderRoute();
  } finally {
    if (ticket === renders) document.body.dataset.busy = 'false';
  }
}

async function renderRoute() {
  document.documentElement.lang = language();
  document.title = t('app.name');
  document.getElementById('skip-link').textContent = t('skip');
  let { path, query } = current();
  const user = session();
  // Back from Entra ID (js/msal.js): the answer is in the fragment; the sign-in page hands it to MSAL untouched.
  if (!user && /(^|[#&/])(code|error)=/.test(location.hash)) path = '/sign-in';
  if (!user && path !== '/sign-in') {
    go('/sign-in');
    return;
  }
  if (user && (path === '/' || path === '/sign-in')) {
    go(landing(user));
    return;
  }
  const route = ROUTES.find(r => r.pattern.test(path));
  if (!route) {
    go(user ? landing(user) : '/sign-in');
    return;
  }
  topbar(user, route.nav);
  const main = clear(document.getElementById('main'));
  if (notice) {
    main.append(h('p.notice', { role: 'status', text: notice }));
    notice = null;
  }
  if (route.role && !user.has(route.role)) {
    main.append(h('h1', { text: t('app.name') }), h('p.error', { role: 'alert', text: t('forbidden') }));
    return;
  }
  const container = h('div.page');
  main.append(container);
  try {
    await route.page(container, { params: path.match(route.pattern).slice(1), query, config, user });
  } catch (error) {
    container.append(h('p.error', { role: 'alert', text: t('common.error', { detail: error.message }) }));
  }
}

function topbar(user, active) {
  const bar = clear(document.getElementById('topbar'));
  const brand = h('div.brand', {}, h('span.logo', { 'aria-hidden': 'true' }), h('span.brand-name', { text: t('app.name') }), h('span.brand-tagline', { text: t('app.tagline') }));
  const nav = h('nav', { 'aria-label': t('nav.label') }, h('ul', {},
    user ? NAV.filter(item => user.has(item.role)).map(item =>
      h('li', {}, h('a', { href: item.href, 'aria-current': item.id === active ? 'page' : null, text: t(`nav.${item.id}`) }))) : []));
  const languageSelect = h('select#language', { onchange: e => { setLanguage(e.target.value); render(); } },
    LANGUAGES.map(l => h('option', { value: l.code, selected: l.code === language(), lang: l.code, text: l.name })));
  const tools = h('div.tools', {},
    h('label.inline', { for: 'language' }, t('lang.label')), languageSelect,
    user ? [
      h('span.who', { text: t('session.as', { subject: user.subject, tenant: user.tenant }) }),
      h('button.secondary', { type: 'button', id: 'sign-out', onclick: () => { signOut(); go('/sign-in'); } }, t('nav.signOut')),
    ] : []);
  bar.append(brand, nav, tools);
}

async function start() {
  try {
    const response = await fetch('config.json', { cache: 'no-store' });
    if (response.ok) config = await response.json();
  } catch {
    // the defaults: same origin, pasted tokens
  }
  configure(config);
  onUnauthorised(() => {
    if (current().path === '/sign-in') return; // the sign-in page explains a refused token itself
    signOut();
    notice = t('signin.ended');
    go('/sign-in');
  });
  document.getElementById('skip-link').addEventListener('click', e => {
    e.preventDefault();
    document.getElementById('main').focus();
  });
  window.addEventListener('hashchange', render);
  await render();
}

start();
