// Who the console acts as, in each auth mode:
// - single-user: nobody logs in; the server acts for the local user.
// - unprotected: the server trusts a user id; the console asks for it and sends it as `user_id`.
// - auth0 (any OIDC issuer): authorization code flow with PKCE. Tokens live in this module's variables
//   only (never localStorage, sessionStorage, cookies or URLs); sessionStorage holds only the PKCE
//   verifier and state between the redirect to the issuer and back. Tokens are renewed silently
//   with the refresh token before they expire; a page reload means signing in again (the issuer's
//   own session usually makes that one click). Who the user is and their roles come from the server
//   (api/console_config), not from the ID token, which is kept only as the sign-out hint.

const FLOW_KEY = 'guardops.oidc.flow';
const USER_KEY = 'guardops.unprotected.user';

let config = null;          // GET api/console_config, as the server answered without credentials
let discovery = null;       // the issuer's openid-configuration
let accessToken = null;
let refreshToken = null;
let idToken = null;
let renewTimer = null;
let claimedUser = sessionStorage.getItem(USER_KEY); // unprotected mode: not a secret, the server trusts it anyway
const changeListeners = new Set();

function changed(reason) {
  changeListeners.forEach(f => f(reason));
}

function configUrl(params) {
  const u = new URL('api/console_config', document.baseURI);
  for (const [k, v] of Object.entries(params || {})) u.searchParams.set(k, v);
  return u;
}

async function fetchConfig(withCredentials) {
  const headers = {};
  const params = {};
  if (withCredentials) auth.decorate(params, headers);
  const res = await fetch(configUrl(params), { headers, credentials: 'omit', cache: 'no-store' });
  if (!res.ok) throw new Error('the server answered ' + res.status + ' to api/console_config');
  return res.json();
}

