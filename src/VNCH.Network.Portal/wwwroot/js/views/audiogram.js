import { h, s } from '../dom.js';
import { t, formatNumber } from '../i18n.js';
import { getJson, ApiError } from '../api.js';

// As clinicians draw it (ASHA 1990 / ISO 8253-1 symbols): frequency on a log axis, hearing level growing downward,
// one octave as wide as 20 dB is tall. Right ear red: O air, △ air masked, < bone, [ bone masked. Left ear blue:
// X air, □ air masked, > bone, ] bone masked. No response: an arrow down and outward from the symbol.
const OCTAVES = [125, 250, 500, 1000, 2000, 4000, 8000];
const INTER_OCTAVES = [750, 1500, 3000, 6000];
const MIN_DB = -10;
const MAX_DB = 120;
const OCTAVE = 64;            // px per octave
const DB = OCTAVE / 20;       // px per dB
const LEFT = 56;
const TOP = 36;
const PLOT_W = OCTAVE * (OCTAVES.length - 1);
const PLOT_H = (MAX_DB - MIN_DB) * DB;
const EAR_COLOUR = { right: '#c0001a', left: '#0044aa' };

const x = frequency => LEFT + Math.log2(frequency / 125) * OCTAVE;
const y = level => TOP + (level - MIN_DB) * DB;

/** GET /api/v1/studies/{id}/audiogram: the chart, its data table, the pure-tone averages and the WHO grade. */
export async function audiogramView(studyPath) {
  let audiogram;
  try {
    ({ data: audiogram } = await getJson(`${studyPath}/audiogram`));
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 405)) return h('p', { text: t('audio.unavailable') });
    throw error;
  }
  const points = normalise(audiogram.points ?? []);
  return h('div.audiogram', {},
    h('div.audiogram-chart', {}, chart(points), legend()),
    averages(audiogram),
    pointsTable(points));
}

function normalise(points) {
  return points.map(p => ({
    ear: String(p.ear ?? '').toLowerCase(),
    frequency: Number(p.frequencyHz),
    threshold: Number(p.thresholdDbHl),
    conduction: String(p.conduction ?? 'air').toLowerCase(),
    masked: Boolean(p.masked),
    noResponse: Boolean(p.noResponse),
  })).filter(p => (p.ear === 'right' || p.ear === 'left') && Number.isFinite(p.frequency) && Number.isFinite(p.threshold));
}

