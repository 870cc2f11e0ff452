import { h, clear, saveBlob } from '../dom.js';
import { t, formatNumber, formatDateTime } from '../i18n.js';
import { getJson, request, ApiError } from '../api.js';
import { barChart, lineChart, legendNote } from '../views/charts.js';

const GRAINS = ['week', 'month', 'quarter', 'year'];
const INDICATORS = ['pediatric-cxr-pneumonia/result', 'ecg-intervals/result', 'audiometry/result'];
const AGE_BANDS = ['0-27d', '28d-23m', '2-11y', '12-15y', '16-17y', '18y+', 'unknown'];

/** The API's representations of a table (docs/reporting.md, Formats): the media type asked for and the file's ending. */
const DOWNLOADS = [
  { id: 'csv', accept: 'text/csv', extension: 'csv' },
  { id: 'adx', accept: 'application/adx+xml', extension: 'adx.xml' },
  { id: 'dhis2', accept: 'application/vnd.dhis2.datavaluesets+json', extension: 'dhis2.json' },
  { id: 'fhir', accept: 'application/fhir+json', extension: 'fhir.json' },
];

/**
 * The association's view of the network report (docs/reporting.md): a trend per period and kind, bars per age band
 * and province, findings per indicator; every chart with its table, suppressed cells shown as such, and each table
 * downloadable as CSV, DHIS2 ADX, DHIS2 dataValueSets and FHIR MeasureReport from the API with the same filters.
 */
export async function reportsPage(container, { query }) {
  const grain = GRAINS.includes(query.get('grain')) ? query.get('grain') : 'week';
  const from = query.get('from') ?? '';
  const to = query.get('to') ?? '';
  const common = new URLSearchParams({ grain });
  if (from) common.set('from', from);
  if (to) common.set('to', to);

  const form = h('form.filters', { 'aria-label': t('studies.filters') },
    h('div.field', {}, h('label', { for: 'report-grain', text: t('reports.grain') }),
      h('select#report-grain', { name: 'grain' }, GRAINS.map(g => h('option', { value: g, selected: g === grain, text: t(`reports.${g}`) })))),
    h('div.field', {}, h('label', { for: 'report-from', text: t('reports.from') }), h('input#report-from', { type: 'date', name: 'from', value: from })),
    h('div.field', {}, h('label', { for: 'report-to', text: t('reports.to') }), h('input#report-to', { type: 'date', name: 'to', value: to })),
    h('button', { type: 'submit', text: t('common.apply') }));
  form.addEventListener('submit', e => {
    e.preventDefault();
    location.hash = `/reports?${new URLSearchParams([...new FormData(form)].filter(([, v]) => v !== ''))}`;
  });

  const trendQuery = new URLSearchParams(common);
  trendQuery.set('table', 'activity');
  trendQuery.set('groupBy', 'kind');
  const { data: trend } = await getJson(`/api/v1/reports/network?${trendQuery}`);
  container.append(
    h('h1', { text: t('reports.title') }),
    h('p', { text: t('reports.intro', { threshold: trend.snapshot.threshold - 1 }) }),
    h('p.snapshot', { text: t('reports.snapshot', { id: trend.snapshot.id, asOf: formatDateTime(trend.snapshot.asOf) }) }),
    form,
    legendNote());

  // Trend: studies per period and kind (national totals).
  const trendRows = trend.rows.filter(r => r.province === '*' && r.hospital === '*' && r.outcome === '*');
  const periods = [...new Set(trendRows.map(r => r.period))].sort();
  const kinds = [...new Set(trendRows.map(r => r.kind))].filter(k => k !== '*').sort();
  const trendTitle = t('reports.trend', { grain: t(`reports.${grain}`) });
  container.append(section('trend', trendTitle, trendQuery, [grain, from, to].filter(Boolean).join('_'),
    periods.length ? lineChart(periods, kinds.map(kind => ({ name: t(`kind.${kind}`), points: trendRows.filter(r => r.kind === kind).map(cell) })), trendTitle) : null,
    table(trendRows, [['reports.period', r => r.period], ['reports.kind', r => t(`kind.${r.kind}`)]])));

  // Bars of the most recent period (or the one chosen) by age band and by province.
  const chosen = query.get('period') ?? periods.at(-1);
  if (chosen) {
    const periodField = h('div.field', {}, h('label', { for: 'report-period', text: t('reports.period') }),
      h('select#report-period', {
        onchange: e => {
          const next = new URLSearchParams(query);
          next.set('period', e.target.value);
          location.hash = `/reports?${next}`;
        },
      }, [...periods].reverse().map(p => h('option', { value: p, selected: p === chosen, text: p }))));
    container.append(h('div.period-picker', {}, periodField));
    const periodQuery = new URLSearchParams(common);
    const exact = periodRange(chosen);
    if (exact) {
      periodQuery.set('from', exact.from);
      periodQuery.set('to', exact.to);
    }
    await Promise.all([
      bars(container, 'ages', new URLSearchParams([...periodQuery, ['table', 'demography'], ['groupBy', 'ageBand']]), chosen,
        rows => AGE_BANDS.map(band => rows.find(r => r.ageBand === band)).filter(Boolean), r => t(`age.${r.ageBand}`), 'reports.ageBands', 'reports.ageBand'),
      bars(container, 'provinces', new URLSearchParams([...periodQuery, ['table', 'activity'], ['groupBy', 'province']]), chosen,
        rows => rows.filter(r => r.province !== '*' && r.kind === '*' && r.outcome === '*'), r => r.province, 'reports.provinces', 'reports.province'),
    ]);
    for (const indicator of INDICATORS) {
      await findings(container, indicator, new URLSearchParams([...periodQuery, ['finding', indicator], ['groupBy', 'category']]), chosen);
    }
  }
  container.append(h('p.note', { text: t('reports.dhis2') }));
}

