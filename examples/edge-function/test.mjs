// The packaged Lambda@Edge function, loaded in Node exactly as Lambda loads it, run on the
// event fixtures of edge-adapter and on session cookies written by next-auth / Auth.js (the
// workspace's vector files) and by the Rust tier. Run by test.sh, which builds the package
// with a fixed test configuration first:
//
//   bash examples/edge-function/test.sh
//
// Prints the time per event and the zip size against Lambda@Edge's limits.

import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { test } from 'node:test';

const dist = new URL(`./${process.env.EDGE_DIST_DIR ?? 'dist-test'}/`, import.meta.url);
const fixtures = new URL('../../edge-adapter/tests/events/', import.meta.url);
const vectors = new URL('../../tests/vectors/', import.meta.url);

const { handler, createHandler } = await import(new URL('index.mjs', dist).href);
const packagedConfig = JSON.parse(readFileSync(new URL('config.json', dist), 'utf8'));
const rustTier = JSON.parse(readFileSync(new URL('rust-tier-tokens.json', dist), 'utf8'));

const fixture = (name) => JSON.parse(readFileSync(new URL(name, fixtures), 'utf8'));
const vectorFile = (name) => JSON.parse(readFileSync(new URL(name, vectors), 'utf8'));
const v4 = vectorFile('v4-jwt-decode.json');
const v5 = vectorFile('v5-jwt-decode.json');
const vcase = (file, name) => file.cases.find((c) => c.name === name) ?? assert.fail(name);

// The vectors' valid cases are valid at their own `now`: freeze the clock there.
const VECTOR_NOW = vcase(v4, 'valid_basic').now;
const SUB = '3f0c1a52-8f7e-4a3e-9d51-0a6c8e2b7d11';
const atVectorNow = await createHandler(packagedConfig, { now: () => VECTOR_NOW });

/** The viewer-request fixture for `uri`?`query` with the given Cookie header (or none). */
function viewerRequest(uri, cookie, query = '') {
  const event = fixture('viewer-request.json');
  const request = event.Records[0].cf.request;
  request.uri = uri;
  request.querystring = query;
  delete request.headers.cookie;
  if (cookie !== undefined) request.headers.cookie = [{ key: 'Cookie', value: cookie }];
  return event;
}

const header = (record, name) => record.headers?.[name]?.map((h) => h.value);

function assertPasses(result, sub) {
  assert.equal(result.status, undefined, `expected the request to go on, got ${JSON.stringify(result)}`);
  assert.equal(result.uri, '/account/settings');
  assert.deepEqual(header(result, 'x-auth-user-id'), [sub], 'the spoofed user id is replaced');
}

function assertRedirected(result, callback = 'http%3A%2F%2Flocalhost%3A3000%2Faccount%2Fsettings') {
  assert.equal(result.status, '302');
  assert.deepEqual(header(result, 'location'), [
    `http://localhost:3000/api/auth/signin?callbackUrl=${callback}`,
  ]);
  assert.deepEqual(header(result, 'cache-control'), ['private, no-cache, no-store']);
}

test('the package is what Lambda@Edge loads, within its size limits', (t) => {
  for (const file of ['index.mjs', 'edge_function.wasm', 'config.json', 'edge-function.zip']) {
    assert.ok(statSync(new URL(file, dist)).size > 0, file);
  }
  assert.equal(typeof handler, 'function');
  const zip = statSync(new URL('edge-function.zip', dist)).size;
  const wasm = statSync(new URL('edge_function.wasm', dist)).size;
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
  const line =
    `zip ${kb(zip)} (wasm ${kb(wasm)} unzipped): ` +
    `${((zip / (1024 * 1024)) * 100).toFixed(1)}% of the 1 MB viewer-trigger limit, ` +
    `${((zip / (50 * 1024 * 1024)) * 100).toFixed(2)}% of the 50 MB origin-trigger limit`;
  t.diagnostic(line);
  assert.ok(zip < 1024 * 1024, 'fits a viewer trigger');
});

test('a cookie written by next-auth 4 passes the gate (vector valid_basic)', async () => {
  const token = vcase(v4, 'valid_basic').input.token;
  assertPasses(await atVectorNow(viewerRequest('/account/settings', `next-auth.session-token=${token}`)), SUB);
});

test('a cookie written by Auth.js 5 passes the gate (vector valid_basic)', async () => {
  const token = vcase(v5, 'valid_basic').input.token;
  assertPasses(await atVectorNow(viewerRequest('/account/settings', `authjs.session-token=${token}`)), SUB);
});

test('chunked cookies written by next-auth and Auth.js pass (chunked_out_of_order)', async () => {
  for (const file of [v4, v5]) {
    const cookie = vcase(file, 'chunked_out_of_order').input.cookie_header;
    assert.ok(cookie.length > 7000);
    assertPasses(await atVectorNow(viewerRequest('/account/settings', cookie)), SUB);
  }
});

