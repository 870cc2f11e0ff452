import { h, s } from '../dom.js';
import { t, formatNumber } from '../i18n.js';
import { getJson, ApiError } from '../api.js';
import { concept, value } from './analysis.js';

// ECG paper: 25 mm/s, 10 mm/mV. One SVG user unit is 1 mm, so the grid is true to scale when printed at 100 %.
const MM_PER_SECOND = 25;
const MM_PER_MV = 10;
const ROW_MM = 30;         // ±1.5 mV per lead row
const LEFT_MM = 18;        // lead name and the 1 mV calibration pulse
const MAX_SECONDS = 10;

/** GET /api/v1/studies/{id}/ecg drawn on paper: every lead, beats and measured intervals marked, age flags listed. */
export async function ecgView(studyPath) {
  let ecg;
  try {
    ({ data: ecg } = await getJson(`${studyPath}/ecg`));
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 405)) return h('p', { text: t('ecg.unavailable') });
    throw error;
  }
  const model = normalise(ecg);
  const seconds = Math.min(MAX_SECONDS, model.duration);
  return h('div.ecg', {},
    h('p.paper-note', { text: t('ecg.paper') }),
    h('div.ecg-scroll', { tabindex: '0', role: 'group', 'aria-label': t('ecg.alt', { leads: model.leads.length, seconds: formatNumber(seconds, 1) }) },
      paper(model, seconds)),
    h('p', { text: t('ecg.beats', { n: model.beats.length }) }),
    intervalsTable(model),
    flagsView(model));
}

/** Accepts the API's field names and a few spellings of them (sample rate, leads with µV samples, beats by sample). */
function normalise(ecg) {
  const rate = Number(ecg.samplingRateHz ?? ecg.sampleRate ?? 500);
  const leads = (ecg.leads ?? []).map(lead => ({
    name: lead.name ?? lead.lead ?? lead.label ?? '',
    samples: lead.samplesMicrovolts ?? lead.samples ?? lead.values ?? lead.microvolts ?? [],
  }));
  const length = Math.max(0, ...leads.map(l => l.samples.length));
  const intervals = ecg.intervals ?? {};
  // PR and QT are measured per recording; they are drawn from each beat's QRS onset, where the QRS is delineated.
  const samplesOf = ms => (Number.isFinite(ms) ? (ms * rate) / 1000 : NaN);
  const beats = (ecg.beats ?? []).map(b => ({
    sample: b.rPeak ?? b.sample,
    premature: Boolean(b.premature),
    qrsOnset: b.qrsOnset,
    qrsOffset: b.qrsOffset,
    pOnset: Number.isFinite(b.qrsOnset) ? b.qrsOnset - samplesOf(intervals.prMs) : NaN,
    tOffset: Number.isFinite(b.qrsOnset) ? b.qrsOnset + samplesOf(intervals.qtMs) : NaN,
  })).filter(b => Number.isFinite(b.sample));
  return {
    rate, leads, duration: length / rate, beats, intervals, heartRate: ecg.heartRateBpm, rhythm: ecg.rhythm,
    statements: ecg.statements ?? [], flags: ecg.flags ?? [],
  };
}

function paper(model, seconds) {
  const widthMm = LEFT_MM + seconds * MM_PER_SECOND + 2;
  const heightMm = model.leads.length * ROW_MM + 4;
  const svg = s('svg.ecg-paper', {
    viewBox: `0 0 ${widthMm} ${heightMm}`, width: `${widthMm * 4}`, height: `${heightMm * 4}`, role: 'img',
    'aria-label': t('ecg.alt', { leads: model.leads.length, seconds: formatNumber(seconds, 1) }),
  });
  svg.append(s('defs', {},
    s('pattern#ecg-minor', { width: 1, height: 1, patternUnits: 'userSpaceOnUse' }, s('path', { d: 'M 1 0 L 0 0 0 1', fill: 'none', stroke: '#f4b6b6', 'stroke-width': 0.06 })),
    s('pattern#ecg-major', { width: 5, height: 5, patternUnits: 'userSpaceOnUse' },
      s('rect', { width: 5, height: 5, fill: 'url(#ecg-minor)' }),
      s('path', { d: 'M 5 0 L 0 0 0 5', fill: 'none', stroke: '#e07b7b', 'stroke-width': 0.15 }))));
  svg.append(s('rect', { x: 0, y: 0, width: widthMm, height: heightMm, fill: '#fffafa' }));
  svg.append(s('rect', { x: LEFT_MM, y: 0, width: seconds * MM_PER_SECOND, height: heightMm, fill: 'url(#ecg-major)' }));
  const samplesShown = Math.floor(seconds * model.rate);
  const beatsShown = model.beats.filter(b => b.sample < samplesShown);
  model.leads.forEach((lead, row) => {
    const baseline = 2 + row * ROW_MM + ROW_MM / 2;
    const group = s('g.ecg-lead', { dataset: { lead: lead.name } });
    group.append(s('text.lead-name', { x: 1, y: baseline - 6, 'font-size': 3.2, fill: '#1a1a1a', text: lead.name }));
    // The 1 mV calibration pulse, 200 ms wide: the reader checks the gain on it.
    group.append(s('path', { d: `M ${LEFT_MM - 9} ${baseline} h 2 v ${-MM_PER_MV} h 5 v ${MM_PER_MV} h 2`, fill: 'none', stroke: '#1a1a1a', 'stroke-width': 0.25 }));
    group.append(s('polyline', { points: trace(lead.samples, samplesShown, model.rate, baseline), fill: 'none', stroke: '#111', 'stroke-width': 0.22, 'stroke-linejoin': 'round' }));
    for (const beat of beatsShown) {
      const x = LEFT_MM + (beat.sample / model.rate) * MM_PER_SECOND;
      group.append(s('path.beat', { d: `M ${x} ${baseline - ROW_MM / 2 + 1} l -0.8 -1.2 h 1.6 z`, fill: beat.premature ? '#a4161a' : '#0b5394' }));
    }
    svg.append(group);
  });
  svg.append(intervalMarks(model, beatsShown));
  return svg;
}

