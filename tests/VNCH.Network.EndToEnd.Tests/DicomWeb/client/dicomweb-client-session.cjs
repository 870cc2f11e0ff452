// One session of the npm dicomweb-client (the library OHIF uses) against a DICOMweb base URL with a bearer token:
// search, retrieve and render, printing what it got as JSON on stdout for the C# test to check.
// Usage: node dicomweb-client-session.cjs <base-url> <token> <study> <series> <instance>
'use strict';
global.XMLHttpRequest = require('xhr2');
const crypto = require('crypto');
const { api } = require('dicomweb-client');

const [, , url, token, studyInstanceUID, seriesInstanceUID, sopInstanceUID] = process.argv;
const sha256 = (buffer) => crypto.createHash('sha256').update(Buffer.from(buffer)).digest('hex');
const text = (attributes, tag) => (attributes[tag] && attributes[tag].Value ? attributes[tag].Value[0] : null);

(async () => {
  const client = new api.DICOMwebClient({ url, headers: { Authorization: `Bearer ${token}` } });
  const ids = { studyInstanceUID, seriesInstanceUID, sopInstanceUID };

  const studies = await client.searchForStudies({ queryParams: { PatientName: 'nguyễn*', includefield: 'IssuerOfPatientID' } });
  const series = await client.searchForSeries({ studyInstanceUID });
  const instances = await client.searchForInstances({ studyInstanceUID, seriesInstanceUID });
  const metadata = await client.retrieveStudyMetadata({ studyInstanceUID });
  const instance = await client.retrieveInstance(ids);
  const study = await client.retrieveStudy({ studyInstanceUID });
  const frames = await client.retrieveInstanceFrames({ ...ids, frameNumbers: [1] });
  const rendered = await client.retrieveInstanceRendered({ ...ids, mediaTypes: [{ mediaType: 'image/png' }] });

  let refused = null;
  try {
    await client.retrieveStudy({ studyInstanceUID: '9.9.9.9' });
  } catch (error) {
    refused = error.status || error.message;
  }

  process.stdout.write(JSON.stringify({
    studies: studies.map((s) => ({
      uid: text(s, '0020000D'),
      name: text(s, '00100010') && text(s, '00100010').Alphabetic,
      issuer: text(s, '00100021'),
      instances: text(s, '00201208'),
    })),
    series: series.map((s) => ({ uid: text(s, '0020000E'), modality: text(s, '00080060') })),
    instances: instances.map((i) => text(i, '00080018')),
    metadata: metadata.map((m) => ({ uid: text(m, '00080018'), pixelData: m['7FE00010'] ? m['7FE00010'].BulkDataURI || null : null })),
    instanceSha256: sha256(instance),
    studySha256: study.map(sha256),
    frameBytes: frames.map((f) => Buffer.from(f).toString('base64')),
    // A single-part answer comes back as a one-element array of ArrayBuffer.
    renderedPng: Buffer.from(Array.isArray(rendered) ? rendered[0] : rendered).toString('base64'),
    refused,
  }));
})().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : JSON.stringify(error)}\n`);
  process.exit(1);
});
