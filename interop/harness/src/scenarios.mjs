// The browser scenarios. Each gets `t`:
//   t.other             'node' or 'rust': what tier B is
//   t.stack(opts)       starts IdP + stand-in + tier A (+ tier B unless opts.other === null)
//   t.newPage()         a fresh browser context and page
//   t.attackerSite(html) serves html on another site, resolves to its URL
//   t.step(text)        names the current step (printed on failure)
// and throws on the first failed expectation.
import http from 'node:http';
import {
  cookieMap,
  cookieNames,
  expect,
  expectCookie,
  expectTestId,
  getJson,
  openHome,
  sessionCookies,
  settle,
  signIn,
  signOut,
  switchTier,
} from './browser.mjs';
import { CLIENT_ID } from './stack.mjs';
import { listen } from './util.mjs';

export const SCENARIOS = [
  { name: 'baseline', title: 'all-Node baseline: sign in, whoami, sign out, IdP logout (v4)', run: baseline },
  { name: 'a-to-b', title: 'sign in on Node (A), continue and sign out on the other tier (B) (v4)', run: aToB },
  { name: 'b-to-a', title: 'sign in on the other tier (B), getServerSession on Node (A) accepts it (v4)', run: bToA },
  { name: 'chunked', title: 'user with 200 groups: chunked session cookie, A->B->A and B->A (v4)', run: chunked },
  { name: 'v5', title: 'next-auth 5 twin: A->B, and B->A with a chunked session', run: v5 },
  { name: 'csrf-tamper', title: 'cross-site sign-out POST refused; tampered cookie = signed out (v4, v5)', run: csrfTamper },
  { name: 'https', title: 'https stand-in: __Secure-/__Host- cookies, A->B (v4) and B->A (v5)', run: httpsScenario },
  {
    name: 'hosted-ui-logout',
    title: 'hosted-UI logout on the Rust tier from a page other than home: the IdP session ends too (v4)',
    run: hostedUiLogout,
    rustOnly: true,
  },
  {
    name: 'local-stack',
    title: "the README's run command: the local stack alone, embedded issuer, demo page and static export",
    run: localStack,
    rustOnly: true,
  },
];

const ALICE = { username: 'alice', name: 'Alice Example', email: 'alice@example.com', groups: 3 };
const BIG = { username: 'biggroups', name: 'Big Groups', email: 'biggroups@example.com', groups: 200 };

async function expectUserShown(page, user) {
  await expectTestId(page, 'status', 'signed-in');
  await expectTestId(page, 'name', user.name);
  await expectTestId(page, 'email', user.email);
}

/** The page's call to /api/whoami (getServerSession + getToken) succeeded. */
async function expectWhoami(page, user) {
  await expectTestId(page, 'whoami', 'ok');
  await expectTestId(page, 'whoami-email', user.email);
  await expectTestId(page, 'groups', String(user.groups));
}

async function expectSessionEndpoint(page, stack, user) {
  const { status, body } = await getJson(page, stack, '/api/auth/session');
  expect(status === 200, `GET /api/auth/session on ${stack.current} answered ${status}: ${JSON.stringify(body)}`);
  expect(body?.user?.email === user.email, `GET /api/auth/session on ${stack.current} gave ${JSON.stringify(body)}`);
  expect(typeof body.expires === 'string', `session has no expires: ${JSON.stringify(body)}`);
}

async function expectSignedOutCookies(page, names) {
  const left = await sessionCookies(page.context(), names.session);
  expect(left.length === 0, `session cookies left after sign-out: ${left.map((c) => c.name).join(', ')}`);
}

/** The session cookie is split into `.0`, `.1`, ... with the right flags and no bare cookie. */
async function expectChunked(page, names, secure = false) {
  const parts = await sessionCookies(page.context(), names.session);
  const got = parts.map((c) => c.name);
  expect(parts.length >= 2, `expected a chunked session cookie, got: ${got.join(', ') || 'none'}`);
  got.forEach((name, i) => expect(name === `${names.session}.${i}`, `chunk names are ${got.join(', ')}`));
  const cookies = await cookieMap(page.context());
  for (const name of got) expectCookie(cookies, name, { secure });
  return parts.length;
}

