// The portal for a static host (Azure Static Web Apps, deployed by azd: azure.yaml service "portal"). Writes dist/:
//   - wwwroot as it is (the same files the embedded host serves);
//   - vendor/msal-browser.min.js from node_modules (npm ci; nothing is loaded from a CDN under the CSP);
//   - config.json: the API's origin and Entra ID sign-in (MSAL) from the azd environment;
//   - staticwebapp.config.json: the headers of security-headers.json, connect-src widened to the API's and the
//     authority's origins (the only other origins the portal talks to).
// Run by azd's prepackage hook with the environment's outputs (infra/main.bicep) as variables:
//   SERVICE_API_URI, AZURE_PORTAL_CLIENT_ID, AZURE_PORTAL_AUTHORITY, AZURE_PORTAL_API_SCOPES.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = process.env.VNCH_PORTAL_DIST ?? join(here, 'dist');

function required(name) {
  const value = (process.env[name] ?? '').trim();
  if (!value) {
    console.error(`build.mjs: ${name} is not set (azd sets it from infra/main.bicep's outputs; see docs/portal.md).`);
    process.exit(1);
  }
  return value;
}

function httpsOrigin(name) {
  const url = new URL(required(name));
  if (url.protocol !== 'https:') {
    console.error(`build.mjs: ${name} must be an https URL, not ${url.href}.`);
    process.exit(1);
  }
  return url;
}

const api = httpsOrigin('SERVICE_API_URI');
const authority = httpsOrigin('AZURE_PORTAL_AUTHORITY');
const clientId = required('AZURE_PORTAL_CLIENT_ID');
const scopes = required('AZURE_PORTAL_API_SCOPES').split(/[\s,]+/).filter(Boolean);
const msal = join(here, 'node_modules', '@azure', 'msal-browser', 'lib', 'msal-browser.min.js');
if (!existsSync(msal)) {
  console.error('build.mjs: run npm ci first (node_modules/@azure/msal-browser is missing).');
  process.exit(1);
}

rmSync(out, { recursive: true, force: true });
cpSync(join(here, 'wwwroot'), out, { recursive: true });
mkdirSync(join(out, 'vendor'), { recursive: true });
cpSync(msal, join(out, 'vendor', 'msal-browser.min.js'));

const config = {
  apiBase: api.origin,
  auth: { mode: 'msal', clientId, authority: authority.href.replace(/\/$/, ''), scopes },
};
writeFileSync(join(out, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);

const security = JSON.parse(readFileSync(join(here, 'security-headers.json'), 'utf8'));
const directives = { ...security.contentSecurityPolicy };
directives['connect-src'] = [...new Set([...directives['connect-src'], api.origin, authority.origin])];
const csp = Object.entries(directives).map(([name, sources]) => `${name} ${sources.join(' ')}`).join('; ');
const staticWebApp = {
  globalHeaders: { 'Content-Security-Policy': csp, ...security.headers },
  // Every page is index.html with a hash route; config.json is read on every load and must not be cached stale.
  routes: [{ route: '/config.json', headers: { 'Cache-Control': 'no-cache' } }],
  mimeTypes: { '.json': 'application/json', '.js': 'text/javascript', '.svg': 'image/svg+xml' },
};
writeFileSync(join(out, 'staticwebapp.config.json'), `${JSON.stringify(staticWebApp, null, 2)}\n`);
console.log(`build.mjs: portal written to ${out} (API ${api.origin}, authority ${authority.origin})`);
