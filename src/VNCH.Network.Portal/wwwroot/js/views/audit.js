import { h } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { getJson, ApiError } from '../api.js';

/** GET /api/v1/studies/{id}/audit: who did what to this study, when, with what outcome. */
export async function auditView(studyPath) {
  let data;
  try {
    ({ data } = await getJson(`${studyPath}/audit`));
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 405)) return h('p', { text: t('audit.unavailable') });
    throw error;
  }
  const records = Array.isArray(data) ? data : data.items ?? data.records ?? [];
  if (records.length === 0) return h('p', { text: t('common.none') });
  return h('table.data.compact.audit-table', {},
    h('thead', {}, h('tr', {}, ['audit.when', 'audit.who', 'audit.action', 'audit.outcome'].map(k => h('th', { scope: 'col', text: t(k) })))),
    h('tbody', {}, records.map(r => h('tr', {},
      h('td', { text: formatDateTime(r.at ?? r.time ?? r.timestamp ?? r.occurredAt) }),
      h('td', { text: r.who ?? r.subject ?? r.actor ?? '' }),
      h('td', { text: [r.action, r.detail].filter(Boolean).join(' — ') }),
      h('td', { text: r.outcome ?? '' })))));
}