function lastRequest(stack, path) {
  const all = stack.idp.requestsTo(path);
  return all[all.length - 1];
}

/**
 * What the IdP received for the latest sign-in. next-auth's defaults (spec §6): v4 sends state,
 * v5 PKCE. The Rust tier runs all three checks (state, PKCE S256 and nonce) in either format,
 * with next-auth's default scope for the format.
 */
function expectIdpSignIn(stack, app) {
  const rust = stack.tiers[stack.current]?.kind === 'rust';
  const authorize = lastRequest(stack, '/oauth2/authorize');
  const token = lastRequest(stack, '/oauth2/token');
  expect(authorize && token, 'the IdP saw no authorize/token request');
  const q = authorize.query;
  expect(q.client_id === CLIENT_ID && q.response_type === 'code', `authorize query: ${JSON.stringify(q)}`);
  expect(q.redirect_uri === `${stack.origin}/api/auth/callback/cognito`, `redirect_uri: ${q.redirect_uri}`);
  const scope = app === 'v4' ? 'openid' : 'openid profile email';
  if (rust) {
    expect(
      q.state && q.code_challenge && q.code_challenge_method === 'S256' && q.nonce && q.scope === scope,
      `the Rust tier's authorize should carry state, PKCE S256 and nonce, scope "${scope}": ${JSON.stringify(q)}`,
    );
  } else if (app === 'v4') {
    expect(q.state && !q.code_challenge && q.scope === 'openid', `v4 authorize should carry state, no PKCE, scope openid: ${JSON.stringify(q)}`);
  } else {
    expect(
      q.code_challenge && q.code_challenge_method === 'S256' && !q.state && q.scope === 'openid profile email',
      `v5 authorize should carry PKCE S256, no state, scope "openid profile email": ${JSON.stringify(q)}`,
    );
  }
  expect(token.authorization === `basic:${CLIENT_ID}`, `token request should use client_secret_basic, got ${token.authorization}`);
  expect(token.body?.grant_type === 'authorization_code', `token body: ${JSON.stringify(token.body)}`);
  const verifier = rust || app === 'v5';
  expect(Boolean(token.body?.code_verifier) === verifier, `token body code_verifier: ${JSON.stringify(token.body)}`);
  expect(token.status === 200, `token request answered ${token.status}`);
}

// 1 ---------------------------------------------------------------------------------------
async function baseline(t) {
  const stack = await t.stack({ app: 'v4', other: null });
  const names = cookieNames('v4', false);
  const page = await t.newPage();

  t.step('static export rules of the stand-in');
  const missing = await page.request.get(`${stack.origin}/no-such-page`);
  expect(missing.status() === 404, `/no-such-page answered ${missing.status()}, expected 404`);
  expect((await missing.text()).includes('not-found'), '/no-such-page did not serve 404.html');
  const trailing = await page.request.get(`${stack.origin}/404/`);
  expect(trailing.status() === 200, `/404/ (404/index.html) answered ${trailing.status()}`);

  t.step('sign in as alice');
  await signIn(page, stack, ALICE.username);
  await expectUserShown(page, ALICE);
  await expectWhoami(page, ALICE);
  const cookies = await cookieMap(page.context());
  expectCookie(cookies, names.session);
  expectCookie(cookies, names.csrf);
  expectCookie(cookies, names.callbackUrl);
  expect(!cookies.has(names.state), `${names.state} should be cleared after the callback`);
  expectIdpSignIn(stack, 'v4');

  t.step('GET /api/auth/session');
  await expectSessionEndpoint(page, stack, ALICE);

  t.step('sign out');
  await signOut(page);
  await expectSignedOutCookies(page, names);
  const whoami = await getJson(page, stack, '/api/whoami');
  expect(whoami.status === 401, `/api/whoami after sign-out answered ${whoami.status}`);

  t.step('Cognito hosted-UI /logout ends the IdP session');
  const logoutUri = `${stack.origin}/`;
  await page.goto(`${stack.idp.origin}/logout?client_id=${CLIENT_ID}&logout_uri=${encodeURIComponent(logoutUri)}`);
  await page.waitForURL(logoutUri);
  const after = await cookieMap(page.context());
  expect(!after.has('_session'), 'the IdP session cookie survived /logout');
  await openHome(page, stack);
  await page.getByTestId('signin').click();
  await page.waitForURL((url) => url.href.startsWith(`${stack.idp.origin}/interaction/`));
  await expectTestId(page, 'login-submit', 'Sign in'); // the form again, no silent sign-in
}

