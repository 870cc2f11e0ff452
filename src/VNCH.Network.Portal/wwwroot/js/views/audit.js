import { h } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { getJson, ApiError } from '../api.js';

/** Records per page of the trail (the API's default is 100; a page is one request). */
export const AUDIT_PAGE_SIZE = 25;

/**
 * GET /api/v1/studies/{id}/audit: who did what to this study, when, with what outcome; oldest first, one page at a
 * time. "Show more" follows the API's continuation token and appends the next page to the same table.
 */
export async function auditView(studyPath) {
  const page = token => getJson(`${studyPath}/audit?${new URLSearchParams(token ? { pageSize: AUDIT_PAGE_SIZE, continuationToken: token } : { pageSize: AUDIT_PAGE_SIZE })}`);
  let data;
  try {
    ({ data } = await page(null));
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 405)) return h('p', { text: t('audit.unavailable') });
    throw error;
  }
  if (data.items.length === 0 && !data.continuationToken) return h('p', { text: t('common.none') });
  const body = h('tbody');
  const status = h('p.audit-count', { role: 'status' });
  const more = h('button.secondary#audit-more', { type: 'button', text: t('audit.more') });
  let shown = 0;
  const show = result => {
    body.append(...result.items.map(row));
    shown += result.items.length;
    status.textContent = t(result.continuationToken ? 'audit.shownMore' : 'audit.shownAll', { n: shown });
    more.hidden = !result.continuationToken;
    more.dataset.token = result.continuationToken ?? '';
  };
  more.addEventListener('click', async () => {
    more.disabled = true;
    try {
      show((await page(more.dataset.token)).data);
    } catch (error) {
      status.textContent = t('common.error', { detail: error.message });
    } finally {
      more.disabled = false;
    }
  });
  show(data);
  return [
    h('table.data.compact.audit-table', {},
      h('thead', {}, h('tr', {}, ['audit.when', 'audit.who', 'audit.action', 'audit.outcome'].map(k => h('th', { scope: 'col', text: t(k) })))),
      body),
    status,
    h('div.actions', {}, more),
  ];
}

function row(r) {
  return h('tr', {},
    h('td', { text: formatDateTime(r.time) }),
    h('td', { text: r.actor ?? '' }),
    h('td', { text: [r.action, r.detail].filter(Boolean).join(' — ') }),
    h('td', { text: r.outcome ?? '' }));
}
