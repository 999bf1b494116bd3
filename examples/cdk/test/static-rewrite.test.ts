import * as vm from 'node:vm';

import { staticRewriteCode } from '../lib/nextauth-rust-stack';

interface Request {
  method: string;
  uri: string;
  headers: Record<string, { value: string }>;
  querystring: Record<string, { value: string }>;
  cookies: Record<string, { value: string }>;
}

/** The function exactly as deployed, run in a bare context as CloudFront would. */
function load(trailingSlash: boolean): (event: { request: Request }) => Request {
  return vm.runInNewContext(`${staticRewriteCode(trailingSlash)}\nhandler;`);
}

function request(uri: string): Request {
  return { method: 'GET', uri, headers: {}, querystring: {}, cookies: {} };
}

describe('trailingSlash: true (page/index.html)', () => {
  const handler = load(true);
  test.each([
    ['/', '/index.html'],
    ['/signin', '/signin/index.html'],
    ['/signin/', '/signin/index.html'],
    ['/auth/error', '/auth/error/index.html'],
    ['/v1.2/page', '/v1.2/page/index.html'],
    ['/favicon.ico', '/favicon.ico'],
    ['/404.html', '/404.html'],
    ['/_next/static/chunks/main-abc123.js', '/_next/static/chunks/main-abc123.js'],
  ])('maps %s to %s', (uri, expected) => {
    expect(handler({ request: request(uri) }).uri).toBe(expected);
  });
});

describe('trailingSlash: false (page.html)', () => {
  const handler = load(false);
  test.each([
    ['/', '/index.html'],
    ['/signin', '/signin.html'],
    ['/signin/', '/signin.html'],
    ['/auth/error', '/auth/error.html'],
    ['/favicon.ico', '/favicon.ico'],
    ['/_next/static/chunks/main-abc123.js', '/_next/static/chunks/main-abc123.js'],
  ])('maps %s to %s', (uri, expected) => {
    expect(handler({ request: request(uri) }).uri).toBe(expected);
  });
});

test('only the uri changes', () => {
  const original: Request = {
    method: 'GET',
    uri: '/x',
    headers: { accept: { value: 'text/html' } },
    querystring: { q: { value: '1' } },
    cookies: { c: { value: 'v' } },
  };
  const result = load(true)({ request: structuredClone(original) });
  expect(result).toEqual({ ...original, uri: '/x/index.html' });
});