function cell(r) {
  return { period: r.period, value: r.status === 'published' ? r.studies : null, status: r.status };
}

/** The from/to dates of one period label (2026-W48, 2026-11, 2026-Q4, 2026), so the bars show that period only. */
function periodRange(period) {
  let m = /^(\d{4})-W(\d{2})$/.exec(period);
  if (m) {
    const jan4 = new Date(Date.UTC(Number(m[1]), 0, 4));
    const monday = new Date(jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * 86400000 + (Number(m[2]) - 1) * 7 * 86400000);
    return { from: iso(monday), to: iso(new Date(monday.getTime() + 6 * 86400000)) };
  }
  m = /^(\d{4})-(\d{2})$/.exec(period);
  if (m) return { from: `${m[1]}-${m[2]}-01`, to: iso(new Date(Date.UTC(Number(m[1]), Number(m[2]), 0))) };
  m = /^(\d{4})-Q(\d)$/.exec(period);
  if (m) return { from: iso(new Date(Date.UTC(Number(m[1]), (Number(m[2]) - 1) * 3, 1))), to: iso(new Date(Date.UTC(Number(m[1]), Number(m[2]) * 3, 0))) };
  m = /^(\d{4})$/.exec(period);
  if (m) return { from: `${m[1]}-01-01`, to: `${m[1]}-12-31` };
  return null;
}

function iso(date) {
  return date.toISOString().slice(0, 10);
}

async function bars(container, id, query, period, select, label, titleKey, columnKey) {
  const { data } = await getJson(`/api/v1/reports/network?${query}`);
  const rows = select(data.rows.filter(r => r.period === period && r.hospital === '*'));
  const title = t(titleKey, { period });
  container.append(section(id, title, query, period,
    rows.length ? barChart(rows.map(r => ({ label: label(r) === '*' ? t('reports.total') : label(r), value: r.status === 'published' ? r.studies : null, status: r.status })), title) : null,
    table(rows, [[columnKey, label]])));
}

async function findings(container, indicator, query, period) {
  let data;
  try {
    ({ data } = await getJson(`/api/v1/reports/network?${query}`));
  } catch {
    return; // no study has reached this indicator yet: the snapshot has no such table
  }
  const rows = data.rows.filter(r => r.period === period && r.province === '*' && r.hospital === '*' && r.ageBand === '*');
  const title = t('reports.findings', { indicator, period });
  container.append(section(`finding-${indicator.replace(/\W+/g, '-')}`, title, query, period,
    rows.length ? barChart(rows.map(r => ({ label: r.category === '*' ? t('reports.total') : r.category, value: r.status === 'published' ? r.studies : null, status: r.status })), title) : null,
    table(rows, [['reports.category', r => (r.category === '*' ? t('reports.total') : r.category)]])));
}

function section(id, title, query, fileLabel, chart, tableElement) {
  const error = h(`p.error#download-error-${id}`, { role: 'alert', hidden: true });
  const buttons = DOWNLOADS.map(format => h('button.secondary', {
    type: 'button',
    id: `${format.id}-${id}`,
    onclick: e => download(e.currentTarget, `/api/v1/reports/network?${query}`, format, `vnch-${id}-${fileLabel}.${format.extension}`, error),
  }, t(`reports.download.${format.id}`)));
  return h(`section.card.report#report-${id}`, { 'aria-labelledby': `report-${id}-title` },
    h('h2', { id: `report-${id}-title`, text: title }),
    chart ?? h('p', { text: t('reports.noData') }),
    tableElement,
    h('div.actions.downloads', { role: 'group', 'aria-labelledby': `downloads-${id} report-${id}-title` },
      h('span.downloads-label', { id: `downloads-${id}`, text: t('reports.download') }), buttons),
    error);
}

/**
 * Fetches one representation with the session's token (never in a URL) and saves it from a blob: URL; what the API
 * refuses (problem+json) is said in the section, in the page's language.
 */
async function download(button, path, format, fileName, error) {
  error.hidden = true;
  error.textContent = '';
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    const response = await request(path, { accept: format.accept });
    saveBlob(await response.blob(), fileName);
  } catch (failure) {
    error.textContent = downloadError(failure, format);
    error.hidden = false;
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

function downloadError(failure, format) {
  const name = t(`reports.download.${format.id}`);
  if (!(failure instanceof ApiError)) return t('common.error', { detail: String(failure?.message ?? failure) });
  if (failure.slug === 'nothing-published') return t('reports.download.nothingPublished', { format: name });
  if (failure.slug === 'export-mapping-incomplete') return t('reports.download.mappingIncomplete', { format: name, detail: failure.problem.detail ?? '' });
  return t('reports.download.failed', { format: name, status: failure.status, detail: failure.message });
}

function table(rows, columns) {
  if (rows.length === 0) return null;
  return h('details.report-table', {}, h('summary', { text: t('reports.studies') }), h('table.data.compact', {},
    h('thead', {}, h('tr', {}, [...columns.map(([key]) => key), 'reports.studies', 'reports.children', 'reports.status'].map(k => h('th', { scope: 'col', text: t(k) })))),
    h('tbody', {}, rows.map(r => h(`tr.cell-${r.status}`, {},
      columns.map(([, value]) => h('td', { text: value(r) === '*' ? t('reports.total') : value(r) })),
      h('td.num', { text: r.status === 'published' ? formatNumber(r.studies) : '—' }),
      h('td.num', { text: r.status === 'published' ? formatNumber(r.children) : '—' }),
      h('td', { text: t(`reports.${r.status}`) }))))));
}