test('cookies written by the Rust tier pass, with the real clock (the deployed handler)', async () => {
  for (const label of ['v4', 'v5']) {
    const { cookie, sub } = rustTier[label];
    assertPasses(await handler(viewerRequest('/account/settings', cookie)), sub);
  }
  // The secure-named ones are not read on this http:// configuration.
  assertRedirected(await handler(viewerRequest('/account/settings', rustTier.v4_secure.cookie)));
});

test('tampered, expired, foreign and missing cookies are redirected to sign in', async () => {
  const tampered = vcase(v4, 'tampered_ciphertext').input.token;
  assertRedirected(await atVectorNow(viewerRequest('/account/settings', `next-auth.session-token=${tampered}`)));
  const v5tampered = vcase(v5, 'tampered_ciphertext').input.token;
  assertRedirected(await atVectorNow(viewerRequest('/account/settings', `authjs.session-token=${v5tampered}`)));

  // Flip one character of a valid token ourselves.
  const valid = vcase(v4, 'valid_basic').input.token;
  const i = valid.length - 5;
  const flipped = valid.slice(0, i) + (valid[i] === 'A' ? 'B' : 'A') + valid.slice(i + 1);
  assertRedirected(await atVectorNow(viewerRequest('/account/settings', `next-auth.session-token=${flipped}`)));

  const expired = vcase(v4, 'expired_beyond_tolerance');
  const atExpiry = await createHandler(packagedConfig, { now: () => expired.now });
  assertRedirected(
    await atExpiry(viewerRequest('/account/settings', `next-auth.session-token=${expired.input.token}`)),
  );
  // A chunk missing: not concatenated into something else.
  assertRedirected(
    await atVectorNow(viewerRequest('/account/settings', vcase(v4, 'chunked_missing_middle').input.cookie_header)),
  );
  // The Rust tier's v4 cookie read 31 days later.
  const later = await createHandler(packagedConfig, { now: () => rustTier.now + 31 * 86400 });
  assertRedirected(await later(viewerRequest('/account/settings', rustTier.v4.cookie)));

  assertRedirected(await atVectorNow(viewerRequest('/account/settings', undefined)));
  assertRedirected(
    await atVectorNow(viewerRequest('/account/settings', 'theme=dark', 'tab=keys&q=a%20b')),
    'http%3A%2F%2Flocalhost%3A3000%2Faccount%2Fsettings%3Ftab%3Dkeys%26q%3Da%2520b',
  );
});

test('https deployments read the __Secure- names (other configurations, same module)', async () => {
  const https = await createHandler(
    { ...packagedConfig, public_origin: 'https://www.example.com' },
    { now: () => VECTOR_NOW },
  );
  const secure = vcase(v5, 'valid_secure_salt').input.token;
  assertPasses(await https(viewerRequest('/account/settings', `__Secure-authjs.session-token=${secure}`)), SUB);
  assertPasses(await https(viewerRequest('/account/settings', vcase(v4, 'secure_cookie_name').input.cookie_header)), SUB);
  const plain = vcase(v4, 'valid_basic').input.token;
  const redirected = await https(viewerRequest('/account/settings', `next-auth.session-token=${plain}`));
  assert.equal(redirected.status, '302', 'a plain-named cookie is ignored on https');

  const v5only = await createHandler({ ...packagedConfig, wire_format: 'v5' }, { now: () => VECTOR_NOW });
  const v4cookie = `next-auth.session-token=${plain}`;
  assert.equal((await v5only(viewerRequest('/account/settings', v4cookie))).status, '302');
});