// 1b --------------------------------------------------------------------------------------
/**
 * Cognito redirects after /logout only to a registered sign-out URL, compared exactly. The page
 * signs out from `/?from=...`, so next-auth/react's callbackUrl (`location.href`) is not the
 * registered URL: the Rust tier must send its one fixed logout_uri, and the browser must still
 * end on that page, with the IdP session gone (the next "Sign in" asks for the password).
 */
async function hostedUiLogout(t) {
  const stack = await t.stack({ app: 'v4', otherEnv: { COGNITO_HOSTED_UI_LOGOUT: 'true' } });
  const names = cookieNames('v4', false);
  stack.use('B');
  const page = await t.newPage();

  t.step('sign in on the Rust tier');
  await signIn(page, stack, ALICE.username);
  await expectUserShown(page, ALICE);

  t.step('sign out from a page other than the home page');
  const elsewhere = `${stack.origin}/?from=hosted-ui-logout`;
  await page.goto(elsewhere);
  await expectTestId(page, 'status', 'signed-in');
  stack.idp.clearLog();
  await settle(page);
  await page.getByTestId('signout').click();
  await page.waitForURL(elsewhere, { timeout: 15000 }).catch(() => {
    throw new Error(`sign-out did not come back to ${elsewhere} (at ${page.url()})`);
  });
  await expectTestId(page, 'status', 'signed-out');
  await expectSignedOutCookies(page, names);
  const logout = lastRequest(stack, '/logout');
  expect(logout, 'the Rust tier did not send the browser to the IdP /logout');
  expect(
    logout.query.logout_uri === `${stack.origin}/api/auth/signout/cognito` && logout.status === 302,
    `IdP /logout: logout_uri ${logout.query.logout_uri}, answered ${logout.status}`,
  );
  const after = await cookieMap(page.context());
  expect(!after.has('_session'), 'the IdP session cookie survived the sign-out');

  t.step('"Sign in" again shows the IdP login form, no silent sign-in');
  await page.getByTestId('signin').click();
  await page.waitForURL((url) => url.href.startsWith(`${stack.idp.origin}/interaction/`));
  await expectTestId(page, 'login-submit', 'Sign in');
}

// 2 ---------------------------------------------------------------------------------------
async function aToB(t) {
  const stack = await t.stack({ app: 'v4' });
  const names = cookieNames('v4', false);
  const page = await t.newPage();

  t.step('sign in on A');
  await signIn(page, stack, ALICE.username);
  await expectWhoami(page, ALICE);

  t.step('continue on B');
  await switchTier(page, stack, 'B');
  await expectUserShown(page, ALICE);
  await expectSessionEndpoint(page, stack, ALICE);
  expectCookie(await cookieMap(page.context()), names.session);

  t.step('sign out on B');
  await signOut(page);
  await expectSignedOutCookies(page, names);
  const session = await getJson(page, stack, '/api/auth/session');
  expect(session.status === 200 && JSON.stringify(session.body) === '{}', `session after sign-out on B: ${session.status} ${JSON.stringify(session.body)}`);
}

