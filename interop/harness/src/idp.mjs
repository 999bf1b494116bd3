// A Cognito-like OpenID provider for the interop suite, built on oidc-provider 8.
//
// Layout copied from Amazon Cognito (a user pool plus its hosted UI domain):
//   issuer            http://127.0.0.1:<port>/<poolId>
//   discovery         <issuer>/.well-known/openid-configuration   (our own document, Cognito's fields)
//   JWKS              <issuer>/.well-known/jwks.json
//   hosted UI         /oauth2/authorize, /oauth2/token, /oauth2/userInfo, /oauth2/revoke, /logout
//   login form        /interaction/<uid>                            (username + password, no consent)
//   request log       GET /__interop/requests (JSON), or `idp.requests` in process
//
// Tokens look like Cognito's: RS256 id_tokens with sub (UUID), email, email_verified, name,
// picture, cognito:username, cognito:groups, token_use "id"; JWT access tokens with
// token_use "access", scope, client_id, username.
import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import http from 'node:http';
import Provider from 'oidc-provider';
import { jwtVerify } from 'jose';
import { listen, readBody, escapeHtml } from './util.mjs';

/** Demo users. Every password is `interop-password`. */
export const PASSWORD = 'interop-password';
export const USERS = [
  user('alice', '5f0c6b0e-6a7e-4d0b-9a53-2f4f2d0a1a01', 'Alice Example', ['admins', 'editors', 'readers']),
  user('bob', '5f0c6b0e-6a7e-4d0b-9a53-2f4f2d0a1a02', 'Bob Example', []),
  // ~200 groups: the session token no longer fits one cookie, so it is chunked.
  user(
    'biggroups',
    '5f0c6b0e-6a7e-4d0b-9a53-2f4f2d0a1a03',
    'Big Groups',
    Array.from({ length: 200 }, (_, i) => `interop-group-with-a-long-name-${String(i).padStart(3, '0')}`),
  ),
];

function user(username, sub, name, groups) {
  return {
    sub,
    username,
    claims: {
      sub,
      email: `${username}@example.com`,
      email_verified: true,
      name,
      picture: `https://example.com/avatars/${username}.png`,
      'cognito:username': username,
      'cognito:groups': groups,
    },
  };
}

const SCOPES = 'openid email profile phone';
// Access tokens are issued for this (only) resource, which makes them JWTs like Cognito's.
const RESOURCE = 'urn:interop:cognito-user-pool';

/**
 * Starts the IdP.
 * @param {object} opts
 * @param {string} opts.clientId
 * @param {string} opts.clientSecret
 * @param {string[]} opts.redirectUris   allowed redirect_uri values (the apps' callback URLs)
 * @param {string[]} opts.logoutUris     allowed logout_uri values for /logout
 * @param {string} [opts.poolId]
 */
