// Browser side: Debian's chromium driven by playwright-core, and the steps the scenarios share.
import { chromium } from 'playwright-core';

/** Debian's package puts chromium here; CHROMIUM overrides. Never downloaded by a tool. */
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // The https scenario uses a self-signed certificate for 127.0.0.1.
    args: ['--ignore-certificate-errors', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

/** Cookie names per app version and scheme (spec §2.1). */
export function cookieNames(app, secure) {
  const base = app === 'v5' ? 'authjs' : 'next-auth';
  const s = secure ? '__Secure-' : '';
  return {
    session: `${s}${base}.session-token`,
    csrf: `${secure ? '__Host-' : ''}${base}.csrf-token`,
    callbackUrl: `${s}${base}.callback-url`,
    state: `${s}${base}.state`,
    pkce: `${s}${base}.pkce.code_verifier`,
    nonce: `${s}${base}.nonce`,
  };
}

export class AssertionError extends Error {}

export function expect(condition, message) {
  if (!condition) throw new AssertionError(message);
}

/** Waits until the element's text equals `expected`; fails with what the page shows instead. */
export async function expectTestId(page, testId, expected, timeout = 15000) {
  const locator = page.getByTestId(testId);
  const deadline = Date.now() + timeout;
  let seen = '(element missing)';
  for (;;) {
    if ((await locator.count()) > 0) {
      seen = (await locator.first().textContent())?.trim() ?? '';
      if (seen === String(expected)) return;
    }
    if (Date.now() > deadline) {
      throw new AssertionError(`expected [data-testid=${testId}] to read "${expected}", it reads "${seen}" (at ${page.url()})`);
    }
    await page.waitForTimeout(100);
  }
}

/** Loads the app's home page and waits for the session check to finish. */
export async function openHome(page, stack) {
  await page.goto(`${stack.origin}/`);
  await page.waitForFunction(
    () => {
      const el = document.querySelector('[data-testid=status]');
      return el && el.textContent !== 'loading';
    },
    null,
    { timeout: 15000 },
  ).catch(() => {
    throw new AssertionError(`the home page never finished loading the session (at ${page.url()})`);
  });
}

/** Signs in through the IdP's form as `username`; ends on the home page, signed in. */
export async function signIn(page, stack, username) {
  await openHome(page, stack);
  await expectTestId(page, 'status', 'signed-out');
  await page.getByTestId('signin').click();
  await page.waitForURL((url) => url.href.startsWith(`${stack.idp.origin}/interaction/`), { timeout: 15000 }).catch(() => {
    throw new AssertionError(`signIn("cognito") did not reach the IdP login form (at ${page.url()})`);
  });
  await page.getByTestId('username').fill(username);
  await page.getByTestId('password').fill(stack.idp.password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(`${stack.origin}/`, { timeout: 15000 }).catch(() => {
    throw new AssertionError(`the IdP callback did not come back to ${stack.origin}/ (at ${page.url()})`);
  });
  await expectTestId(page, 'status', 'signed-in');
}

/**
 * Waits until the home page's own requests are done: the session check and, when signed in,
 * the /api/whoami call. Both may re-issue the session cookie, so a response landing late
 * could undo a sign-out or a tampered cookie.
 */
export async function settle(page) {
  await page.waitForFunction(
    () => {
      const status = document.querySelector('[data-testid=status]')?.textContent;
      if (status === 'loading') return false;
      if (status !== 'signed-in') return true;
      const whoami = document.querySelector('[data-testid=whoami]')?.textContent;
      return whoami === 'ok' || whoami === 'error';
    },
    null,
    { timeout: 15000 },
  ).catch(() => {
    throw new AssertionError(`the home page's requests never settled (at ${page.url()})`);
  });
}

export async function signOut(page) {
  await settle(page);
  await page.getByTestId('signout').click();
  await expectTestId(page, 'status', 'signed-out');
}

/** Switches /api/* to another tier and reloads the page, which fetches the session from it. */
export async function switchTier(page, stack, name) {
  if (page.url().startsWith(stack.origin)) await settle(page);
  stack.use(name);
  await openHome(page, stack);
}

/** GET through the stand-in with the browser context's cookies (and keeping any it sets). */
export async function getJson(page, stack, path) {
  const res = await page.request.get(`${stack.origin}${path}`, { headers: { 'content-type': 'application/json' } });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status(), body };
}

export async function cookieMap(context) {
  return new Map((await context.cookies()).map((c) => [c.name, c]));
}

/** The session cookie's parts, in chunk order: [] when signed out. */
export async function sessionCookies(context, name) {
  const all = await context.cookies();
  return all
    .filter((c) => c.name === name || c.name.startsWith(`${name}.`))
    .sort((a, b) => chunkIndex(a.name) - chunkIndex(b.name));
}

function chunkIndex(name) {
  const n = Number(name.slice(name.lastIndexOf('.') + 1));
  return Number.isInteger(n) ? n : -1;
}

/** Asserts flags of a cookie that must exist. */
export function expectCookie(cookies, name, { httpOnly = true, secure = false, sameSite = 'Lax' } = {}) {
  const c = cookies.get(name);
  expect(c, `cookie ${name} missing`);
  expect(c.httpOnly === httpOnly, `cookie ${name}: HttpOnly is ${c.httpOnly}, expected ${httpOnly}`);
  expect(c.secure === secure, `cookie ${name}: Secure is ${c.secure}, expected ${secure}`);
  expect(c.sameSite === sameSite, `cookie ${name}: SameSite is ${c.sameSite}, expected ${sameSite}`);
  expect(c.path === '/', `cookie ${name}: Path is ${c.path}, expected /`);
  expect(!c.domain.startsWith('.'), `cookie ${name}: has a Domain attribute (${c.domain})`);
  return c;
}

/** What to print when a scenario fails: where each page is, what it shows, which cookies it has. */
export async function describePage(page) {
  const lines = [`page ${page.url()}`];
  const text = await page
    .evaluate(() => document.body?.innerText ?? '')
    .catch((err) => `(no text: ${err.message.split('\n')[0]})`);
  lines.push(`  text: ${JSON.stringify(text.slice(0, 1500))}`);
  const cookies = await page.context().cookies().catch(() => []);
  lines.push('  cookies:');
  for (const c of cookies) {
    const flags = [c.httpOnly && 'HttpOnly', c.secure && 'Secure', `SameSite=${c.sameSite}`].filter(Boolean).join(' ');
    lines.push(`    ${c.name} (${c.domain}${c.path}, ${flags}, ${c.value.length} chars)`);
  }
  if (!cookies.length) lines.push('    (none)');
  return lines;
}
