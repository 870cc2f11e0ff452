import { h, clear, saveBlob } from '../dom.js';
import { t, formatDateTime, formatDate, formatAge } from '../i18n.js';
import { getJson, getBlob, ApiError } from '../api.js';
import { analysesView, reviewState } from '../views/analysis.js';
import { imageView } from '../views/image.js';
import { ecgView } from '../views/ecg.js';
import { audiogramView } from '../views/audiogram.js';
import { fhirView } from '../views/fhir.js';
import { auditView } from '../views/audit.js';
import { reviewView } from '../views/review.js';

/** One study: overview, AI result, picture (image, ECG or audiogram), review form, FHIR records, audit, original. */
export async function studyPage(container, { params, user }) {
  const id = params[0];
  const path = `/api/v1/studies/${encodeURIComponent(id)}`;
  let loaded;
  try {
    loaded = await getJson(path);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      container.append(h('h1', { text: t('studies.title') }), h('p.error', { role: 'alert', text: t('common.notFound') }), back());
      return;
    }
    throw error;
  }
  const { data: study, etag } = loaded;
  const summary = study.summary;
  const reload = () => studyPage(clear(container), { params, user });

  const sections = [
    ['result', t('study.result')],
    ['picture', t('study.picture')],
    ['review', t('review.title')],
    ['records', t('study.records')],
    ['audit', t('study.audit')],
    ['original', t('study.original')],
  ];
  const flash = sessionStorage.getItem('vnch.portal.flash');
  sessionStorage.removeItem('vnch.portal.flash');
  container.append(
    back(),
    flash ? h('p.notice#flash', { role: 'status', text: flash }) : null,
    h('h1', { text: t('study.title', { kind: t(`kind.${summary.kind}`) }) }),
    h('nav.toc', { 'aria-label': t('study.sections') }, h('ul', {}, sections.map(([key, label]) =>
      h('li', {}, h('a', { href: `#study-${key}`, onclick: e => { e.preventDefault(); jump(`study-${key}`); }, text: label }))))),
    overview(study));

  const section = (key, label, ...content) => h(`section.card#study-${key}`, { 'aria-labelledby': `study-${key}-title`, tabindex: '-1' },
    h('h2', { id: `study-${key}-title`, text: label }), ...content);

  const state = reviewState(study);
  container.append(section('result', t('study.result'),
    state === 'pending' ? h('p.preliminary', { text: t('analysis.preliminary') }) : null,
    analysesView(study)));
  const picture = section('picture', t('study.picture'));
  container.append(picture);
  container.append(section('review', t('review.title'), reviewView(study, etag, path, user, reload)));
  const records = section('records', t('study.records'));
  const audit = section('audit', t('study.audit'));
  container.append(records, audit, section('original', t('study.original'), originalButton(path, study)));

  // The picture, records and audit load side by side; each says itself what it could not load.
  await Promise.all([
    fill(picture, () => pictureOf(study, path)),
    fill(records, () => fhirView(path)),
    fill(audit, () => auditView(path)),
  ]);
}

async function fill(section, make) {
  const placeholder = h('p', { text: t('common.loading') });
  section.append(placeholder);
  try {
    const content = await make();
    placeholder.replaceWith(...[content].flat().filter(Boolean));
  } catch (error) {
    placeholder.replaceWith(h('p.error', { text: t('common.error', { detail: error.message }) }));
  }
}

function pictureOf(study, path) {
  switch (study.summary.kind) {
    case 'imaging': return imageView(study);
    case 'ecg': return ecgView(path);
    case 'audiogram': return audiogramView(path);
    default: return h('p', { text: t('common.none') });
  }
}

function back() {
  return h('p.back', {}, h('a', { href: '#/studies', text: `← ${t('study.back')}` }));
}

function jump(id) {
  const target = document.getElementById(id);
  target.scrollIntoView();
  target.focus();
}

function overview(study) {
  const s = study.summary;
  const p = study.patient;
  return h('section.card.overview', { 'aria-label': t('study.overview') }, h('dl.facts.wide', {},
    fact(t('studies.status'), h(`span.badge.status-${s.status}`, { text: t(`status.${s.status}`) })),
    s.reason ? fact(t('study.reason'), `${s.reason.code}${s.reason.message ? `: ${s.reason.message}` : ''}`) : null,
    fact(t('studies.kind'), t(`kind.${s.kind}`)),
    s.modality ? fact(t('studies.modality'), s.modality) : null,
    fact(t('studies.received'), formatDateTime(s.createdAt)),
    study.studyDate ? fact(t('study.studyDate'), formatDate(study.studyDate)) : null,
    p ? fact(t('study.patient'), `${p.id ?? ''}`) : null,
    p ? fact(t('study.sex'), t(`sex.${p.sex}`)) : null,
    p && p.ageInDays !== null && p.ageInDays !== undefined ? fact(t('study.age'), formatAge(p.ageInDays)) : null,
    fact(t('study.instances'), String(s.instanceCount)),
    fact(t('studies.review'), t(`review.state.${reviewState(study)}`))));
}

function fact(term, value) {
  return [h('dt', { text: term }), h('dd', {}, value)];
}

/** The stored original, byte for byte, through GET /api/v1/studies/{id}/original. */
function originalButton(path, study) {
  const status = h('p.status', { role: 'status' });
  const button = h('button.secondary#download-original', {
    type: 'button',
    onclick: async () => {
      status.textContent = t('common.loading');
      try {
        const { blob, fileName } = await getBlob(`${path}/original`, '*/*');
        saveBlob(blob, fileName ?? `${study.summary.id}${extension(blob.type)}`);
        status.textContent = '';
      } catch (error) {
        status.textContent = t('common.error', { detail: error.message });
      }
    },
  }, t('study.downloadOriginal'));
  return [button, status];
}

function extension(type) {
  if (type.includes('dicom')) return '.dcm';
  if (type.includes('xml')) return '.xml';
  if (type.includes('json')) return '.json';
  if (type.includes('multipart') || type.includes('zip')) return '.zip';
  return '.bin';
}
