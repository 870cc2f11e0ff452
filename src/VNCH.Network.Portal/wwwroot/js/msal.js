// Entra ID sign-in for the Azure deployment (config.json auth.mode = "msal"): MSAL.js 2+ (@azure/msal-browser from
// npm, copied to vendor/msal-browser.min.js at deployment; nothing is loaded from a CDN under the CSP). The access
// token for the API is kept like a pasted one: sessionStorage, this tab only. Not exercised by the tests (they run
// the embedded host, which has no Entra ID); see docs/portal.md.

function loadLibrary() {
  if (window.msal) return Promise.resolve(window.msal);
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = 'vendor/msal-browser.min.js';
    script.addEventListener('load', () => resolve(window.msal));
    script.addEventListener('error', () => reject(new Error('vendor/msal-browser.min.js is missing from this deployment')));
    document.head.append(script);
  });
}

async function client(auth) {
  const msal = await loadLibrary();
  const app = new msal.PublicClientApplication({
    auth: { clientId: auth.clientId, authority: auth.authority, redirectUri: auth.redirectUri ?? `${location.origin}${location.pathname}` },
    cache: { cacheLocation: 'sessionStorage', storeAuthStateInCookie: false },
  });
  await app.initialize();
  return app;
}

/** Completes a redirect back from Entra ID if there is one; returns an API access token or null. */
export async function completeSignIn(auth) {
  const app = await client(auth);
  const result = await app.handleRedirectPromise();
  const account = result?.account ?? app.getAllAccounts()[0];
  if (!account) return null;
  const token = await app.acquireTokenSilent({ scopes: auth.scopes, account });
  return token.accessToken;
}

export async function startSignIn(auth) {
  const app = await client(auth);
  await app.loginRedirect({ scopes: auth.scopes });
}
