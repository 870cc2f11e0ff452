// The session: a bearer token kept in sessionStorage (this tab only, gone when it closes) and never in localStorage,
// cookies or the URL. In embedded mode the user pastes a development token (`vnch token ...`); with Entra ID the
// token comes from MSAL (see docs/portal.md) and is kept the same way.

const KEY = 'vnch.session.token';

export function token() {
  const value = sessionStorage.getItem(KEY);
  if (!value) return null;
  const claims = decode(value);
  if (!claims || (claims.exp && claims.exp * 1000 <= Date.now())) {
    signOut();
    return null;
  }
  return value;
}

/** Checks the token's shape and lifetime and keeps it; the server checks the signature on every call. */
export function signIn(value) {
  const trimmed = (value ?? '').trim().replace(/^Bearer\s+/i, '');
  const claims = decode(trimmed);
  if (!claims) return { ok: false, reason: 'malformed' };
  if (claims.exp && claims.exp * 1000 <= Date.now()) return { ok: false, reason: 'expired' };
  sessionStorage.setItem(KEY, trimmed);
  return { ok: true, claims };
}

export function signOut() {
  sessionStorage.removeItem(KEY);
}

/** The current user's claims: who (sub, name), which hospital (vnch_tenant, tid), roles, expiry. */
export function session() {
  const value = token();
  if (!value) return null;
  const claims = decode(value);
  const roles = Array.isArray(claims.roles) ? claims.roles : claims.roles ? [claims.roles] : [];
  return {
    subject: claims.name ?? claims.preferred_username ?? claims.sub ?? '',
    tenant: claims.vnch_tenant ?? claims.tid ?? '',
    roles,
    expires: claims.exp ? new Date(claims.exp * 1000) : null,
    has: role => roles.includes(role),
  };
}

function decode(jwt) {
  const parts = jwt.split('.');
  if (parts.length !== 3) return null;
  try {
    const base64 = parts[1].replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(parts[1].length / 4) * 4, '=');
    const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes));
    return claims && typeof claims === 'object' ? claims : null;
  } catch {
    return null;
  }
}
