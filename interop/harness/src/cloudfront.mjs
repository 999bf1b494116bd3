// CloudFront stand-in: the static export for every path, /api/* forwarded to a dynamic tier.
//
// Static rules (S3 origin + the usual viewer-request rewrite for a `trailingSlash` export):
//   /            -> /index.html
//   /x/          -> /x/index.html
//   /x           -> /x, else /x/index.html
//   missing file -> /404.html with status 404
// /api and /api/* go to the current upstream, which the runner can switch at any time
// (setUpstream) so one browser context can continue on another tier. Like an origin request
// policy, only a few viewer headers reach the tier (FORWARDED_HEADERS, all cookies, the
// query string), plus X-Forwarded-Host / X-Forwarded-Proto. Nothing is cached.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { extname, join, normalize, sep } from 'node:path';
import selfsigned from 'selfsigned';
import { listen } from './util.mjs';

export const FORWARDED_HEADERS = [
  'accept',
  'accept-language',
  'content-type',
  'content-length',
  'cookie',
  // next-auth 5's client sends this on its sign-in / sign-out POSTs and expects JSON
  // `{url}` back instead of a 302 to the IdP; without it `signIn()` fails in the browser.
  // A real origin request policy must forward it too.
  'x-auth-return-redirect',
];

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer']);

/**
 * @param {object} opts
 * @param {string} opts.root          the static export (an app's out/ folder)
 * @param {string} [opts.upstream]    origin of the tier serving /api/*, e.g. http://127.0.0.1:4000
 * @param {boolean} [opts.https]      serve https with a fresh self-signed certificate for localhost
 */
export async function startCloudFront({ root, upstream = null, https: useHttps = false }) {
  let current = upstream;
  const log = []; // one entry per /api request: what the tier was sent and answered
  const handler = (req, res) => {
    serve(req, res).catch((err) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`stand-in error: ${err.message}`);
    });
  };
  const server = useHttps ? https.createServer(await selfSignedCert(), handler) : http.createServer(handler);
  const port = await listen(server);
  const scheme = useHttps ? 'https' : 'http';
  // The browser reaches us as "localhost", not "127.0.0.1": Next.js rewrites a loopback IP in
  // a request URL to "localhost" (NextURL), so next-auth 5 would otherwise send the IdP a
  // redirect_uri on another host than the page and lose its cookies on the way back.
  const origin = `${scheme}://localhost:${port}`;

  async function serve(req, res) {
    const url = new URL(req.url, origin);
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) return forward(req, res, url);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' });
      res.end('method not allowed');
      return;
    }
    const file = await findStatic(url.pathname);
    if (file) return sendFile(req, res, 200, file);
    const notFound = await findStatic('/404.html');
    if (notFound) return sendFile(req, res, 404, notFound);
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  }

  async function findStatic(pathname) {
    let decoded;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return null;
    }
    const relative = normalize(decoded).replace(/^([/\\])+/, '');
    if (relative.split(sep).includes('..') || decoded.includes('\0')) return null;
    const base = join(root, relative);
    const candidates = decoded.endsWith('/') ? [join(base, 'index.html')] : [base, join(base, 'index.html')];
    for (const candidate of candidates) {
      const info = await stat(candidate).catch(() => null);
      if (info?.isFile()) return candidate;
    }
    return null;
  }

  function sendFile(req, res, status, file) {
    res.writeHead(status, {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
    return undefined;
  }

  function forward(req, res, url) {
    const entry = {
      at: new Date().toISOString(),
      method: req.method,
      path: url.pathname + url.search,
      upstream: current,
      cookieNames: cookieNames(req.headers.cookie),
      status: 0,
    };
    log.push(entry);
    if (!current) {
      entry.status = 502;
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('stand-in: no upstream set for /api/*');
      return;
    }
    const target = new URL(url.pathname + url.search, current);
    const headers = { 'x-forwarded-host': req.headers.host, 'x-forwarded-proto': scheme };
    for (const name of FORWARDED_HEADERS) {
      if (req.headers[name] !== undefined) headers[name] = req.headers[name];
    }
    const upstreamReq = http.request(target, { method: req.method, headers }, (upstreamRes) => {
      entry.status = upstreamRes.statusCode;
      entry.setCookies = (upstreamRes.headers['set-cookie'] ?? []).map((c) => c.split('=')[0]);
      const out = {};
      for (const [name, value] of Object.entries(upstreamRes.headers)) {
        if (!HOP_BY_HOP.has(name)) out[name] = value;
      }
      res.writeHead(upstreamRes.statusCode, out);
      upstreamRes.pipe(res);
    });
    upstreamReq.on('error', (err) => {
      entry.status = 502;
      entry.error = err.message;
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`stand-in: upstream ${current} failed: ${err.message}`);
    });
    req.pipe(upstreamReq);
  }

  return {
    origin,
    port,
    /** Every /api request seen: method, path, upstream, cookie names sent, status, cookies set. */
    log,
    get upstream() {
      return current;
    },
    /** Switches /api/* to another tier (an origin such as http://127.0.0.1:4001). */
    setUpstream(next) {
      current = next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function cookieNames(header) {
  if (!header) return [];
  return header.split(';').map((pair) => pair.split('=')[0].trim()).filter(Boolean);
}

async function selfSignedCert() {
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 24 * 3600 * 1000),
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }],
  });
  return { key: pems.private, cert: pems.cert };
}