test('every fixture through the handler', async () => {
  // viewer-request, page without a session: redirect with the original URL.
  const page = await atVectorNow(fixture('viewer-request.json'));
  assertRedirected(page, 'http%3A%2F%2Flocalhost%3A3000%2Faccount%2Fsettings%3Ftab%3Dkeys%26sort%3Dnew');

  // viewer-request, API without a session: 401 JSON.
  const api = await atVectorNow(fixture('viewer-request-api-body.json'));
  assert.equal(api.status, '401');
  assert.deepEqual(header(api, 'content-type'), ['application/json; charset=utf-8']);
  assert.deepEqual(header(api, 'cache-control'), ['private, no-cache, no-store']);
  assert.equal(JSON.parse(api.body).error, 'unauthorized');

  // origin-request to S3: static-export rewrite, query kept, no cookies.
  const s3event = fixture('origin-request-s3.json');
  const s3 = await atVectorNow(s3event);
  assert.equal(s3.uri, '/posts/%5Bid%5D/index.html');
  assert.equal(s3.querystring, 'ref=newsletter');
  assert.equal(s3.headers.cookie, undefined);
  const expected = structuredClone(s3event.Records[0].cf.request);
  expected.uri = '/posts/%5Bid%5D/index.html';
  delete expected.headers.cookie;
  assert.deepEqual(s3, expected, 'nothing else changed');
  for (const [from, to] of [
    ['/', '/index.html'],
    ['/about', '/about/index.html'],
    ['/about/', '/about/index.html'],
    ['/posts/featured', '/posts/featured/index.html'],
    ['/docs/a/b', '/docs/%5B...slug%5D/index.html'],
    ['/_next/static/chunks/app.js', '/_next/static/chunks/app.js'],
  ]) {
    const event = fixture('origin-request-s3.json');
    event.Records[0].cf.request.uri = from;
    assert.equal((await atVectorNow(event)).uri, to, from);
  }

  // origin-request to API Gateway: Host, allow-list, X-Forwarded-Host.
  const customEvent = fixture('origin-request-custom.json');
  const custom = await atVectorNow(customEvent);
  assert.deepEqual(Object.keys(custom.headers), [
    'host',
    'x-forwarded-for',
    'user-agent',
    'via',
    'accept-encoding',
    'content-type',
    'content-length',
    'cookie',
    'x-forwarded-host',
    'cloudfront-forwarded-proto',
  ]);
  assert.deepEqual(header(custom, 'host'), ['a1b2c3d4e5.execute-api.us-east-1.amazonaws.com']);
  assert.deepEqual(header(custom, 'x-forwarded-host'), ['localhost:3000']);
  assert.deepEqual(header(custom, 'cloudfront-forwarded-proto'), ['http']);
  assert.deepEqual(custom.origin, customEvent.Records[0].cf.request.origin);
  assert.deepEqual(custom.body, customEvent.Records[0].cf.request.body);

  // The response triggers hand the response back unchanged.
  for (const name of ['origin-response.json', 'viewer-response.json']) {
    const event = fixture(name);
    assert.deepEqual(await atVectorNow(event), event.Records[0].cf.response, name);
  }
});

test('excluded paths pass without a session; a spoofed user id never does', async () => {
  for (const uri of ['/api/auth/session', '/api/auth/signin', '/_next/static/chunks/app.js', '/about']) {
    const result = await atVectorNow(viewerRequest(uri, undefined));
    assert.equal(result.uri, uri);
    assert.equal(result.headers['x-auth-user-id'], undefined, uri);
  }
  for (const uri of ['/_next/../account', '/%61ccount/x', '/account/index.html']) {
    assert.equal((await atVectorNow(viewerRequest(uri, undefined))).status, '302', uri);
  }
});

test('fails closed on what it cannot handle', async () => {
  await assert.rejects(atVectorNow({ Records: [] }), /no record/);
  await assert.rejects(atVectorNow({ nonsense: true }), /invalid CloudFront event/);
  await assert.rejects(createHandler({ ...packagedConfig, secrets: [] }), /configuration rejected/);
  await assert.rejects(
    createHandler({ ...packagedConfig, protected_path: ['/typo'] }),
    /unknown field `protected_path`/,
  );
  // Still working afterwards.
  assert.equal((await atVectorNow(viewerRequest('/about', undefined))).uri, '/about');
});

test('time per event', async (t) => {
  const cookieV4 = `next-auth.session-token=${vcase(v4, 'valid_basic').input.token}`;
  const cases = [
    ['viewer-request, v4 session (363-char token)', viewerRequest('/account/settings', cookieV4)],
    ['viewer-request, v5 chunked session (7.5 KB)', viewerRequest('/account/settings', vcase(v5, 'chunked_out_of_order').input.cookie_header)],
    ['viewer-request, no session (redirect)', viewerRequest('/account/settings', undefined)],
    ['origin-request, S3 rewrite', fixture('origin-request-s3.json')],
    ['origin-request, API Gateway', fixture('origin-request-custom.json')],
    ['viewer-response, pass-through', fixture('viewer-response.json')],
  ];
  const started = performance.now();
  const cold = await createHandler(packagedConfig, { now: () => VECTOR_NOW });
  const coldMs = performance.now() - started;
  await cold(cases[0][1]);
  t.diagnostic(`cold start (compile + instantiate + configure): ${coldMs.toFixed(1)} ms`);
  for (const [label, event] of cases) {
    for (let i = 0; i < 200; i++) await atVectorNow(event); // warm up
    const n = 3000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await atVectorNow(event);
    const us = ((performance.now() - t0) * 1000) / n;
    const line = `${label}: ${us.toFixed(1)} µs/event (mean of ${n})`;
    t.diagnostic(line);
    assert.ok(us < 5000, `${label} is fast enough for a 5 s viewer-trigger budget`);
  }
});
