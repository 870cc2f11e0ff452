import { h } from '../dom.js';
import { t } from '../i18n.js';
import { getJson } from '../api.js';

/** The study's FHIR R4 Bundle: one row per resource with what a clinician looks for, and its JSON on demand. */
export async function fhirView(studyPath) {
  const { data: bundle } = await getJson(`${studyPath}/fhir`, { accept: 'application/fhir+json' });
  const resources = (bundle.entry ?? []).map(e => e.resource).filter(Boolean);
  return h('div.fhir', {},
    h('table.data.compact.fhir-table', {},
      h('thead', {}, h('tr', {}, ['fhir.resource', 'fhir.status', 'fhir.summary', 'fhir.json'].map(k => h('th', { scope: 'col', text: t(k) })))),
      h('tbody', {}, resources.map(resource => h('tr', { dataset: { resourceType: resource.resourceType, status: resource.status ?? '' } },
        h('th', { scope: 'row' }, h('span.resource-type', { text: resource.resourceType }), h('br'), h('code.resource-id', { text: resource.id ?? '' })),
        h('td', {}, resource.status ? h(`span.badge.fhir-${resource.status}`, { text: resource.status }) : ''),
        h('td', { text: summarise(resource) }),
        h('td', {}, h('details', {}, h('summary', { text: t('fhir.json') }), h('pre.json', { text: JSON.stringify(resource, null, 2) }))))))));
}

function text(codeable) {
  if (!codeable) return '';
  return codeable.text ?? codeable.coding?.map(c => c.display ?? c.code).filter(Boolean).join(', ') ?? '';
}

function summarise(r) {
  switch (r.resourceType) {
    case 'Patient': return [r.gender, r.birthDate].filter(Boolean).join(', ');
    case 'DiagnosticReport': return [text(r.code), r.conclusion, performer(r)].filter(Boolean).join(' — ');
    case 'Observation': return [text(r.code), value(r), text(r.interpretation?.[0])].filter(Boolean).join(': ');
    case 'Device': return [r.deviceName?.[0]?.name, r.version?.map(v => v.value).join(', ')].filter(Boolean).join(' ');
    case 'ImagingStudy': return [r.modality?.map(m => m.code).join(', '), r.numberOfInstances && `${r.numberOfInstances} instance(s)`].filter(Boolean).join(', ');
    case 'Provenance': return [r.recorded, r.agent?.map(a => a.who?.display ?? a.who?.reference).join(', '), r.activity && text(r.activity)].filter(Boolean).join(' — ');
    default: return text(r.code);
  }
}

function performer(r) {
  return (r.performer ?? []).map(p => p.display ?? p.reference).filter(Boolean).join(', ');
}

function value(o) {
  if (o.valueQuantity) return `${o.valueQuantity.value} ${o.valueQuantity.unit ?? o.valueQuantity.code ?? ''}`.trim();
  if (o.valueCodeableConcept) return text(o.valueCodeableConcept);
  if (o.valueBoolean !== undefined) return String(o.valueBoolean);
  if (o.valueString) return o.valueString;
  return '';
}
