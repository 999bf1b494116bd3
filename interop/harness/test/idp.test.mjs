// The IdP stand-in, checked without a browser: discovery, a full code flow, the tokens'
// Cognito claims, userInfo and /logout.   node --test test/
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { startIdp } from '../src/idp.mjs';

const CLIENT_ID = 'test-client';
const CLIENT_SECRET = 'test-client-secret';
const REDIRECT_URI = 'http://localhost:9/api/auth/callback/cognito';
let idp;

before(async () => {
  idp = await startIdp({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT_URI], logoutUris: ['http://localhost:9/'] });
});
after(() => idp.close());

/** Follows the browser part of a sign-in by hand (a one-host cookie jar is enough). */
async function authorize(username, password, extra = {}) {
  const jar = new Map();
  const get = async (url, init = {}) => {
    const res = await fetch(new URL(url, idp.origin), {
      ...init,
      redirect: 'manual',
      headers: { ...init.headers, cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const i = pair.indexOf('=');
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return res;
  };
  const params = new URLSearchParams({ client_id: CLIENT_ID, response_type: 'code', redirect_uri: REDIRECT_URI, scope: 'openid', ...extra });
  let res = await get(`/oauth2/authorize?${params}`);
  assert.equal(res.status, 303);
  const form = res.headers.get('location');
  assert.match(form, /^\/interaction\/[\w-]+$/);
  assert.match(await (await get(form)).text(), /data-testid="login-form"/);
  res = await get(form, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }),
  });
  if (res.status === 200) return { page: await res.text() };
  // login -> resume -> (auto-consent) -> back to the client
  for (let hops = 0; hops < 5 && res.status === 303; hops++) {
    const next = res.headers.get('location');
    if (next.startsWith(REDIRECT_URI)) return { callback: new URL(next) };
    res = await get(next);
  }
  throw new Error(`sign-in did not come back to the client (status ${res.status})`);
}

async function exchange(code, extra = {}) {
  const res = await fetch(`${idp.origin}/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, ...extra }),
  });
  return { status: res.status, body: await res.json() };
}

test('discovery is shaped like Cognito\'s, at <issuer>/.well-known', async () => {
  assert.match(idp.issuer, /^http:\/\/127\.0\.0\.1:\d+\/us-east-1_\w+$/);
  const doc = await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json();
  assert.equal(doc.issuer, idp.issuer);
  assert.equal(doc.authorization_endpoint, `${idp.origin}/oauth2/authorize`);
  assert.equal(doc.token_endpoint, `${idp.origin}/oauth2/token`);
  assert.equal(doc.userinfo_endpoint, `${idp.origin}/oauth2/userInfo`);
  assert.equal(doc.jwks_uri, `${idp.issuer}/.well-known/jwks.json`);
  assert.deepEqual(doc.token_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post']);
  assert.equal(doc.code_challenge_methods_supported, undefined);
  assert.equal((await fetch(`${idp.origin}/.well-known/openid-configuration`)).status, 404);
});

test('code flow: Cognito-style id_token and access token, userInfo', async () => {
  const { callback } = await authorize('alice', idp.password, { state: 'st-1', nonce: 'n-1' });
  assert.equal(callback.searchParams.get('state'), 'st-1');
  const { status, body } = await exchange(callback.searchParams.get('code'));
  assert.equal(status, 200, JSON.stringify(body));

  const jwks = createRemoteJWKSet(new URL(`${idp.issuer}/.well-known/jwks.json`));
  const { payload: id, protectedHeader } = await jwtVerify(body.id_token, jwks, { issuer: idp.issuer, audience: CLIENT_ID });
  assert.equal(protectedHeader.alg, 'RS256');
  assert.match(id.sub, /^[0-9a-f-]{36}$/);
  assert.equal(id.token_use, 'id');
  assert.equal(id.nonce, 'n-1');
  assert.equal(id.email, 'alice@example.com');
  assert.equal(id.email_verified, true);
  assert.equal(id.name, 'Alice Example');
  assert.equal(id['cognito:username'], 'alice');
  assert.deepEqual(id['cognito:groups'], ['admins', 'editors', 'readers']);

  const access = decodeJwt(body.access_token);
  assert.equal(access.token_use, 'access');
  assert.equal(access.client_id, CLIENT_ID);
  assert.equal(access.username, 'alice');
  assert.match(access.scope, /\bopenid\b/);

  const info = await fetch(`${idp.origin}/oauth2/userInfo`, { headers: { authorization: `Bearer ${body.access_token}` } });
  assert.equal(info.status, 200);
  assert.equal((await info.json()).username, 'alice');
  const withIdToken = await fetch(`${idp.origin}/oauth2/userInfo`, { headers: { authorization: `Bearer ${body.id_token}` } });
  assert.equal(withIdToken.status, 401);

  const token = idp.requestsTo('/oauth2/token').at(-1);
  assert.equal(token.authorization, `basic:${CLIENT_ID}`);
  assert.equal(token.body.grant_type, 'authorization_code');
});

test('PKCE is honoured when sent', async () => {
  const verifier = 'x'.repeat(43);
  const { createHash } = await import('node:crypto');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const { callback } = await authorize('bob', idp.password, { code_challenge: challenge, code_challenge_method: 'S256' });
  const wrong = await exchange(callback.searchParams.get('code'), { code_verifier: 'y'.repeat(43) });
  assert.equal(wrong.status, 400);
  const again = await authorize('bob', idp.password, { code_challenge: challenge, code_challenge_method: 'S256' });
  const right = await exchange(again.callback.searchParams.get('code'), { code_verifier: verifier });
  assert.equal(right.status, 200);
});

test('biggroups has 200 groups', async () => {
  const { callback } = await authorize('biggroups', idp.password);
  const { body } = await exchange(callback.searchParams.get('code'));
  assert.equal(decodeJwt(body.id_token)['cognito:groups'].length, 200);
});

test('a wrong password shows the form again', async () => {
  const { page } = await authorize('alice', 'wrong');
  assert.match(page, /data-testid="login-error"/);
});

test('/logout only redirects to a registered logout_uri', async () => {
  const bad = await fetch(`${idp.origin}/logout?client_id=${CLIENT_ID}&logout_uri=${encodeURIComponent('https://evil.example/')}`, { redirect: 'manual' });
  assert.equal(bad.status, 400);
  const good = await fetch(`${idp.origin}/logout?client_id=${CLIENT_ID}&logout_uri=${encodeURIComponent('http://localhost:9/')}`, { redirect: 'manual' });
  assert.equal(good.status, 302);
  assert.equal(good.headers.get('location'), 'http://localhost:9/');
});
