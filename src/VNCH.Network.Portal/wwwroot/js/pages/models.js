import { h, append } from '../dom.js';
import { t, formatNumber } from '../i18n.js';
import { getJson, ApiError } from '../api.js';

const GRAIN = 'month';

/**
 * The analysers this service runs (GET /api/v1/models), each with its card and a monitoring section fed by the
 * network report (docs/reporting.md): how often clinicians agreed with this version (the clinician-agreement
 * indicator of the review in force) and what the analyser concluded, period by period (volume and the share of each
 * conclusion, where a drift shows). Every figure is a published cell: suppressed cells are shown as such.
 */
export async function modelsPage(container, { user }) {
  const { data } = await getJson('/api/v1/models');
  container.append(h('h1', { text: t('models.title') }), h('p', { text: t('models.intro') }));
  for (const model of data.items) {
    const monitoring = h('div.monitoring');
    const section = h(`section.card.model#model-${model.id}`, { 'aria-labelledby': `model-${model.id}-title`, dataset: { model: model.id, version: model.version } },
      h('h2', { id: `model-${model.id}-title`, text: `${model.displayName ?? model.id} · ${model.version}` }),
      h('dl.facts', {},
        fact(t('analysis.analyser'), model.id),
        fact(t('analysis.version'), model.version),
        fact(t('models.kind'), t(`models.kind.${model.kind}`)),
        model.sha256 ? fact('SHA-256', model.sha256) : null),
      model.manifest?.intendedUse ? h('p', { text: typeof model.manifest.intendedUse === 'string' ? model.manifest.intendedUse : JSON.stringify(model.manifest.intendedUse) }) : null,
      h('h3', { text: t('models.monitoring') }),
      monitoring);
    container.append(section);
    if (!user.has('Reports.Read')) {
      monitoring.append(h('p', { text: t('models.needsReports') }));
      continue;
    }
    await fillMonitoring(monitoring, model);
  }
}

async function fillMonitoring(monitoring, model) {
  const agreementIndicator = `${model.id}/clinician-agreement@${model.version}`;
  const [agreement, rates, outputs] = await Promise.all([
    table(agreementIndicator),
    series(agreementIndicator, 'agree'),
    table(`${model.id}/result`),
  ]);
  append(monitoring, [
    h('h4', { text: t('models.agreement', { version: model.version }) }),
    agreement ? agreementTable(agreement, rates) : h('p.no-reviews', { text: t('models.noReviews') }),
    h('h4', { text: t('models.outputs') }),
    outputs ? outputsTable(outputs) : h('p', { text: t('reports.noData') }),
    h('p.note', { text: t('models.cells', { threshold: ((agreement ?? outputs)?.snapshot.threshold ?? 1) - 1 }) }),
    rates.minimum ? h('p.note', { text: t('models.rates', { minimum: rates.minimum }) }) : null]);
}

/**
 * One findings table of the current snapshot by period: its cells per category and its totals (a published cell of
 * their own, asked for separately: a hospital's breakdown by category does not include them). Null when it has none
 * of the caller's cells (no such study yet).
 */
async function table(indicator) {
  const ask = async groupBy => {
    const query = new URLSearchParams({ finding: indicator, grain: GRAIN });
    if (groupBy) query.set('groupBy', groupBy);
    const { data } = await getJson(`/api/v1/reports/network?${query}`);
    return data;
  };
  try {
    const [byCategory, totals] = await Promise.all([ask('category'), ask(null)]);
    // The caller's own cells: the nation for the association, its hospital for a hospital.
    const rows = [...byCategory.rows, ...totals.rows].filter(r => r.ageBand === '*');
    const national = rows.filter(r => r.province === '*' && r.hospital === '*');
    const own = national.length ? national : rows.filter(r => r.hospital !== '*');
    return own.length ? { snapshot: byCategory.snapshot, rows: own } : null;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/** The server's rate of one category per period (given only where its rules allow: both cells published, a large enough denominator). */
async function series(indicator, category) {
  try {
    const { data } = await getJson(`/api/v1/reports/series?${new URLSearchParams({ indicator, category, grain: GRAIN })}`);
    return { minimum: data.rateMinimumDenominator, points: data.points };
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return { minimum: null, points: [] };
    throw error;
  }
}

const AGREEMENT = ['agree', 'amended', 'disagree'];

function agreementTable({ rows }, rates) {
  const periods = [...new Set(rows.map(r => r.period))].sort().reverse();
  return h('table.data.compact.agreement-table', {},
    h('caption', { text: t('models.agreementCaption') }),
    h('thead', {}, h('tr', {}, [t('reports.period'), ...AGREEMENT.map(c => t(`models.${c}`)), t('models.reviewed'), t('models.rate')].map(text => h('th', { scope: 'col', text })))),
    h('tbody', {}, periods.map(period => {
      const at = category => rows.find(r => r.period === period && r.category === category);
      const total = at('*');
      return h('tr', { dataset: { period } },
        h('th', { scope: 'row', text: period }),
        AGREEMENT.map(c => count(at(c))),
        count(total),
        h('td.num.rate', { text: rate(rates.points.filter(p => p.period === period)) }));
    })));
}

function outputsTable({ rows }) {
  const periods = [...new Set(rows.map(r => r.period))].sort().reverse();
  const categories = [...new Set(rows.map(r => r.category))].filter(c => c !== '*').sort();
  return h('table.data.compact.outputs-table', {},
    h('caption', { text: t('models.outputsCaption') }),
    h('thead', {}, h('tr', {}, [t('reports.period'), t('models.volume'), ...categories].map(text => h('th', { scope: 'col', text })))),
    h('tbody', {}, periods.map(period => {
      const at = category => rows.find(r => r.period === period && r.category === category);
      const total = at('*');
      return h('tr', { dataset: { period } },
        h('th', { scope: 'row', text: period }),
        count(total),
        categories.map(c => share(at(c), total)));
    })));
}

/** A published count, or the cell's status; a combination the snapshot does not list counts 0 (docs/reporting.md). */
function count(cell) {
  if (!cell) return h('td.num', { text: formatNumber(0) });
  return cell.status === 'published'
    ? h('td.num', { text: formatNumber(cell.studies) })
    : h(`td.num.cell-${cell.status}`, { text: t(`reports.${cell.status}`) });
}

/** A category's count and its share of the period's total, both from published cells only. */
function share(cell, total) {
  if (cell && cell.status !== 'published') return count(cell);
  const n = cell?.studies ?? 0;
  const pct = total?.status === 'published' && total.studies > 0 ? ` (${formatNumber((100 * n) / total.studies, 0)} %)` : '';
  return h('td.num', { text: `${formatNumber(n)}${pct}` });
}

/** The rate of the caller's one geography (its hospital); none when the server gave none. */
function rate(points) {
  return points.length === 1 && typeof points[0].rate === 'number' ? `${formatNumber(100 * points[0].rate, 0)} %` : '—';
}

function fact(term, value) {
  return [h('dt', { text: term }), h('dd', { text: value ?? '' })];
}
