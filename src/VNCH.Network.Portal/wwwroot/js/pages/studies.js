import { h, clear } from '../dom.js';
import { t, formatDateTime, formatNumber } from '../i18n.js';
import { getJson } from '../api.js';
import { go } from '../main.js';
import { reviewState, concept, value } from '../views/analysis.js';

const STATUSES = ['received', 'queued', 'analysing', 'completed', 'reviewed', 'rejected', 'failed', 'no-analyser'];
const REVIEW_STATES = ['pending', 'reviewed'];
const KINDS = ['imaging', 'ecg', 'audiogram', 'unknown'];
const PAGE_SIZES = [10, 20, 50];

/**
 * The hospital's study list. Filters live in the hash (#/studies?status=completed&kind=ecg: no patient data);
 * paging follows the API's continuation tokens, kept in memory for "previous".
 */
export async function studiesPage(container, { query, user }) {
  const filters = {
    status: query.get('status') ?? '',
    review: query.get('review') ?? '',
    kind: query.get('kind') ?? '',
    since: query.get('since') ?? '',
    pageSize: Number(query.get('pageSize') ?? 20),
  };
  container.append(h('h1', { text: t('studies.title') }));
  const form = h('form.filters', { 'aria-label': t('studies.filters') },
    field('filter-status', t('studies.status'), select('filter-status', 'status', STATUSES, filters.status, v => t(`status.${v}`))),
    field('filter-review', t('studies.review'), select('filter-review', 'review', REVIEW_STATES, filters.review, v => t(`review.filter.${v}`))),
    field('filter-kind', t('studies.kind'), select('filter-kind', 'kind', KINDS, filters.kind, v => t(`kind.${v}`))),
    field('filter-since', t('studies.since'), h('input#filter-since', { type: 'date', name: 'since', value: filters.since })),
    field('filter-size', t('studies.pageSize'), h('select#filter-size', { name: 'pageSize' },
      PAGE_SIZES.map(n => h('option', { value: n, selected: n === filters.pageSize, text: n })))),
    h('button', { type: 'submit', text: t('common.apply') }));
  form.addEventListener('submit', e => {
    e.preventDefault();
    const data = new URLSearchParams([...new FormData(form)].filter(([, v]) => v !== ''));
    go(`/studies?${data}`);
  });
  container.append(form);
  const results = h('div.results', { 'aria-live': 'polite' });
  container.append(results);

  const tokens = [null];
  const load = async index => {
    clear(results).append(h('p', { text: t('common.loading') }));
    const api = new URLSearchParams({ pageSize: String(filters.pageSize) });
    if (filters.status) api.set('status', filters.status);
    if (filters.kind) api.set('kind', filters.kind);
    if (filters.review) api.set('review', filters.review);
    if (filters.since) api.set('since', new Date(`${filters.since}T00:00:00+07:00`).toISOString());
    if (tokens[index]) api.set('continuationToken', tokens[index]);
    const { data } = await getJson(`/api/v1/studies?${api}`);
    tokens[index + 1] = data.continuationToken;
    clear(results).append(table(data.items, user), pager(index, data.continuationToken, load));
  };
  await load(0);
}

function field(id, label, control) {
  return h('div.field', {}, h('label', { for: id, text: label }), control);
}

function select(id, name, values, selected, label) {
  return h(`select#${id}`, { name }, h('option', { value: '', text: t('common.all') }),
    values.map(v => h('option', { value: v, selected: v === selected, text: label(v) })));
}

function table(items, user) {
  if (items.length === 0) return h('p.empty', { text: t('studies.empty') });
  return h('table.data.studies', {},
    h('caption', { text: t('studies.caption', { tenant: user.tenant }) }),
    h('thead', {}, h('tr', {}, ['studies.received', 'studies.kind', 'studies.modality', 'studies.status', 'studies.finding', 'studies.review']
      .map(key => h('th', { scope: 'col', text: t(key) })))),
    h('tbody', {}, items.map(study => h('tr', { dataset: { study: study.id } },
      h('td', {}, h('a', { href: `#/studies/${encodeURIComponent(study.id)}`, text: formatDateTime(study.createdAt) })),
      h('td', { text: t(`kind.${study.kind}`) }),
      h('td', { text: study.modality ?? '' }),
      h('td', {}, h(`span.badge.status-${study.status}`, { text: t(`status.${study.status}`) }),
        study.reason ? h('span.reason', { text: ` ${study.reason.code}` }) : null),
      h('td.finding', {}, (study.analyses ?? []).map(findingLine)),
      h('td.review', {}, reviewBadge({ summary: study }))))));
}

/** One analysis of the list's finding summary (docs/api.md): its conclusion or top finding, and the score it was judged on. */
function findingLine(analysis) {
  const top = analysis.topFinding;
  if (analysis.conclusionCode || !top) {
    const label = analysis.conclusionCode?.display ?? analysis.label ?? analysis.analyser.id;
    const score = typeof analysis.score === 'number' ? ` (${formatNumber(analysis.score, 2)})` : '';
    return h('span.finding-line', { dataset: { analyser: analysis.analyser.id }, text: `${label}${score}` });
  }
  // An algorithm's measurement: its name, value and interpretation (e.g. "QTc: 452 ms, High").
  const flag = top.interpretation && top.interpretation.code !== 'N' ? `, ${concept(top.interpretation)}` : '';
  return h('span.finding-line', { dataset: { analyser: analysis.analyser.id }, text: `${concept(top.code)}: ${value(top.value)}${flag}` });
}

function reviewBadge(detail) {
  const state = reviewState(detail);
  return h(`span.badge.review-${state}`, { text: t(`review.state.${state}`) });
}

function pager(index, next, load) {
  return h('nav.pager', { 'aria-label': t('studies.page', { n: index + 1 }) },
    h('button.secondary', { type: 'button', disabled: index === 0, onclick: () => load(index - 1), text: t('studies.previous') }),
    h('span', { text: t('studies.page', { n: index + 1 }) }),
    h('button.secondary', { type: 'button', disabled: !next, onclick: () => load(index + 1), text: t('studies.next') }));
}
