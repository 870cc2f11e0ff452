import { h, clear } from '../dom.js';
import { t, formatNumber } from '../i18n.js';
import { getJson } from '../api.js';

/** The score the analyser compared with its threshold: scores[label] if present, else the highest score. */
export function mainScore(analysis) {
  const scores = analysis.scores ?? {};
  if (analysis.label && typeof scores[analysis.label] === 'number') return scores[analysis.label];
  const values = Object.values(scores).filter(v => typeof v === 'number');
  return values.length ? Math.max(...values) : null;
}

/** The review in force (summary.review.current: decision, reviewer, time, report status), or null. */
export function reviewOf(detail) {
  return detail.summary?.review?.current ?? null;
}

/** pending (analysed, waiting for a clinician), final, amended, or none (nothing to review). */
export function reviewState(detail) {
  const review = detail.summary?.review;
  if (review?.state === 'reviewed') return review.current?.reportStatus === 'amended' ? 'amended' : 'final';
  if (review?.state === 'pending') return 'pending';
  return 'none';
}

export function analysesView(detail) {
  const analyses = detail.analyses ?? [];
  if (analyses.length === 0) return h('p', { text: t('study.noAnalysis') });
  return h('div.analyses', {}, analyses.map(analysisCard));
}

function analysisCard(analysis) {
  const score = mainScore(analysis);
  const threshold = analysis.threshold;
  const card = h('article.card.analysis', {},
    h('h3', { text: analysis.conclusionCode?.display ?? analysis.label ?? analysis.analyser.id }),
    analysis.conclusion ? h('p.conclusion', { text: analysis.conclusion }) : null,
    h('dl.facts', {},
      fact(t('analysis.analyser'), analysis.analyser.id),
      fact(t('analysis.version'), analysis.analyser.version),
      analysis.label ? fact(t('analysis.label'), analysis.label) : null,
      score !== null ? fact(t('analysis.score'), formatNumber(score, 3)) : null,
      typeof threshold === 'number' ? fact(t('analysis.threshold'), formatNumber(threshold, 3)) : null),
    score !== null && typeof threshold === 'number' ? meter(score, threshold) : null,
    findingsTable(analysis.findings ?? []));
  if (analysis.analyser.kind === 'model') card.append(modelCard(analysis.analyser));
  return card;
}

function fact(term, value) {
  return [h('dt', { text: term }), h('dd', { text: value ?? '' })];
}

/** Score against threshold on one 0..1 scale, with the words, so colour is never the only cue. */
function meter(score, threshold) {
  const above = score >= threshold;
  const bar = h('div.score-bar', { role: 'img', 'aria-label': `${t('analysis.score')} ${formatNumber(score, 3)}, ${t('analysis.threshold')} ${formatNumber(threshold, 3)}: ${t(above ? 'analysis.positive' : 'analysis.negative')}` },
    h(`div.score-fill${above ? '.above' : ''}`),
    h('div.score-threshold'));
  bar.querySelector('.score-fill').style.width = `${Math.max(0, Math.min(1, score)) * 100}%`;
  bar.querySelector('.score-threshold').style.left = `${Math.max(0, Math.min(1, threshold)) * 100}%`;
  return h('div.score', {}, bar, h('p.score-text', { text: `${formatNumber(score, 3)} ${t(above ? 'analysis.positive' : 'analysis.negative')} (${formatNumber(threshold, 3)})` }));
}

function findingsTable(findings) {
  if (findings.length === 0) return null;
  return h('table.data.compact', {},
    h('caption', { text: t('analysis.findings') }),
    h('thead', {}, h('tr', {}, ['analysis.label', 'analysis.value', 'analysis.interpretation', 'analysis.range', 'review.decision'].map(k => h('th', { scope: 'col', text: t(k) })))),
    h('tbody', {}, findings.map(f => h('tr', { dataset: { finding: f.key ?? '' } },
      h('th', { scope: 'row', text: concept(f.code) }),
      h('td', { text: value(f.value) }),
      h('td', { text: concept(f.interpretation) }),
      h('td', { text: range(f.referenceRange) }),
      h('td.finding-review', { text: f.review ? `${t(`review.${f.review.decision}`)}${f.review.value ? ` → ${value(f.review.value)}` : ''}` : t('review.state.pending') })))));
}

export function concept(c) {
  if (!c) return '';
  return c.display ?? c.text ?? c.code ?? '';
}

export function value(v) {
  if (!v) return '';
  if (typeof v !== 'object') return String(v);
  if ('unit' in v && 'value' in v) return `${formatNumber(v.value, 2)} ${v.unit}`;
  if ('concept' in v) return concept(v.concept);
  if ('value' in v) return typeof v.value === 'number' ? formatNumber(v.value, 3) : String(v.value);
  return JSON.stringify(v);
}

function range(r) {
  if (!r) return '';
  if (r.text) return r.text;
  const low = r.low ?? r.Low;
  const high = r.high ?? r.High;
  return `${low ?? ''}–${high ?? ''} ${r.unit ?? ''}`.trim();
}

/** The model card from GET /api/v1/models/{id}, loaded when opened. */
function modelCard(analyser) {
  const body = h('div.model-card-body');
  const details = h('details.model-card', {}, h('summary', { text: `${t('model.card')}: ${analyser.id} ${analyser.version}` }), body);
  let loaded = false;
  details.addEventListener('toggle', async () => {
    if (!details.open || loaded) return;
    loaded = true;
    body.append(h('p', { text: t('common.loading') }));
    try {
      const { data } = await getJson(`/api/v1/models/${encodeURIComponent(analyser.id)}`);
      clear(body).append(modelCardView(data, analyser));
    } catch {
      clear(body).append(h('p', { text: t('model.unavailable') }));
    }
  });
  return details;
}

function modelCardView(card, analyser) {
  const rows = [];
  const walk = (prefix, node, depth) => {
    for (const [key, value] of Object.entries(node ?? {})) {
      const name = prefix ? `${prefix} › ${key}` : key;
      if (value && typeof value === 'object' && !Array.isArray(value) && depth < 2) walk(name, value, depth + 1);
      else rows.push([name, Array.isArray(value) ? value.map(v => (typeof v === 'object' ? JSON.stringify(v) : v)).join(', ') : typeof value === 'object' ? JSON.stringify(value) : String(value)]);
    }
  };
  const { markdown, card: text, ...rest } = card;
  walk('', rest, 0);
  return [
    h('p', { text: `${analyser.id} · ${analyser.version} · SHA-256 ${analyser.sha256 ?? ''}` }),
    h('table.data.compact', {}, h('tbody', {}, rows.map(([k, v]) => h('tr', {}, h('th', { scope: 'row', text: k }), h('td', { text: v }))))),
    markdown || text ? h('pre.model-card-text', { text: markdown ?? text }) : null,
  ];
}
