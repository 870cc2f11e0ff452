// The portal's only way to data: the public HTTP API (docs/api.md) with the session's bearer token.
import { token } from './auth.js';

let apiBase = '';

export function configure(config) {
  apiBase = (config?.apiBase ?? '').replace(/\/$/, '');
}

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem ?? {};
  }

  get slug() {
    return (this.problem.type ?? '').split('/').pop();
  }
}

/** Listeners told when the server says the session is over (401). */
const unauthorised = new Set();
export const onUnauthorised = listener => unauthorised.add(listener);

function headers(extra) {
  const result = new Headers(extra);
  const bearer = token();
  if (bearer) result.set('Authorization', `Bearer ${bearer}`);
  return result;
}

export async function request(path, { method = 'GET', accept = 'application/json', body, contentType, ifMatch, allow = [] } = {}) {
  const init = { method, headers: headers({ Accept: accept }), cache: 'no-store' };
  if (body !== undefined) {
    init.body = typeof body === 'string' || body instanceof Blob ? body : JSON.stringify(body);
    init.headers.set('Content-Type', contentType ?? 'application/json');
  }
  if (ifMatch) init.headers.set('If-Match', ifMatch);
  const response = await fetch(apiBase + path, init);
  if (response.ok || allow.includes(response.status)) return response;
  let problem = null;
  try {
    problem = await response.json();
  } catch {
    problem = null;
  }
  if (response.status === 401) unauthorised.forEach(listener => listener());
  throw new ApiError(response.status, problem);
}

export async function getJson(path, options) {
  const response = await request(path, options);
  return { data: await response.json(), etag: response.headers.get('ETag'), status: response.status };
}

export async function getBlob(path, accept) {
  const response = await request(path, { accept });
  return { blob: await response.blob(), fileName: fileNameOf(response) };
}

function fileNameOf(response) {
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star) return decodeURIComponent(star[1]);
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1] : null;
}

/**
 * Uploads one file with XMLHttpRequest (fetch reports no upload progress). Resolves with {status, body}; rejects
 * only when the request could not be made.
 */
export function upload(file, contentType, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${apiBase}/api/v1/studies`);
    headers({ Accept: 'application/json', 'Content-Type': contentType }).forEach((value, name) => xhr.setRequestHeader(name, value));
    xhr.upload.addEventListener('progress', e => e.lengthComputable && onProgress(e.loaded / e.total));
    xhr.addEventListener('load', () => {
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status === 401) unauthorised.forEach(listener => listener());
      resolve({ status: xhr.status, body });
    });
    xhr.addEventListener('error', () => reject(new Error('network')));
    xhr.send(file);
  });
}
