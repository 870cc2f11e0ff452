import { s, h } from '../dom.js';
import { t, formatNumber } from '../i18n.js';

// Charts of published cells. A suppressed or withheld cell has no number: it is drawn as a hatched stub (bars) or a
// hollow marker on the axis (lines), never as zero, and the table beside each chart says which it is.
const PALETTE = ['#0b5394', '#b45f06', '#38761d', '#741b47', '#134f5c'];

function hatch(svg) {
  svg.append(s('defs', {}, s('pattern#hatch', { width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
    s('rect', { width: 6, height: 6, fill: '#eeeeee' }), s('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#666', 'stroke-width': 2 }))));
}

/** A round axis maximum that four grid steps divide into whole numbers. */
function niceMax(max) {
  if (max <= 0) return 12;
  const step = 10 ** Math.floor(Math.log10(max));
  return Math.ceil(Math.ceil(max / step) * step / 4) * 4;
}

/** Horizontal bars: [{label, value|null, status}] */
export function barChart(items, title) {
  const rowH = 28;
  const left = 150;
  const width = 640;
  const plotW = width - left - 70;
  const height = items.length * rowH + 30;
  const max = niceMax(Math.max(0, ...items.map(i => i.value ?? 0)));
  const svg = s('svg.chart.bar-chart', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': title });
  hatch(svg);
  items.forEach((item, n) => {
    const y = n * rowH + 6;
    svg.append(s('text', { x: left - 8, y: y + 16, 'text-anchor': 'end', 'font-size': 13, fill: '#1a1a1a', text: item.label }));
    if (item.value === null || item.value === undefined) {
      svg.append(s('rect.suppressed', { x: left, y, width: 40, height: rowH - 8, fill: 'url(#hatch)', stroke: '#666' }));
      svg.append(s('text', { x: left + 48, y: y + 16, 'font-size': 12, fill: '#333', text: t(`reports.${item.status}`) }));
    } else {
      const w = (item.value / max) * plotW;
      svg.append(s('rect', { x: left, y, width: Math.max(1, w), height: rowH - 8, fill: PALETTE[0] }));
      svg.append(s('text', { x: left + w + 6, y: y + 16, 'font-size': 12, fill: '#1a1a1a', text: formatNumber(item.value) }));
    }
  });
  svg.append(s('line', { x1: left, x2: left, y1: 0, y2: height - 20, stroke: '#333' }));
  svg.append(s('text', { x: left, y: height - 4, 'font-size': 11, fill: '#333', text: '0' }));
  svg.append(s('text', { x: left + plotW, y: height - 4, 'text-anchor': 'end', 'font-size': 11, fill: '#333', text: formatNumber(max) }));
  return svg;
}

/** Lines per series over periods: series = [{name, points: [{period, value|null, status}]}] */
export function lineChart(periods, series, title) {
  const width = 720;
  const height = 300;
  const left = 50;
  const bottom = 60;
  const top = 16;
  const plotW = width - left - 150;
  const plotH = height - top - bottom;
  const max = niceMax(Math.max(0, ...series.flatMap(x => x.points.map(p => p.value ?? 0))));
  const px = n => left + (periods.length === 1 ? plotW / 2 : (n / (periods.length - 1)) * plotW);
  const py = v => top + plotH - (v / max) * plotH;
  const svg = s('svg.chart.line-chart', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': title });
  hatch(svg);
  for (let i = 0; i <= 4; i++) {
    const v = (max / 4) * i;
    svg.append(s('line', { x1: left, x2: left + plotW, y1: py(v), y2: py(v), stroke: '#ddd' }));
    svg.append(s('text', { x: left - 6, y: py(v) + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#333', text: formatNumber(v) }));
  }
  const every = Math.max(1, Math.ceil(periods.length / 10));
  periods.forEach((period, n) => {
    if (n % every !== 0) return;
    svg.append(s('text', { x: px(n), y: top + plotH + 16, 'text-anchor': 'end', 'font-size': 11, fill: '#333', transform: `rotate(-35 ${px(n)} ${top + plotH + 16})`, text: period }));
  });
  series.forEach((line, k) => {
    const colour = PALETTE[k % PALETTE.length];
    const byPeriod = new Map(line.points.map(p => [p.period, p]));
    let path = '';
    periods.forEach((period, n) => {
      const p = byPeriod.get(period);
      if (p && p.value !== null && p.value !== undefined) path += `${path && !path.endsWith('|') ? 'L' : 'M'} ${px(n)} ${py(p.value)} `;
      else path += '|';
    });
    svg.append(s('path', { d: path.replace(/\|/g, ''), fill: 'none', stroke: colour, 'stroke-width': 2 }));
    periods.forEach((period, n) => {
      const p = byPeriod.get(period);
      if (!p) return;
      if (p.value === null || p.value === undefined) svg.append(s('rect.suppressed', { x: px(n) - 5, y: top + plotH - 12, width: 10, height: 10, fill: 'url(#hatch)', stroke: colour }));
      else svg.append(s('circle', { cx: px(n), cy: py(p.value), r: 3.5, fill: colour }));
    });
    svg.append(s('rect', { x: left + plotW + 16, y: top + k * 20, width: 12, height: 12, fill: colour }));
    svg.append(s('text', { x: left + plotW + 34, y: top + k * 20 + 11, 'font-size': 12, fill: '#1a1a1a', text: line.name }));
  });
  svg.append(s('rect', { x: left + plotW + 16, y: top + series.length * 20 + 8, width: 12, height: 12, fill: 'url(#hatch)', stroke: '#666' }));
  svg.append(s('text', { x: left + plotW + 34, y: top + series.length * 20 + 19, 'font-size': 12, fill: '#1a1a1a', text: t('reports.suppressed') }));
  return svg;
}

export function legendNote() {
  return h('p.chart-note', { text: t('reports.legendSuppressed') });
}