// 3 ---------------------------------------------------------------------------------------
async function bToA(t) {
  const stack = await t.stack({ app: 'v4' });
  const names = cookieNames('v4', false);
  const page = await t.newPage();

  t.step('sign in on B');
  stack.use('B');
  await signIn(page, stack, ALICE.username);
  await expectUserShown(page, ALICE);
  expectIdpSignIn(stack, 'v4');
  const cookies = await cookieMap(page.context());
  expectCookie(cookies, names.session);
  expectCookie(cookies, names.csrf);
  expectCookie(cookies, names.callbackUrl);
  expect(!cookies.has(names.state), `${names.state} should be cleared after the callback`);

  t.step('continue on A: getServerSession (whoami) accepts B\'s session');
  await switchTier(page, stack, 'A');
  await expectUserShown(page, ALICE);
  await expectWhoami(page, ALICE);

  t.step('sign out on A');
  await signOut(page);
  await expectSignedOutCookies(page, names);
}

// 4 ---------------------------------------------------------------------------------------
async function chunked(t) {
  const stack = await t.stack({ app: 'v4' });
  const names = cookieNames('v4', false);

  t.step('A -> B -> A: sign in on A');
  let page = await t.newPage();
  await signIn(page, stack, BIG.username);
  await expectWhoami(page, BIG);
  await expectChunked(page, names);
  t.step('A -> B -> A: continue on B (it re-issues the chunks)');
  await switchTier(page, stack, 'B');
  await expectUserShown(page, BIG);
  await expectSessionEndpoint(page, stack, BIG);
  await expectChunked(page, names);
  t.step('A -> B -> A: back on A, the groups survived B\'s re-issue');
  await switchTier(page, stack, 'A');
  await expectWhoami(page, BIG);
  t.step('A -> B -> A: sign out on B');
  stack.use('B');
  await signOut(page);
  await expectSignedOutCookies(page, names);

  t.step('B -> A: sign in on B');
  page = await t.newPage();
  stack.use('B');
  await signIn(page, stack, BIG.username);
  await expectChunked(page, names);
  t.step('B -> A: continue on A');
  await switchTier(page, stack, 'A');
  await expectUserShown(page, BIG);
  await expectWhoami(page, BIG);
  t.step('B -> A: sign out on A');
  await signOut(page);
  await expectSignedOutCookies(page, names);
}

// 5 ---------------------------------------------------------------------------------------
async function v5(t) {
  const stack = await t.stack({ app: 'v5' });
  const names = cookieNames('v5', false);

  t.step('A -> B: sign in on A');
  let page = await t.newPage();
  await signIn(page, stack, ALICE.username);
  await expectWhoami(page, ALICE);
  expectIdpSignIn(stack, 'v5');
  let cookies = await cookieMap(page.context());
  expectCookie(cookies, names.session);
  expectCookie(cookies, names.csrf);
  expect(!cookies.has(names.pkce), `${names.pkce} should be cleared after the callback`);
  t.step('A -> B: continue on B');
  await switchTier(page, stack, 'B');
  await expectUserShown(page, ALICE);
  await expectSessionEndpoint(page, stack, ALICE);
  t.step('A -> B: sign out on B');
  await signOut(page);
  await expectSignedOutCookies(page, names);
  const session = await getJson(page, stack, '/api/auth/session');
  expect(session.status === 200 && session.body === null, `v5 session after sign-out: ${session.status} ${JSON.stringify(session.body)}`);

  t.step('B -> A (chunked): sign in on B');
  page = await t.newPage();
  stack.use('B');
  await signIn(page, stack, BIG.username);
  expectIdpSignIn(stack, 'v5');
  cookies = await cookieMap(page.context());
  expectCookie(cookies, names.csrf);
  expect(!cookies.has(names.pkce), `${names.pkce} should be cleared after the callback`);
  await expectChunked(page, names);
  t.step('B -> A (chunked): continue on A');
  await switchTier(page, stack, 'A');
  await expectUserShown(page, BIG);
  await expectWhoami(page, BIG);
  t.step('B -> A (chunked): sign out on A');
  await signOut(page);
  await expectSignedOutCookies(page, names);
}

