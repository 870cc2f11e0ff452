// OpenID Connect sign-in (config.json auth.mode = "msal"): MSAL.js (@azure/msal-browser from npm, pinned in
// package-lock.json, served as vendor/msal-browser.min.js by the embedded host and by the Azure build; nothing is
// loaded from a CDN under the CSP). Entra ID (protocolMode AAD) in Azure, or any OpenID provider the embedded host
// trusts (protocolMode OIDC). Authorization code flow with PKCE by redirect back to the portal's own page, which
// completes it (no popup or iframe, so no redirect bridge page). The access token for the API is kept like a pasted
// one: sessionStorage, this tab only; MSAL's own cache is sessionStorage too.

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

let application = null;

async function client(auth) {
  if (application) return application;
  const msal = await loadLibrary();
  const app = new msal.PublicClientApplication({
    auth: {
      clientId: auth.clientId,
      authority: auth.authority,
      // An authority that is not Entra ID's must be named as known (MSAL then reads its metadata, not Microsoft's).
      knownAuthorities: [new URL(auth.authority).host],
      redirectUri: auth.redirectUri ?? `${location.origin}${location.pathname}`,
    },
    cache: { cacheLocation: 'sessionStorage' },
    system: { protocolMode: auth.protocolMode ?? 'AAD' },
  });
  await app.initialize();
  application = app;
  return app;
}

/** Completes a redirect back from the provider if there is one; returns an API access token or null. */
export async function completeSignIn(auth) {
  const app = await client(auth);
  const result = await app.handleRedirectPromise({ navigateToLoginRequestUrl: false });
  const account = result?.account ?? app.getAllAccounts()[0];
  if (!account) return null;
  const token = await app.acquireTokenSilent({ scopes: auth.scopes, account });
  return token.accessToken;
}

export async function startSignIn(auth) {
  const app = await client(auth);
  await app.loginRedirect({ scopes: auth.scopes });
}
