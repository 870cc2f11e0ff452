import { h } from '../dom.js';
import { t, formatNumber } from '../i18n.js';
import { getJson, request } from '../api.js';

const VIEWPORT = 768;

/**
 * The image rendered by the server's DICOM pipeline (Modality LUT, VOI window, MONOCHROME1 inverted: docs/dicomweb.md),
 * fetched with the bearer token and shown from a blob: URL. Window/level: numbers, or drag on the image.
 */
export async function imageView(study) {
  const instances = (study.instances ?? []).filter(i => i.contentType === 'application/dicom' || i.sopClassUid);
  if (instances.length === 0) return h('p', { text: t('common.none') });
  const uid = study.summary.studyInstanceUid;
  const base = i => `/api/v1/dicomweb/studies/${encodeURIComponent(uid)}/series/${encodeURIComponent(i.seriesInstanceUid)}/instances/${encodeURIComponent(i.instanceUid)}`;

  let instance = instances[0];
  let defaults = await windowDefaults(base(instance));
  let window = null; // null: the image's own VOI
  let objectUrl = null;
  let pending = 0;

  const image = h('img.rendered#rendered-image', { alt: t('image.alt', { n: 1 }), width: VIEWPORT, height: VIEWPORT });
  const center = h('input#window-center', { type: 'number', step: 'any', inputmode: 'decimal' });
  const width = h('input#window-width', { type: 'number', step: 'any', min: 1, inputmode: 'decimal' });
  const state = h('p.window-state#window-state', { role: 'status' });

  const load = async () => {
    const ticket = ++pending;
    const query = new URLSearchParams({ viewport: `${VIEWPORT},${VIEWPORT}`, quality: '90' });
    if (window) query.set('window', `${round(window.center)},${round(window.width)}`);
    const response = await request(`${base(instance)}/rendered?${query}`, { accept: 'image/jpeg' });
    const blob = await response.blob();
    if (ticket !== pending) return; // a newer window is on its way
    if (objectUrl) URL.revokeObjectURL(objectUrl);
    objectUrl = URL.createObjectURL(blob);
    image.src = objectUrl;
    image.removeAttribute('width');
    image.removeAttribute('height');
    state.textContent = window ? t('image.applied', { center: formatNumber(window.center), width: formatNumber(window.width) }) : t('image.default');
  };
  const show = values => {
    center.value = values ? round(values.center) : '';
    width.value = values ? round(values.width) : '';
  };
  const apply = () => {
    const c = Number(center.value);
    const w = Number(width.value);
    if (center.value === '' || width.value === '' || !Number.isFinite(c) || !(w >= 1)) return;
    window = { center: c, width: w };
    load();
  };
  let timer = null;
  const applySoon = () => {
    clearTimeout(timer);
    timer = setTimeout(apply, 300);
  };
  center.addEventListener('input', applySoon);
  width.addEventListener('input', applySoon);

  // Drag: up/down moves the level, left/right widens or narrows the window (as on a PACS workstation).
  let drag = null;
  image.addEventListener('pointerdown', e => {
    const from = window ?? defaults;
    if (!from) return;
    drag = { x: e.clientX, y: e.clientY, from, scale: Math.max(1, from.width / 256) };
    image.setPointerCapture(e.pointerId);
  });
  image.addEventListener('pointermove', e => {
    if (!drag) return;
    const next = { center: drag.from.center - (e.clientY - drag.y) * drag.scale, width: Math.max(1, drag.from.width + (e.clientX - drag.x) * drag.scale) };
    show(next);
    applySoon();
  });
  image.addEventListener('pointerup', () => { drag = null; });

  const reset = h('button.secondary#window-reset', { type: 'button', onclick: () => { window = null; show(defaults); load(); } }, t('image.reset'));
  const picker = instances.length > 1
    ? h('div.field', {}, h('label', { for: 'instance-select', text: t('study.instances') }),
      h('select#instance-select', {
        onchange: async e => {
          instance = instances[Number(e.target.value)];
          image.alt = t('image.alt', { n: Number(e.target.value) + 1 });
          defaults = await windowDefaults(base(instance));
          window = null;
          show(defaults);
          load();
        },
      }, instances.map((_, n) => h('option', { value: n, text: `${n + 1} / ${instances.length}` }))))
    : null;

  show(defaults);
  await load();
  return h('div.image-viewer', {},
    h('figure', {}, image, h('figcaption', { text: t('image.hint') })),
    h('fieldset.window', {}, h('legend', { text: t('image.window') }),
      picker,
      h('div.field', {}, h('label', { for: 'window-center', text: t('image.center') }), center),
      h('div.field', {}, h('label', { for: 'window-width', text: t('image.width') }), width),
      reset, state));
}

function round(value) {
  return Math.round(value * 10) / 10;
}

/** The window the image itself proposes (0028,1050/1051), else its full stored range through the rescale. */
async function windowDefaults(instancePath) {
  try {
    const { data } = await getJson(`${instancePath}/metadata`, { accept: 'application/dicom+json' });
    const item = data[0] ?? {};
    const first = tag => item[tag]?.Value?.[0];
    const center = Number(first('00281050'));
    const width = Number(first('00281051'));
    if (Number.isFinite(center) && width > 0) return { center, width };
    const bits = Number(first('00280101') ?? 8);
    const slope = Number(first('00281053') ?? 1);
    const intercept = Number(first('00281052') ?? 0);
    const range = 2 ** bits * slope;
    return { center: intercept + range / 2, width: range };
  } catch {
    return null;
  }
}
