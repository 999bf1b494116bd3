// Writes <dist>/config.json from EDGE_* environment variables, then checks it by configuring
// the packaged module with it (the same code the function runs at cold start).
//
//   node js/package-config.mjs <dist dir>
//
// Variables (lists are comma-separated):
//   EDGE_NEXTAUTH_SECRET           required: NEXTAUTH_SECRET / AUTH_SECRET of the other tiers
//   EDGE_NEXTAUTH_PREVIOUS_SECRET  optional: the previous secret while rotating
//   EDGE_WIRE_FORMAT               v4 (default), v5, or v4,v5 during a migration
//   EDGE_PUBLIC_ORIGIN             https://www.example.com (default: the distribution's domain)
//   EDGE_SECURE_COOKIES            true|false (default: true unless the origin is http://)
//   EDGE_SESSION_COOKIE_NAME       a custom session cookie name
//   EDGE_PROTECTED_PATHS           required (may be empty): /account/**,/admin/**,/api/private/*
//   EDGE_EXCLUDED_PATHS            default: /api/auth/**,/_next/**,/favicon.ico,/robots.txt
//   EDGE_SIGNIN_PATH               default: /api/auth/signin
//   EDGE_API_PREFIX                default: /api (401 JSON there instead of a redirect)
//   EDGE_USER_ID_HEADER            e.g. x-auth-user-id: the session's `sub` for the origin
//   EDGE_API_HEADER_ALLOWLIST      headers the API origin receives (default: edge-adapter's list)
//   EDGE_TRAILING_SLASH            true (default) | false: next.config.js `trailingSlash`
//   EDGE_STATIC_ROUTES             extra export routes: /posts/[id],/docs/[...slug]=/docs/x.html
//   EDGE_STATIC_EXPORT_DIR         a `next build` export (out/): its [param] pages become routes
//   EDGE_LOG_DECISIONS             true|false (default false): log each decision code

import { readdirSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = process.argv[2];
if (!dist) {
  console.error('usage: node package-config.mjs <dist dir>');
  process.exit(2);
}

const env = process.env;
const list = (value) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
const bool = (name, value) => {
  if (value === undefined || value === '') return undefined;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  fail(`${name} must be true or false`);
};
function fail(message) {
  console.error(`package-config: ${message}`);
  process.exit(1);
}

if (!env.EDGE_NEXTAUTH_SECRET) fail('EDGE_NEXTAUTH_SECRET is required');
if (env.EDGE_PROTECTED_PATHS === undefined) {
  fail('EDGE_PROTECTED_PATHS is required (set it empty to protect nothing)');
}

const config = {
  wire_format: list(env.EDGE_WIRE_FORMAT || 'v4'),
  secrets: [env.EDGE_NEXTAUTH_SECRET, ...list(env.EDGE_NEXTAUTH_PREVIOUS_SECRET)],
  protected_paths: list(env.EDGE_PROTECTED_PATHS),
};
const optional = {
  public_origin: env.EDGE_PUBLIC_ORIGIN || undefined,
  secure_cookies: bool('EDGE_SECURE_COOKIES', env.EDGE_SECURE_COOKIES),
  session_cookie_name: env.EDGE_SESSION_COOKIE_NAME || undefined,
  excluded_paths: env.EDGE_EXCLUDED_PATHS !== undefined ? list(env.EDGE_EXCLUDED_PATHS) : undefined,
  signin_path: env.EDGE_SIGNIN_PATH || undefined,
  api_prefix: env.EDGE_API_PREFIX || undefined,
  user_id_header: env.EDGE_USER_ID_HEADER || undefined,
  api_header_allowlist: env.EDGE_API_HEADER_ALLOWLIST
    ? list(env.EDGE_API_HEADER_ALLOWLIST)
    : undefined,
  log_decisions: bool('EDGE_LOG_DECISIONS', env.EDGE_LOG_DECISIONS),
};
for (const [key, value] of Object.entries(optional)) {
  if (value !== undefined) config[key] = value;
}

const trailingSlash = bool('EDGE_TRAILING_SLASH', env.EDGE_TRAILING_SLASH) ?? true;
const routes = list(env.EDGE_STATIC_ROUTES).map((entry) => {
  const [route, file] = entry.split('=');
  return file ? { route, file } : { route };
});
if (env.EDGE_STATIC_EXPORT_DIR) {
  routes.push(...routesFromExport(env.EDGE_STATIC_EXPORT_DIR));
}
config.static_export = { trailing_slash: trailingSlash, routes };

// Validate with the module itself before anything is zipped.
const { createHandler } = await import(pathToFileURL(join(dist, 'index.mjs')).href);
try {
  await createHandler(config);
} catch (e) {
  fail(e.message);
}
writeFileSync(join(dist, 'config.json'), `${JSON.stringify(config, null, 2)}\n`, { mode: 0o644 });
console.log(
  `package-config: ${join(dist, 'config.json')}: ${config.wire_format.join('+')}, ` +
    `${config.protected_paths.length} protected pattern(s), ${routes.length} export route(s)`,
);

/**
 * The routes of a static export: every page whose path has a [param] segment, plus the
 * pre-rendered pages such a route would otherwise swallow (so they keep their own file).
 */
function routesFromExport(dir) {
  const pages = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.html')) pages.push(`/${relative(dir, path).split(sep).join('/')}`);
    }
  };
  walk(dir);
  const routeOf = (file) =>
    file.replace(/\/index\.html$/, '').replace(/\.html$/, '') || '/';
  const dynamic = pages.filter((f) => /\[[^/]+\]/.test(f)).map((file) => ({ route: routeOf(file), file }));
  const matches = (route, path) => {
    const r = route.split('/').filter(Boolean);
    const p = path.split('/').filter(Boolean);
    for (let i = 0; i < r.length; i++) {
      if (r[i].startsWith('[[...')) return true;
      if (r[i].startsWith('[...')) return p.length > i;
      if (i >= p.length) return false;
      if (!r[i].startsWith('[') && r[i] !== p[i]) return false;
    }
    return p.length === r.length;
  };
  const shadowed = pages
    .filter((f) => !/\[/.test(f))
    .map((file) => ({ route: routeOf(file), file }))
    .filter(({ route }) => dynamic.some((d) => matches(d.route, route)));
  return [...dynamic, ...shadowed];
}