export async function startIdp({ clientId, clientSecret, redirectUris, logoutUris, poolId = 'us-east-1_Interop' }) {
  const requests = [];
  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      console.error('[idp]', err);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error');
    });
  });
  const port = await listen(server);
  const origin = `http://127.0.0.1:${port}`;
  const issuer = `${origin}/${poolId}`;
  const wellKnown = `/${poolId}/.well-known`;

  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };
  const publicKey = createPublicKey(privateKey);

  const discovery = {
    authorization_endpoint: `${origin}/oauth2/authorize`,
    id_token_signing_alg_values_supported: ['RS256'],
    issuer,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    response_types_supported: ['code', 'token'],
    revocation_endpoint: `${origin}/oauth2/revoke`,
    scopes_supported: SCOPES.split(' '),
    subject_types_supported: ['public'],
    token_endpoint: `${origin}/oauth2/token`,
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    userinfo_endpoint: `${origin}/oauth2/userInfo`,
  };

  // The issuer contains the port, so the provider is made once the server listens.
  const provider = new Provider(issuer, {
    adapter: memoryAdapter(),
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: redirectUris,
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    jwks: { keys: [signingKey] },
    cookies: { keys: ['interop-idp-cookie-key-0123456789'] },
    scopes: SCOPES.split(' '),
    // Cognito puts every readable attribute in the id_token as soon as `openid` is asked for.
    claims: {
      openid: ['sub', 'email', 'email_verified', 'name', 'picture', 'cognito:username', 'cognito:groups', 'token_use'],
    },
    conformIdTokenClaims: false,
    pkce: { methods: ['S256'], required: () => false },
    routes: {
      authorization: '/oauth2/authorize',
      token: '/oauth2/token',
      revocation: '/oauth2/revoke',
      jwks: `${wellKnown}/jwks.json`,
      userinfo: '/oauth2/oidc-provider-userinfo', // disabled below; ours is /oauth2/userInfo
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      userinfo: { enabled: false },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({ scope: SCOPES, accessTokenFormat: 'jwt', accessTokenTTL: 3600 }),
      },
    },
    formats: {
      customizers: {
        // Cognito access tokens carry token_use, client_id (already there) and username. (They
        // have no aud; oidc-provider insists on one for JWT access tokens, so ours keep it.)
        async jwt(ctx, token, jwt) {
          if (token.kind !== 'AccessToken') return;
          jwt.payload.token_use = 'access';
          jwt.payload.username = USERS.find((u) => u.sub === token.accountId)?.username;
        },
      },
    },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    // No consent screen: the one client is first-party, grant what it asks for.
    async loadExistingGrant(ctx) {
      const { client, session, result } = ctx.oidc;
      const grantId = result?.consent?.grantId || session.grantIdFor(client.clientId);
      if (grantId) {
        const existing = await ctx.oidc.provider.Grant.find(grantId);
        if (existing) return existing;
      }
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope(SCOPES);
      grant.addOIDCClaims(['cognito:groups', 'cognito:username', 'token_use']);
      grant.addResourceScope(RESOURCE, SCOPES);
      await grant.save();
      return grant;
    },
    async findAccount(ctx, sub) {
      const found = USERS.find((u) => u.sub === sub);
      if (!found) return undefined;
      return {
        accountId: sub,
        async claims(use) {
          return use === 'id_token' ? { ...found.claims, token_use: 'id' } : { ...found.claims };
        },
      };
    },
    async renderError(ctx, out, error) {
      ctx.type = 'html';
      ctx.body = `<!doctype html><title>IdP error</title><h1 data-testid="idp-error">${escapeHtml(out.error)}</h1><p>${escapeHtml(out.error_description ?? '')}</p>`;
      if (error?.status >= 500) console.error('[idp]', error);
    },
    ttl: { AccessToken: 3600, Session: 3600, Interaction: 900, Grant: 3600, AuthorizationCode: 300, IdToken: 3600 },
  });
  provider.on('server_error', (ctx, err) => console.error('[idp] server_error', err));

  // Log token-endpoint bodies (parsed by oidc-provider) into the entry our handler made.
  provider.use(async (ctx, next) => {
    await next();
    const entry = ctx.req.interopLogEntry;
    if (entry && ctx.oidc?.body && Object.keys(ctx.oidc.body).length) entry.body = redact(ctx.oidc.body);
  });
  // Cognito hosted-UI logout: /logout?client_id=...&logout_uri=...
  provider.use(async (ctx, next) => {
    if (ctx.path !== '/logout') return next();
    const { client_id: cid, logout_uri: logoutUri } = ctx.query;
    if (cid !== clientId || typeof logoutUri !== 'string' || !logoutUris.includes(logoutUri)) {
      ctx.status = 400;
      ctx.body = 'invalid client_id or logout_uri';
      return undefined;
    }
    const session = await provider.Session.get(ctx);
    await session.destroy();
    for (const name of ['_session', '_session.sig', '_session.legacy', '_session.legacy.sig']) {
      ctx.cookies.set(name, null);
    }
    ctx.redirect(logoutUri);
    return undefined;
  });
  const providerCallback = provider.callback();

  async function handle(req, res) {
    const url = new URL(req.url, origin);
    const entry = {
      at: new Date().toISOString(),
      method: req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: describeAuthorization(req.headers.authorization),
      status: 0,
    };
    if (url.pathname !== '/__interop/requests') requests.push(entry);
    req.interopLogEntry = entry;
    res.on('finish', () => {
      entry.status = res.statusCode;
    });

    if (url.pathname === `${wellKnown}/openid-configuration`) return sendJson(res, 200, discovery);
    if (url.pathname === '/oauth2/userInfo') return userInfo(req, res);
    if (url.pathname === '/__interop/requests') return sendJson(res, 200, requests);
    const interaction = url.pathname.match(/^\/interaction\/([\w-]+)$/);
    if (interaction) return login(req, res, interaction[1]);
    // oidc-provider's own discovery sits at the root; Cognito has nothing there.
    if (url.pathname.startsWith('/.well-known/')) return sendJson(res, 404, { error: 'not_found' });
    return providerCallback(req, res);
  }

  async function login(req, res, uid) {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid || details.prompt.name !== 'login') {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(`unexpected interaction ${details.prompt.name}`);
      return;
    }
    if (req.method === 'POST') {
      const form = new URLSearchParams((await readBody(req)).toString());
      const found = USERS.find((u) => u.username === form.get('username'));
      if (found && form.get('password') === PASSWORD) {
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId: found.sub } },
          { mergeWithLastSubmission: false },
        );
        return;
      }
      sendLoginForm(res, uid, 'Incorrect username or password.');
      return;
    }
    sendLoginForm(res, uid, '');
  }

  async function userInfo(req, res) {
    const [scheme, token] = (req.headers.authorization ?? '').split(' ');
    try {
      if (scheme !== 'Bearer' || !token) throw new Error('no bearer token');
      const { payload } = await jwtVerify(token, publicKey, { issuer });
      if (payload.token_use !== 'access') throw new Error('not an access token');
      const found = USERS.find((u) => u.sub === payload.sub);
      if (!found) throw new Error('unknown user');
      const { sub, email, name, picture } = found.claims;
      // Cognito's userInfo answers attributes as strings, username included.
      sendJson(res, 200, { sub, email_verified: 'true', email, name, picture, username: found.username });
    } catch {
      res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"', 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'invalid_token' }));
    }
  }

  return {
    issuer,
    origin,
    clientId,
    requests,
    users: USERS,
    password: PASSWORD,
    /** Requests whose path equals `path`. */
    requestsTo(path) {
      return requests.filter((r) => r.path === path);
    },
    clearLog() {
      requests.length = 0;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** oidc-provider storage in a Map (its built-in one prints a warning on every start). */
function memoryAdapter() {
  const store = new Map();
  return class MemoryAdapter {
    constructor(model) {
      this.model = model;
    }

    key(id) {
      return `${this.model}:${id}`;
    }

    async upsert(id, payload, expiresIn) {
      store.set(this.key(id), { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : Infinity });
      if (payload.grantId) store.set(`grant:${payload.grantId}:${this.key(id)}`, { payload: this.key(id), expiresAt: Infinity });
      if (payload.uid) store.set(`uid:${payload.uid}`, { payload: id, expiresAt: Infinity });
      if (payload.userCode) store.set(`userCode:${payload.userCode}`, { payload: id, expiresAt: Infinity });
    }

    async find(id) {
      const entry = store.get(this.key(id));
      if (!entry || entry.expiresAt < Date.now()) return undefined;
      return entry.payload;
    }

    async findByUid(uid) {
      const id = store.get(`uid:${uid}`)?.payload;
      return id === undefined ? undefined : this.find(id);
    }

    async findByUserCode(userCode) {
      const id = store.get(`userCode:${userCode}`)?.payload;
      return id === undefined ? undefined : this.find(id);
    }

    async consume(id) {
      const entry = store.get(this.key(id));
      if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
    }

    async destroy(id) {
      store.delete(this.key(id));
    }

    async revokeByGrantId(grantId) {
      const prefix = `grant:${grantId}:`;
      for (const [k, v] of store) {
        if (k.startsWith(prefix)) {
          store.delete(v.payload);
          store.delete(k);
        }
      }
    }
  };
}

function sendJson(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function sendLoginForm(res, uid, error) {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<!doctype html>
<html><head><title>Sign in - interop Cognito</title></head>
<body>
  <h1>Sign in (interop Cognito)</h1>
  ${error ? `<p data-testid="login-error">${escapeHtml(error)}</p>` : ''}
  <form method="post" action="/interaction/${escapeHtml(uid)}" data-testid="login-form">
    <label>Username <input name="username" data-testid="username" autocomplete="off"></label>
    <label>Password <input name="password" type="password" data-testid="password"></label>
    <button type="submit" data-testid="login-submit">Sign in</button>
  </form>
</body></html>`);
}

/** "basic:<client_id>", "bearer", "none" - never the secret itself. */
function describeAuthorization(header) {
  if (!header) return 'none';
  const [scheme, value = ''] = header.split(' ');
  if (scheme.toLowerCase() !== 'basic') return scheme.toLowerCase();
  const decoded = Buffer.from(value, 'base64').toString();
  return `basic:${decodeURIComponent(decoded.split(':')[0].replace(/\+/g, ' '))}`;
}

function redact(body) {
  const copy = { ...body };
  if (copy.client_secret) copy.client_secret = '[redacted]';
  return copy;
}
