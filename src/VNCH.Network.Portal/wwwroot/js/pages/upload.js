import { h, clear, announce } from '../dom.js';
import { t, formatNumber } from '../i18n.js';
import { upload } from '../api.js';

/**
 * Browser upload for hospitals without an integration engine: files or whole folders, dropped or chosen, sent one
 * at a time to POST /api/v1/studies with a progress bar each. The content type comes from the file name when the
 * browser does not know it (DICOM files often have none or no extension).
 */
// The uploads of this tab, kept in memory across re-renders (switching the language redraws the page, not the queue).
const items = [];
const queue = [];
let running = false;
let view = null;

export async function uploadPage(container) {
  const rows = h('tbody');
  const summary = h('p.upload-summary#upload-summary', { role: 'status' });
  const filesInput = h('input#upload-files.visually-hidden', { type: 'file', multiple: true, tabindex: '-1' });
  const folderInput = h('input#upload-folder.visually-hidden', { type: 'file', multiple: true, webkitdirectory: true, tabindex: '-1' });
  view = { rows, summary };
  items.forEach(item => rows.append(row(item)));
  summarise();

  const enqueue = files => {
    for (const file of files) {
      if (file.name.startsWith('.')) continue; // hidden files of the operating system (.DS_Store, ...)
      const item = { file, name: file.webkitRelativePath || file.relativePath || file.name, fraction: 0, state: 'queued', outcome: null };
      items.push(item);
      queue.push(item);
      view.rows.append(row(item));
    }
    summarise();
    if (!running) run();
  };

  const zone = h('div.drop-zone#drop-zone', { tabindex: '0', role: 'button', 'aria-describedby': 'upload-intro' },
    h('p', { text: t('upload.drop') }));
  zone.addEventListener('click', () => filesInput.click());
  zone.addEventListener('keydown', e => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      filesInput.click();
    }
  });
  // Both must be cancelled for the browser to allow a drop here (HTML drag and drop processing model).
  for (const type of ['dragenter', 'dragover']) {
    zone.addEventListener(type, e => {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
      zone.classList.add('over');
    });
  }
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', async e => {
    e.preventDefault();
    zone.classList.remove('over');
    enqueue(await droppedFiles(e.dataTransfer));
  });
  filesInput.addEventListener('change', () => { enqueue([...filesInput.files]); filesInput.value = ''; });
  folderInput.addEventListener('change', () => { enqueue([...folderInput.files]); folderInput.value = ''; });

  container.append(
    h('h1', { text: t('upload.title') }),
    h('p#upload-intro', { text: t('upload.intro') }),
    zone,
    h('div.actions', {},
      h('button#choose-files', { type: 'button', onclick: () => filesInput.click(), text: t('upload.files') }),
      h('button.secondary#choose-folder', { type: 'button', onclick: () => folderInput.click(), text: t('upload.folder') }),
      h('label.visually-hidden', { for: 'upload-files', text: t('upload.files') }), filesInput,
      h('label.visually-hidden', { for: 'upload-folder', text: t('upload.folder') }), folderInput),
    summary,
    h('table.data.upload-table', {},
      h('thead', {}, h('tr', {}, ['upload.file', 'upload.size', 'upload.progress', 'upload.result'].map(k => h('th', { scope: 'col', text: t(k) })))),
      rows));
}

async function run() {
  running = true;
  for (let item = queue.shift(); item; item = queue.shift()) {
    item.state = 'sending';
    update(item);
    try {
      const { status, body } = await upload(item.file, contentTypeOf(item.file), fraction => { item.fraction = fraction; update(item); });
      item.fraction = 1;
      item.outcome = { status, body };
    } catch (error) {
      item.outcome = { error: error.message };
    }
    item.state = 'done';
    update(item);
    summarise();
  }
  running = false;
  announce(view.summary.textContent);
}

function summarise() {
  const done = items.filter(i => i.state === 'done').length;
  view.summary.textContent = items.length ? t('upload.summary', { done, total: items.length }) : '';
}

function row(item) {
  item.progress = h('progress', { max: 1, value: item.fraction, 'aria-label': `${t('upload.progress')}: ${item.name}` });
  item.result = h('td.result');
  update(item);
  return h('tr', {}, h('th', { scope: 'row', text: item.name }), h('td', { text: size(item.file.size) }), h('td', {}, item.progress), item.result);
}

function update(item) {
  item.progress.value = item.fraction;
  if (item.state !== 'done') {
    item.result.textContent = t(`upload.${item.state}`);
  } else if (item.outcome.error) {
    item.result.textContent = t('upload.error', { detail: item.outcome.error });
  } else {
    clear(item.result).append(...outcome(item.outcome.status, item.outcome.body));
  }
}

function outcome(status, body) {
  if (!body) return [t('upload.error', { detail: `HTTP ${status}` })];
  if (!body.instances) return [t('upload.error', { detail: body.detail ?? body.title ?? `HTTP ${status}` })];
  const parts = [];
  for (const instance of body.instances) {
    const text = instance.status === 'failed' ? t('upload.failed', { reason: instance.reason ?? '' }) : t(`upload.${instance.status}`);
    parts.push(h(`span.badge.upload-${instance.status}`, { text }));
    if (instance.studyId) parts.push(' ', h('a.study-link', { href: `#/studies/${encodeURIComponent(instance.studyId)}`, text: t('upload.openStudy') }));
  }
  return parts;
}

function size(bytes) {
  return bytes >= 1048576 ? `${formatNumber(bytes / 1048576, 1)} MB` : `${formatNumber(Math.max(1, Math.round(bytes / 1024)))} kB`;
}

const BY_EXTENSION = { dcm: 'application/dicom', dicom: 'application/dicom', xml: 'application/xml', json: 'application/json' };

export function contentTypeOf(file) {
  const extension = /\.([a-z0-9]+)$/i.exec(file.name)?.[1]?.toLowerCase();
  if (extension && BY_EXTENSION[extension]) return BY_EXTENSION[extension];
  if (file.type === 'application/json' || file.type.endsWith('+json')) return 'application/json';
  if (file.type.endsWith('/xml')) return 'application/xml';
  return 'application/dicom'; // DICOM files from modalities usually have no extension at all
}

/** Files of a drop, folders walked recursively (File System entries API; plain files where it is missing). */
async function droppedFiles(transfer) {
  const entries = [...transfer.items].map(item => item.webkitGetAsEntry?.()).filter(Boolean);
  if (entries.length === 0) return [...transfer.files];
  const files = [];
  const walk = async (entry, path) => {
    if (entry.isFile) {
      const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
      file.relativePath = path + file.name;
      files.push(file);
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) break;
        for (const child of batch) await walk(child, `${path}${entry.name}/`);
      }
    }
  };
  for (const entry of entries) await walk(entry, '');
  return files;
}