function b64url(bytes) {
  let s = '';
  bytes.forEach(b => { s += String.fromCharCode(b); });
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString() {
  return b64url(crypto.getRandomValues(new Uint8Array(32)));
}

async function challengeOf(verifier) {
  if (!crypto.subtle) return { challenge: verifier, method: 'plain' }; // no WebCrypto outside a secure context
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return { challenge: b64url(new Uint8Array(digest)), method: 'S256' };
}

async function loadDiscovery() {
  if (discovery) return discovery;
  const issuer = config.login.issuer.replace(/\/$/, '');
  const res = await fetch(issuer + '/.well-known/openid-configuration', { credentials: 'omit' });
  if (!res.ok) throw new Error('the issuer ' + config.login.issuer + ' answered ' + res.status + ' to its discovery document');
  discovery = await res.json();
  return discovery;
}

function redirectUri() {
  return location.origin + location.pathname;
}

async function tokenRequest(form) {
  const d = await loadDiscovery();
  const res = await fetch(d.token_endpoint, {
    method: 'POST', credentials: 'omit',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  const j = await res.json().catch(() => ({}));
  if (!res.ok || !j.access_token) {
    throw new Error('the issuer refused the sign-in: ' + (j.error_description || j.error || res.status));
  }
  accessToken = j.access_token;
  if (j.refresh_token) refreshToken = j.refresh_token;
  if (j.id_token) idToken = j.id_token;
  scheduleRenewal(Number(j.expires_in) || 3600);
}

function scheduleRenewal(expiresIn) {
  clearTimeout(renewTimer);
  if (!refreshToken) return;
  // renew at three quarters of the lifetime, so that a slow issuer still answers in time
  renewTimer = setTimeout(renew, Math.max(1, expiresIn * 0.75) * 1000);
}

async function renew() {
  try {
    await tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: config.login.client_id });
    changed('renewed');
  } catch (e) {
    accessToken = null;
    changed('expired');
  }
}

export const auth = {
  /** Why the last sign-in failed, or null. */
  signInError: null,

  /** Loads the settings and finishes a sign-in that is coming back from the issuer. */
  async start() {
    config = await fetchConfig(false);
    if (config.mode !== 'auth0' && !config.login) {
      if (config.mode === 'unprotected' && claimedUser) return fetchConfig(true);
      return config;
    }
    const q = new URLSearchParams(location.search);
    if (q.has('code') || q.has('error')) {
      const flow = JSON.parse(sessionStorage.getItem(FLOW_KEY) || 'null');
      sessionStorage.removeItem(FLOW_KEY);
      // the code never stays in the address bar or the history
      history.replaceState(null, '', location.pathname + (flow && flow.hash ? flow.hash : ''));
      try {
        if (q.has('error')) throw new Error('the issuer refused the sign-in: ' + (q.get('error_description') || q.get('error')));
        if (!flow || flow.state !== q.get('state')) throw new Error('the sign-in answer does not match the request sent; sign in again');
        await tokenRequest({
          grant_type: 'authorization_code', code: q.get('code'), redirect_uri: redirectUri(),
          client_id: config.login.client_id, code_verifier: flow.verifier,
        });
      } catch (e) {
        // shown on the sign-in page, which offers to try again
        this.signInError = e;
        return config;
      }
      return fetchConfig(true);
    }
    return config;
  },

  /** The settings as the server sent them, and who the current credentials are. */
  refreshConfig() {
    return fetchConfig(true);
  },

  get mode() {
    return config ? config.mode : null;
  },

  get signedIn() {
    if (!config) return false;
    if (config.login) return accessToken !== null;
    if (config.mode === 'unprotected') return !!claimedUser;
    return true;
  },

  get loginSettings() {
    return config ? config.login : null;
  },

  /** Starts the sign-in: to the issuer's authorization endpoint with PKCE. */
  async signIn() {
    const d = await loadDiscovery();
    const verifier = randomString();
    const state = randomString();
    const { challenge, method } = await challengeOf(verifier);
    sessionStorage.setItem(FLOW_KEY, JSON.stringify({ verifier, state, hash: location.hash }));
    const u = new URL(d.authorization_endpoint);
    const p = {
      response_type: 'code', client_id: config.login.client_id, redirect_uri: redirectUri(),
      scope: config.login.scope, state, code_challenge: challenge, code_challenge_method: method,
    };
    if (config.login.audience) p.audience = config.login.audience;
    Object.entries(p).forEach(([k, v]) => u.searchParams.set(k, v));
    location.assign(u.toString());
  },

  /** Forgets every token and ends the issuer's session when it has an end-session endpoint. */
  async signOut() {
    const hint = idToken;
    accessToken = refreshToken = idToken = null;
    sessionStorage.removeItem('guardops.project');
    clearTimeout(renewTimer);
    if (config.mode === 'unprotected') {
      claimedUser = null;
      sessionStorage.removeItem(USER_KEY);
      changed('signed-out');
      return;
    }
    let d = null;
    try { d = await loadDiscovery(); } catch (e) { /* signed out here in any case */ }
    if (d && d.end_session_endpoint) {
      const u = new URL(d.end_session_endpoint);
      u.searchParams.set('client_id', config.login.client_id);
      u.searchParams.set('post_logout_redirect_uri', redirectUri());
      if (hint) u.searchParams.set('id_token_hint', hint);
      location.assign(u.toString());
      return;
    }
    changed('signed-out');
  },

  /** Unprotected mode: the user the console acts for. */
  useUser(userId) {
    claimedUser = userId;
    sessionStorage.setItem(USER_KEY, userId);
  },

  /** Adds the credentials to a request: the bearer token, or unprotected mode's user_id. */
  decorate(params, headers) {
    if (accessToken) headers.Authorization = 'Bearer ' + accessToken;
    if (config && config.mode === 'unprotected' && claimedUser && params.user_id === undefined) params.user_id = claimedUser;
  },

  /** An API call answered 401: the token is no longer accepted. */
  unauthorized() {
    if (config && config.login && accessToken) {
      accessToken = null;
      changed('expired');
    }
  },

  onChange(f) {
    changeListeners.add(f);
    return () => changeListeners.delete(f);
  },
};