// 6 ---------------------------------------------------------------------------------------
async function csrfTamper(t) {
  for (const app of ['v4', 'v5']) {
    const stack = await t.stack({ app });
    const names = cookieNames(app, false);
    const page = await t.newPage();

    t.step(`${app}: sign in on A, continue on B (the attacks go to B)`);
    await signIn(page, stack, ALICE.username);
    await switchTier(page, stack, 'B');
    await expectUserShown(page, ALICE);
    await settle(page);
    await page.goto('about:blank'); // nothing in flight may touch the cookie from here on
    const [before] = await sessionCookies(page.context(), names.session);
    expect(before, 'no session cookie after sign-in');

    t.step(`${app}: cross-site form POST to /api/auth/signout`);
    // Another site: 127.0.0.1 is not localhost (another port alone would be the same site).
    const attacker = await t.attackerSite(
      `<form id="f" method="post" action="${stack.origin}/api/auth/signout">` +
        '<input name="csrfToken" value="forged-csrf-token"><input name="callbackUrl" value="/pwned"></form>' +
        '<script>document.getElementById("f").submit()</script>',
    );
    await page.goto(attacker);
    await page.waitForURL((url) => url.href.startsWith(`${stack.origin}/api/auth/`), { timeout: 15000 });
    await page.waitForLoadState();
    const post = stack.cf.log.find((e) => e.method === 'POST' && e.path.startsWith('/api/auth/signout'));
    expect(post, 'the forged POST never reached the tier');
    expect(post.upstream === stack.tiers.B.url, `the forged POST went to ${post.upstream}, not B`);
    expect(!post.cookieNames.some((n) => n.startsWith(names.session)), `the browser sent ${post.cookieNames.join(', ')} cross-site`);
    expect(!(post.setCookies ?? []).some((n) => n.startsWith(names.session)), `B touched the session cookie on a forged POST: ${post.setCookies}`);
    expect(!page.url().includes('/pwned'), `the forged sign-out was followed to ${page.url()}`);
    const [still] = await sessionCookies(page.context(), names.session);
    expect(still?.value === before.value, 'the session cookie changed after the forged POST');
    await openHome(page, stack);
    await expectUserShown(page, ALICE);

    t.step(`${app}: tampered session cookie means signed out, no error page`);
    await settle(page);
    await page.goto('about:blank');
    const [current] = await sessionCookies(page.context(), names.session);
    await page.context().addCookies([{ ...current, value: tamper(current.value) }]);
    const replaced = await sessionCookies(page.context(), names.session);
    expect(replaced.length === 1 && replaced[0].value !== current.value, `tampering left ${replaced.map((c) => c.name).join(', ')}`);
    await openHome(page, stack);
    await expectTestId(page, 'status', 'signed-out');
    await expectTestId(page, 'signin', 'Sign in with Cognito');
    const session = await getJson(page, stack, '/api/auth/session');
    const empty = app === 'v4' ? '{}' : 'null';
    expect(session.status === 200 && JSON.stringify(session.body) === empty, `session with a tampered cookie: ${session.status} ${JSON.stringify(session.body)}`);
    await expectSignedOutCookies(page, names);
  }
}

/** Flips one character in the middle of the JWE ciphertext. */
function tamper(value) {
  const i = Math.floor(value.length / 2);
  return value.slice(0, i) + (value[i] === 'A' ? 'B' : 'A') + value.slice(i + 1);
}

