import { h } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { request, ApiError } from '../api.js';
import { reviewOf, concept, value } from './analysis.js';
import { announce } from '../dom.js';

const DECISIONS = ['confirm', 'reject', 'amend'];

/**
 * POST /api/v1/studies/{id}/review with If-Match: the ETag of the study as this page read it. A 412 means someone
 * else decided meanwhile: the page reloads with their decision and says so, and nothing is overwritten.
 */
export function reviewView(study, etag, studyPath, user, reload) {
  const current = reviewOf(study);
  const status = h('p.status#review-status', { role: 'status' });
  const parts = [];
  if (current) {
    parts.push(h('p.current-review#current-review', {
      text: t('review.current', {
        decision: t(`review.${current.decision}`) ?? current.decision,
        who: current.reviewer?.name ?? current.reviewer?.display ?? current.performer ?? current.by ?? '',
        when: formatDateTime(current.reviewedAt ?? current.at ?? current.decidedAt),
      }),
    }));
  }
  if (!(study.analyses ?? []).length) return parts;
  if (!user.has('Studies.Review')) {
    parts.push(h('p', { text: t('review.forbidden') }));
    return parts;
  }
  const comment = h('textarea#review-comment', { name: 'comment', rows: 3, maxlength: 4000 });
  const amendments = amendTable(study);
  const form = h('form.review-form#review-form', {},
    h('p', { text: t('review.intro') }),
    h('fieldset', {}, h('legend', { text: t('review.decision') }),
      DECISIONS.map(d => h('label.radio', {}, h('input', {
        type: 'radio', name: 'decision', value: d, required: true, id: `decision-${d}`,
        onchange: () => { amendments.hidden = d !== 'amend'; },
      }), ` ${t(`review.${d}`)}`))),
    amendments,
    h('label', { for: 'review-comment', text: t('review.comment') }),
    comment,
    h('div.actions', {}, h('button#review-submit', { type: 'submit', text: t('review.submit') })),
    status);
  form.addEventListener('submit', async e => {
    e.preventDefault();
    const decision = new FormData(form).get('decision');
    if (!decision) return;
    form.querySelector('button').disabled = true;
    try {
      const findings = decision === 'amend' ? amendedFindings(amendments) : [];
      await request(`${studyPath}/review`, { method: 'POST', body: { decision, comment: comment.value, findings }, ifMatch: etag });
      announce(t('review.done', { decision: t(`review.${decision}`) }));
      sessionStorage.setItem('vnch.portal.flash', t('review.done', { decision: t(`review.${decision}`) }));
      await reload();
    } catch (error) {
      form.querySelector('button').disabled = false;
      if (error instanceof ApiError && error.status === 412) {
        sessionStorage.setItem('vnch.portal.flash', t('review.stale'));
        await reload();
      } else if (error instanceof ApiError && (error.status === 404 || error.status === 405)) {
        status.textContent = t('review.unavailable');
      } else if (error instanceof ApiError && error.status === 400) {
        status.textContent = t('common.error', { detail: error.message });
      } else if (error instanceof ApiError && error.status === 403) {
        status.textContent = t('review.forbidden');
      } else {
        status.textContent = t('common.error', { detail: error.message });
      }
    }
  });
  parts.push(form);
  return parts;
}

/**
 * For "amend": one row per finding with a number (quantities and scores can be amended here; the others are
 * confirmed or rejected). Rows left unchanged are confirmed by the server.
 */
function amendTable(study) {
  const rows = [];
  for (const analysis of study.analyses ?? []) {
    for (const finding of analysis.findings ?? []) {
      const numeric = finding.value && typeof finding.value.value === 'number';
      const id = `amend-${analysis.analyser.id}-${finding.key}`.replace(/[^\w-]/g, '-');
      const choice = h(`select#${id}-decision`, { dataset: { analyser: analysis.analyser.id, finding: finding.key ?? '' } },
        ['confirm', 'reject', ...(numeric ? ['amend'] : [])].map(d => h('option', { value: d, text: t(`review.${d}`) })));
      const input = numeric ? h(`input#${id}-value`, { type: 'number', step: 'any', value: finding.value.value }) : null;
      if (input) input.addEventListener('input', () => { choice.value = 'amend'; });
      rows.push(h('tr', {},
        h('th', { scope: 'row', text: `${concept(finding.code)}${finding.value?.unit ? ` (${finding.value.unit})` : ''}` }),
        h('td', { text: value(finding.value) }),
        h('td', {}, h('label.visually-hidden', { for: `${id}-decision`, text: `${t('review.decision')}: ${concept(finding.code)}` }), choice),
        h('td', {}, input ? [h('label.visually-hidden', { for: `${id}-value`, text: `${t('review.amendedValue')}: ${concept(finding.code)}` }), input] : '')));
    }
  }
  return h('table.data.compact.amend-table', { hidden: true },
    h('caption', { text: t('review.amendCaption') }),
    h('thead', {}, h('tr', {}, ['analysis.label', 'analysis.value', 'review.decision', 'review.amendedValue'].map(k => h('th', { scope: 'col', text: t(k) })))),
    h('tbody', {}, rows));
}

function amendedFindings(table) {
  return [...table.querySelectorAll('select')].filter(select => select.value !== 'confirm').map(select => {
    const input = select.closest('tr').querySelector('input');
    return {
      analyser: select.dataset.analyser,
      finding: select.dataset.finding,
      decision: select.value,
      value: select.value === 'amend' && input ? Number(input.value) : null,
    };
  });
}