function chart(points) {
  const width = LEFT + PLOT_W + 24;
  const height = TOP + PLOT_H + 44;
  const svg = s('svg.audiogram-svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': t('audio.alt') });
  svg.append(s('rect', { x: LEFT, y: TOP, width: PLOT_W, height: PLOT_H, fill: '#fff', stroke: '#333', 'stroke-width': 1 }));
  for (let level = MIN_DB; level <= MAX_DB; level += 10) {
    svg.append(s('line', { x1: LEFT, x2: LEFT + PLOT_W, y1: y(level), y2: y(level), stroke: level === 0 ? '#555' : '#bbb', 'stroke-width': level === 0 ? 1.2 : 0.6 }));
    svg.append(s('text', { x: LEFT - 6, y: y(level) + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#222', text: String(level) }));
  }
  for (const f of OCTAVES) {
    svg.append(s('line', { x1: x(f), x2: x(f), y1: TOP, y2: TOP + PLOT_H, stroke: '#bbb', 'stroke-width': 0.6 }));
    svg.append(s('text', { x: x(f), y: TOP - 8, 'text-anchor': 'middle', 'font-size': 11, fill: '#222', text: f >= 1000 ? `${f / 1000}k` : String(f) }));
  }
  for (const f of INTER_OCTAVES) {
    svg.append(s('line', { x1: x(f), x2: x(f), y1: TOP, y2: TOP + PLOT_H, stroke: '#ccc', 'stroke-width': 0.5, 'stroke-dasharray': '3 3' }));
  }
  svg.append(s('text', { x: LEFT + PLOT_W / 2, y: 12, 'text-anchor': 'middle', 'font-size': 12, fill: '#222', text: t('audio.frequency') }));
  svg.append(s('text', { x: 14, y: TOP + PLOT_H / 2, 'text-anchor': 'middle', 'font-size': 12, fill: '#222', transform: `rotate(-90 14 ${TOP + PLOT_H / 2})`, text: t('audio.level') }));

  // Air-conduction thresholds of each ear joined by a line (not through no-response points); bone ones are not joined.
  for (const ear of ['right', 'left']) {
    const air = points.filter(p => p.ear === ear && p.conduction === 'air' && !p.noResponse).sort((a, b) => a.frequency - b.frequency);
    if (air.length > 1) {
      svg.append(s('polyline', { points: air.map(p => `${x(p.frequency)},${y(p.threshold)}`).join(' '), fill: 'none', stroke: EAR_COLOUR[ear], 'stroke-width': 1.4, 'stroke-dasharray': ear === 'left' ? '5 3' : null }));
    }
  }
  for (const p of points) svg.append(symbol(p));
  return svg;
}

/** One symbol at (frequency, level); bone symbols sit beside the frequency line on their ear's side. */
export function symbol(p) {
  const colour = EAR_COLOUR[p.ear];
  const cx = x(p.frequency) + (p.conduction === 'bone' ? (p.ear === 'right' ? -9 : 9) : 0);
  const cy = y(Math.min(MAX_DB, Math.max(MIN_DB, p.threshold)));
  const g = s('g.symbol', { dataset: { ear: p.ear, conduction: p.conduction, masked: String(p.masked), frequency: String(p.frequency) } });
  const stroke = { fill: 'none', stroke: colour, 'stroke-width': 1.6 };
  const r = 6;
  if (p.conduction === 'air') {
    if (p.ear === 'right' && !p.masked) g.append(s('circle', { cx, cy, r, ...stroke }));
    else if (p.ear === 'right') g.append(s('path', { d: `M ${cx} ${cy - r} L ${cx + r} ${cy + r * 0.8} L ${cx - r} ${cy + r * 0.8} Z`, ...stroke }));
    else if (!p.masked) g.append(s('path', { d: `M ${cx - r} ${cy - r} L ${cx + r} ${cy + r} M ${cx + r} ${cy - r} L ${cx - r} ${cy + r}`, ...stroke }));
    else g.append(s('rect', { x: cx - r, y: cy - r, width: 2 * r, height: 2 * r, ...stroke }));
  } else if (!p.masked) {
    const d = p.ear === 'right' ? `M ${cx + 4} ${cy - r} L ${cx - 4} ${cy} L ${cx + 4} ${cy + r}` : `M ${cx - 4} ${cy - r} L ${cx + 4} ${cy} L ${cx - 4} ${cy + r}`;
    g.append(s('path', { d, ...stroke }));
  } else {
    const d = p.ear === 'right' ? `M ${cx + 3} ${cy - r} H ${cx - 3} V ${cy + r} H ${cx + 3}` : `M ${cx - 3} ${cy - r} H ${cx + 3} V ${cy + r} H ${cx - 3}`;
    g.append(s('path', { d, ...stroke }));
  }
  if (p.noResponse) {
    const dx = p.ear === 'right' ? -1 : 1;
    g.append(s('path', { d: `M ${cx + dx * 5} ${cy + 5} l ${dx * 7} 8 m ${-dx * 4} 0 l ${dx * 4} 0 l 0 -4`, ...stroke }));
  }
  g.append(s('title', { text: `${t(`audio.${p.ear}`)}, ${t(`audio.${p.conduction}`)}${p.masked ? `, ${t('audio.masked')}` : ''}: ${p.frequency} Hz, ${p.threshold} dB HL${p.noResponse ? `, ${t('audio.noResponse')}` : ''}` }));
  return g;
}

function legend() {
  const rows = [];
  for (const ear of ['right', 'left']) {
    for (const conduction of ['air', 'bone']) {
      for (const masked of [false, true]) rows.push({ ear, conduction, masked });
    }
  }
  return h('table.data.compact.audiogram-legend', {},
    h('caption', { text: t('audio.legend') }),
    h('tbody', {}, rows.map(row => {
      const icon = s('svg', { width: 34, height: 22, viewBox: `${x(1000) - 17} ${y(20) - 11} 34 22`, 'aria-hidden': 'true' }, symbol({ ...row, frequency: 1000, threshold: 20, noResponse: false }));
      return h('tr', {}, h('td', {}, icon), h('td', { text: `${t(`audio.${row.ear}`)}, ${t(`audio.${row.conduction}`)}, ${t(row.masked ? 'audio.masked' : 'audio.unmasked')}` }));
    })));
}

/** Per ear: the pure-tone average (0.5, 1, 2, 4 kHz), bone PTA, air-bone gap and type; then the WHO 2021 grade. */
function averages(audiogram) {
  const ears = (audiogram.ears ?? []).map(e => h('li', {
    text: [
      `${t(`audio.${e.ear}`)}: PTA4 ${e.ptaIsLowerBound ? '≥ ' : ''}${formatNumber(e.pta4DbHl, 1)} dB HL`,
      Number.isFinite(e.bonePtaDbHl) ? `${t('audio.bonePta')} ${formatNumber(e.bonePtaDbHl, 1)} dB HL` : null,
      Number.isFinite(e.meanAirBoneGapDb) ? `${t('audio.gap')} ${formatNumber(e.meanAirBoneGapDb, 1)} dB` : null,
      e.type ? t(`audio.type.${e.type}`) : null,
      e.tympanogram ? `${t('audio.tympanogram')} ${e.tympanogram}` : null,
    ].filter(Boolean).join('; '),
  }));
  const grade = audiogram.grade ? t(`audio.grade.${audiogram.grade}`) : t('common.none');
  const gradeText = [
    grade,
    audiogram.gradeRange ? `(${audiogram.gradeRange})` : null,
    audiogram.betterEar ? `— ${t('audio.betterEar', { ear: t(`audio.${audiogram.betterEar}`), pta: formatNumber(audiogram.betterEarPta4DbHl, 1) })}` : null,
  ].filter(Boolean).join(' ');
  return h('div.audiogram-summary', {},
    h('h3', { text: t('audio.pta') }), ears.length ? h('ul', {}, ears) : h('p', { text: t('common.none') }),
    h('h3', { text: t('audio.grade') }), h('p.who-grade#who-grade', { text: gradeText }),
    (audiogram.statements ?? []).length ? h('ul.statements', {}, audiogram.statements.map(st => h('li', { text: st.text }))) : null);
}

function pointsTable(points) {
  const sorted = [...points].sort((a, b) => a.ear.localeCompare(b.ear) || a.conduction.localeCompare(b.conduction) || a.frequency - b.frequency);
  return h('details.audiogram-table', {}, h('summary', { text: t('audio.table') }), h('table.data.compact', {},
    h('thead', {}, h('tr', {}, ['audio.ear', 'audio.conduction', 'audio.frequency', 'audio.threshold'].map(k => h('th', { scope: 'col', text: t(k) })))),
    h('tbody', {}, sorted.map(p => h('tr', {},
      h('td', { text: t(`audio.${p.ear}`) }),
      h('td', { text: `${t(`audio.${p.conduction}`)}${p.masked ? `, ${t('audio.masked')}` : ''}` }),
      h('td', { text: formatNumber(p.frequency) }),
      h('td', { text: `${p.threshold}${p.noResponse ? ` (${t('audio.noResponse')})` : ''}` }))))));
}