// 7 ---------------------------------------------------------------------------------------
async function httpsScenario(t) {
  for (const [app, first, second] of [['v4', 'A', 'B'], ['v5', 'B', 'A']]) {
    const stack = await t.stack({ app, https: true });
    expect(stack.origin.startsWith('https://'), `stand-in origin ${stack.origin} is not https`);
    const names = cookieNames(app, true);
    const plain = cookieNames(app, false);
    const page = await t.newPage();

    t.step(`${app} over https: sign in on ${first}`);
    stack.use(first);
    await signIn(page, stack, ALICE.username);
    await expectUserShown(page, ALICE);
    const cookies = await cookieMap(page.context());
    expectCookie(cookies, names.session, { secure: true });
    expectCookie(cookies, names.csrf, { secure: true });
    expectCookie(cookies, names.callbackUrl, { secure: true });
    for (const name of Object.values(plain)) expect(!cookies.has(name), `unprefixed cookie ${name} set over https`);
    if (first === 'A') await expectWhoami(page, ALICE);

    t.step(`${app} over https: continue on ${second}`);
    await switchTier(page, stack, second);
    await expectUserShown(page, ALICE);
    await expectSessionEndpoint(page, stack, ALICE);
    if (second === 'A') await expectWhoami(page, ALICE);

    t.step(`${app} over https: sign out on ${second}`);
    await signOut(page);
    await expectSignedOutCookies(page, names);
  }
}

/** Serves `body` as an HTML page on http://127.0.0.1:<port>/ (the apps are on localhost). */
export async function startAttackerSite(body) {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>attacker</title>${body}`);
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}/`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

// 8 ---------------------------------------------------------------------------------------
/**
 * The local stack as a newcomer starts it: no AWS account, no Next.js server. Its embedded
 * Cognito-like issuer signs alice in from the demo page; then, serving the fixture app's static
 * export itself (the CloudFront role), the real Next.js page with next-auth/react signs in
 * against the Rust tier alone.
 */
async function localStack(t) {
  t.step('demo page: sign in through the embedded issuer');
  const local = await t.localStack();
  let page = await t.newPage();
  await page.goto(`${local.url}/`);
  await expectTestId(page, 'status', 'signed-out');
  await page.locator('#signin').click();
  await page.locator('input[name=username]').fill('alice');
  await page.locator('input[name=password]').fill('alice-password');
  await Promise.all([page.waitForURL(`${local.url}/`), page.locator('form button[type=submit]').click()]);
  await expectTestId(page, 'status', 'signed-in');
  await page.waitForFunction(() => document.getElementById('me').textContent.startsWith('200'));
  const me = JSON.parse((await page.locator('#me').textContent()).replace(/^200\n/, ''));
  expect(me.email === 'alice@example.com' && me.groups?.length === 2, `/api/me: ${JSON.stringify(me)}`);
  expect(!('access_token' in me), '/api/me must not expose OAuth tokens');
  const cookies = await cookieMap(page.context());
  expectCookie(cookies, 'next-auth.session-token');

  t.step('demo page: sign out ends the issuer session too');
  await Promise.all([page.waitForURL(`${local.url}/`), page.locator('#signout').click()]);
  await expectTestId(page, 'status', 'signed-out');
  await page.locator('#signin').click();
  await page.locator('input[name=username]').waitFor();

  t.step("the fixture app's static export, served by the local stack, signs in on the Rust tier");
  const exportDir = new URL('../../app-v4/out/', import.meta.url).pathname;
  const site = await t.localStack({ STATIC_DIR: exportDir });
  page = await t.newPage();
  await page.goto(`${site.url}/`);
  await expectTestId(page, 'status', 'signed-out');
  await page.getByTestId('signin').click();
  await page.locator('input[name=username]').fill('biggroups');
  await page.locator('input[name=password]').fill('biggroups-password');
  await Promise.all([page.waitForURL(`${site.url}/`), page.locator('form button[type=submit]').click()]);
  await expectTestId(page, 'status', 'signed-in');
  await expectTestId(page, 'name', 'Big Groups');
  await expectChunked(page, cookieNames('v4', false));
  const missing = await page.request.get(`${site.url}/no-such-page`);
  expect(missing.status() === 404, `/no-such-page answered ${missing.status()}`);
}