function trace(samples, count, rate, baseline) {
  const points = [];
  const n = Math.min(count, samples.length);
  for (let i = 0; i < n; i++) {
    const mv = Number(samples[i]) / 1000;
    const y = baseline - Math.max(-ROW_MM / 2, Math.min(ROW_MM / 2, mv * MM_PER_MV));
    points.push(`${(LEFT_MM + (i / rate) * MM_PER_SECOND).toFixed(2)},${y.toFixed(2)}`);
  }
  return points.join(' ');
}

/** Brackets of the measured intervals (PR, QRS, QT) on the first fully delineated beat, under the first lead. */
function intervalMarks(model, beats) {
  const group = s('g.intervals');
  const beat = beats.find(b => Number.isFinite(b.qrsOnset) && Number.isFinite(b.qrsOffset));
  if (!beat) return group;
  const x = sample => LEFT_MM + (sample / model.rate) * MM_PER_SECOND;
  const row = Math.max(0, model.leads.findIndex(l => l.name === 'II'));
  const y = 2 + (row + 1) * ROW_MM - 2;
  const marks = [
    ['PR', beat.pOnset, beat.qrsOnset, 0],
    ['QRS', beat.qrsOnset, beat.qrsOffset, 1],
    ['QT', beat.qrsOnset, beat.tOffset, 2],
  ].filter(([, a, b]) => Number.isFinite(a) && Number.isFinite(b));
  for (const [name, from, to, level] of marks) {
    const yy = y - level * 2.4;
    group.append(s('path', { d: `M ${x(from)} ${yy - 0.8} v 0.8 H ${x(to)} v -0.8`, fill: 'none', stroke: '#0b5394', 'stroke-width': 0.3 }));
    group.append(s('text', { x: x(to) + 0.6, y: yy + 0.6, 'font-size': 2, fill: '#0b5394', text: name }));
  }
  return group;
}

const INTERVALS = [['prMs', 'PR'], ['qrsMs', 'QRS'], ['qtMs', 'QT'], ['qtcBazettMs', 'QTc (Bazett)'], ['qtcFridericiaMs', 'QTc (Fridericia)']];

function intervalsTable(model) {
  const rows = [];
  if (Number.isFinite(model.heartRate)) rows.push([t('ecg.rate'), `${formatNumber(model.heartRate, 0)} /min`]);
  if (model.rhythm) rows.push([t('ecg.rhythm'), model.rhythm]);
  for (const [key, name] of INTERVALS) {
    if (Number.isFinite(model.intervals[key])) rows.push([name, `${formatNumber(model.intervals[key], 0)} ms`]);
  }
  if (rows.length === 0) return null;
  return h('table.data.compact.ecg-intervals', {},
    h('caption', { text: t('ecg.intervals') }),
    h('tbody', {}, rows.map(([name, value]) => h('tr', {}, h('th', { scope: 'row', text: name }), h('td', { text: value })))));
}

/** The analyser's findings against the age-specific limits (flags), and its statements. */
function flagsView(model) {
  const flagged = model.flags.filter(f => f.interpretation && f.interpretation.code !== 'N');
  return h('div.ecg-flags', {},
    h('h3', { text: t('ecg.flags') }),
    model.flags.length ? h('table.data.compact', {},
      h('thead', {}, h('tr', {}, ['analysis.label', 'analysis.value', 'analysis.interpretation', 'analysis.range'].map(k => h('th', { scope: 'col', text: t(k) })))),
      h('tbody', {}, model.flags.map(f => h(`tr${f.interpretation && f.interpretation.code !== 'N' ? '.flagged' : ''}`, {},
        h('th', { scope: 'row', text: concept(f.code) }),
        h('td', { text: value(f.value) }),
        h('td', { text: concept(f.interpretation) }),
        h('td', { text: f.referenceRange ? f.referenceRange.text ?? `${f.referenceRange.low ?? ''}–${f.referenceRange.high ?? ''} ${f.referenceRange.unit ?? ''}` : '' }))))) : null,
    flagged.length === 0 ? h('p', { text: t('ecg.noFlags') }) : null,
    model.statements.length ? h('ul.statements', {}, model.statements.map(st => h(`li.flag.flag-${st.severity ?? 'info'}`, { text: `${st.text}${st.range ? ` (${st.range})` : ''}` }))) : null);
}
