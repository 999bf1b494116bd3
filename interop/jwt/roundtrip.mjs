#!/usr/bin/env node
// Interop harness: session tokens made by the real next-auth 4 / @auth/core
// packages for the Rust port to read ("make"), and tokens made by the Rust
// port read back by the real packages ("check"). See README.md for the JSON
// contract. Usage:
//   node roundtrip.mjs make  <out.json> [--count N] [--seed S]
//   node roundtrip.mjs check <in.json> [<report.json>]
//   node roundtrip.mjs selftest [--vectors DIR]
import { createRequire } from "node:module";
import { readFileSync, writeFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

// ---------------------------------------------------------------------------
// Loading the real packages
// ---------------------------------------------------------------------------
const require = createRequire(import.meta.url);

// next-auth 4 is CommonJS. Its `exports` map only exposes `next-auth/jwt`, so
// the SessionStore module (core/lib/cookie.js) is loaded by file path, found
// relative to the resolved jwt entry. Because require() caches by resolved
// file name, this is the very module instance jwt/index.js uses internally.
const v4JwtFile = require.resolve("next-auth/jwt");
const v4Root = path.resolve(path.dirname(v4JwtFile), "..");
const v4 = require(v4JwtFile);
const v4Cookies = require(path.join(v4Root, "core", "lib", "cookie.js"));
// The `cookie` package as next-auth itself resolves it (it serialises
// Set-Cookie with it in next/utils.js and would parse request cookies with it).
const v4CookieLib = createRequire(v4JwtFile)("cookie");

// @auth/core is ESM with an `exports` map that hides lib/. Resolve the public
// `@auth/core/jwt` entry and import its siblings by URL; ESM caches by URL, so
// again these are the same instances jwt.js imports.
const v5JwtUrl = import.meta.resolve("@auth/core/jwt");
const v5 = await import(v5JwtUrl);
const v5Cookies = await import(new URL("./lib/utils/cookie.js", v5JwtUrl).href);
const v5CookieLib = await import(new URL("./lib/vendored/cookie.js", v5JwtUrl).href);

const readJson = (file) => JSON.parse(readFileSync(file, "utf8"));
const VERSIONS = {
  "next-auth": readJson(path.join(v4Root, "package.json")).version,
  "@auth/core": readJson(fileURLToPath(new URL("./package.json", v5JwtUrl))).version,
  node: process.version,
};
const PINNED = { "next-auth": "4.24.15", "@auth/core": "0.41.3" };
for (const [name, want] of Object.entries(PINNED)) {
  if (VERSIONS[name] !== want) die(`installed ${name} is ${VERSIONS[name]}, expected ${want} (run npm ci)`);
}

// Both SessionStores log chunking via logger.debug; keep stdout clean.
const quietLogger = { debug() {}, warn() {}, error() {} };

// Everything that differs between the two formats, behind one interface.
const FORMATS = {
  v4: {
    chunkSize: 3933,
    cookieName: (secure) => v4Cookies.defaultCookies(secure).sessionToken.name,
    saltFor: () => "",
    encode: ({ claims, secrets, encIndex, maxAge }) =>
      v4.encode({ token: claims, secret: secrets[encIndex], maxAge }),
    decode: ({ token, secrets }) => {
      if (secrets.length !== 1) throw new Error(`v4 takes exactly one secret, got ${secrets.length}`);
      return v4.decode({ token, secret: secrets[0] });
    },
    // v4 getToken reads req.cookies (a parsed object, as Next.js provides);
    // headers are passed too, as in a real request.
    getToken: ({ cookieHeader, secrets, secure, raw }) =>
      v4.getToken({
        req: { cookies: v4CookieLib.parse(cookieHeader), headers: { cookie: cookieHeader } },
        secret: secrets[0], secureCookie: secure, raw, logger: quietLogger,
      }),
    setCookies: (token, secure, expires) => {
      // Same option object the v4 server passes to SessionStore (core/init).
      const store = new v4Cookies.SessionStore(v4Cookies.defaultCookies(secure).sessionToken, { cookies: {}, headers: {} }, quietLogger);
      return store.chunk(token, { expires }).map((c) => v4CookieLib.serialize(c.name, c.value, c.options));
    },
  },
  v5: {
    chunkSize: 3936,
    cookieName: (secure) => v5Cookies.defaultCookies(secure).sessionToken.name,
    saltFor: (cookieName) => cookieName,
    // Encode with ONE secret of the rotation list (not necessarily the first),
    // so the reader has to pick the secret by the header's kid.
    encode: ({ claims, secrets, encIndex, maxAge, salt }) =>
      v5.encode({ token: claims, secret: secrets[encIndex], salt, maxAge }),
    decode: ({ token, secrets, salt }) => v5.decode({ token, secret: secrets, salt }),
    // v5 getToken only looks at the Cookie header.
    getToken: ({ cookieHeader, secrets, secure, salt, raw }) =>
      v5.getToken({
        req: { headers: { cookie: cookieHeader } },
        secret: secrets, secureCookie: secure, salt, raw, logger: quietLogger,
      }),
    setCookies: (token, secure, expires) => {
      const store = new v5Cookies.SessionStore(v5Cookies.defaultCookies(secure).sessionToken, {}, quietLogger);
      return store.chunk(token, { expires }).map((c) => v5CookieLib.serialize(c.name, c.value, c.options));
    },
  },
};

// "a=b; Path=/; ..." -> "a=b" (the value exactly as it appears on the wire).
const cookiePair = (setCookie) => setCookie.split(";")[0];
const cookieHeaderFor = (setCookies) => setCookies.map(cookiePair).join("; ");

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------
function die(msg, code = 2) {
  process.stderr.write(`roundtrip: ${msg}\n`);
  process.exit(code);
}

// Structural equality for JSON values: object key order is ignored, numbers
// are compared as JS numbers. Returns null when equal, else a description of
// the first difference (with a JSON-pointer-like path).
function diff(a, b, at = "") {
  const kind = (v) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);
  if (kind(a) !== kind(b)) return `${at || "/"}: ${kind(a)} vs ${kind(b)}`;
  if (kind(a) === "array") {
    if (a.length !== b.length) return `${at || "/"}: array length ${a.length} vs ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = diff(a[i], b[i], `${at}/${i}`);
      if (d) return d;
    }
    return null;
  }
  if (kind(a) === "object") {
    const ka = Object.keys(a), kb = Object.keys(b);
    for (const k of ka) if (!Object.hasOwn(b, k)) return `${at}/${JSON.stringify(k)}: missing on the right`;
    for (const k of kb) if (!Object.hasOwn(a, k)) return `${at}/${JSON.stringify(k)}: missing on the left`;
    for (const k of ka) {
      const d = diff(a[k], b[k], `${at}/${JSON.stringify(k)}`);
      if (d) return d;
    }
    return null;
  }
  return a === b ? null : `${at || "/"}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
}

const errText = (e) => (e && e.name ? `${e.name}${e.code ? ` (${e.code})` : ""}: ${e.message}` : String(e));

// Seeded PRNG (mulberry32) so the claim corpus is reproducible; tokens still
// differ run to run because the packages draw their own IVs and jti values.
function makeRng(seedText) {
  let h = 0x811c9dc5; // FNV-1a of the seed text -> 32-bit state
  for (const ch of String(seedText)) h = Math.imul(h ^ ch.codePointAt(0), 0x01000193) >>> 0;
  let a = h;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = (arr) => arr[Math.floor(next() * arr.length)];
  const chance = (p) => next() < p;
  return { next, int, pick, chance };
}

// ---------------------------------------------------------------------------
// Random claims
// ---------------------------------------------------------------------------
// Awkward fragments: JSON escapes, JS/HTML-sensitive text, line separators,
// cookie-syntax characters, ZWJ emoji, flags, bidi controls, BOM.
const FRAGMENTS = ['"', "\\", "\n", "\t", "\r", "\b", "\f", "\u0000", "\u0001", "\u001f", "\u007f",
  "\u2028", "\u2029", "/", "</script>", "<!--", "&amp;", "'", "\ufeff", "\ufffd", "\uffff", "%", "%25",
  ";", "=", ",", " ", "e\u0301", "👩‍💻", "🇺🇳", "\u202e", "\u200d", "𝔘𝔫𝔦", "𠜎", "\\u0041", "${x}"];
// Code point ranges: ASCII, Latin-1, Cyrillic, Hebrew, Arabic, combining
// marks, kana, CJK, emoji (astral), math alphanumerics (astral), CJK ext. B.
const RANGES = [[0x20, 0x7e], [0xa0, 0xff], [0x400, 0x4ff], [0x5d0, 0x5ea], [0x621, 0x64a], [0x300, 0x36f],
  [0x3040, 0x30ff], [0x4e00, 0x9fff], [0x1f300, 0x1faff], [0x1d400, 0x1d7ff], [0x20000, 0x2a6df]];
const WORDS = ["alice", "bob", "admin", "user", "tenant", "role", "scope", "org", "team", "id", "profile", "groups"];

function makeGen(rng) {
  const str = (maxLen = 24) => {
    if (rng.chance(0.08)) return "";
    if (rng.chance(0.3)) return rng.pick(WORDS) + (rng.chance(0.5) ? rng.int(0, 9999) : "");
    const len = rng.int(1, maxLen);
    let s = "";
    while ([...s].length < len) {
      if (rng.chance(0.2)) s += rng.pick(FRAGMENTS);
      else { const [lo, hi] = rng.pick(RANGES); s += String.fromCodePoint(rng.int(lo, hi)); }
    }
    return s;
  };
  const integer = () => rng.pick([
    () => 0, () => -1, () => 1, () => 2 ** 53 - 1, () => -(2 ** 53 - 1), () => 2 ** 31, () => -(2 ** 31) - 1,
    () => 2 ** 32, () => rng.int(-1000, 1000), () => Math.floor(rng.next() * 2 ** 53), () => -Math.floor(rng.next() * 2 ** 40),
  ])();
  const float = () => rng.pick([
    () => 0.5, () => -0.1, () => 0.1 + 0.2, () => 1e21, () => 1.5e300, () => 1e-7, () => 5e-324,
    () => 1.7976931348623157e308, () => -2.5e-10, () => Number.EPSILON, () => 123456.789,
    () => rng.next() * 1e6, () => (rng.next() - 0.5) * 1e-300, () => rng.next(),
  ])();
  const key = () => {
    if (rng.chance(0.6)) return rng.pick(WORDS) + (rng.chance(0.5) ? `_${rng.int(0, 99)}` : "");
    if (rng.chance(0.1)) return String(rng.int(0, 20)); // integer-like keys reorder in JS objects
    return str(12);
  };
  // Claim names the JWT layer treats specially are avoided as random keys.
  const RESERVED = new Set(["iat", "exp", "jti", "nbf", "iss", "aud", "sub", "__proto__"]);
  const value = (depth = 0) => {
    const scalars = [() => str(), () => str(80), integer, float, () => rng.chance(0.5), () => null];
    const containers = [() => ({}), () => [], () => object(depth + 1), () => array(depth + 1)];
    return depth < 4 && rng.chance(0.3) ? rng.pick(containers)() : rng.pick(scalars)();
  };
  const object = (depth, n = rng.int(0, 5)) => {
    const o = {};
    for (let i = 0; i < n; i++) {
      const k = key();
      if (!RESERVED.has(k)) o[k] = value(depth);
    }
    return o;
  };
  const array = (depth) => Array.from({ length: rng.int(0, 5) }, () => value(depth));
  const b64u = (n) => {
    const abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let s = "";
    for (let i = 0; i < n; i++) s += abc[rng.int(0, 63)];
    return s;
  };

  // A claims object: usually the shape next-auth's JWT callback produces,
  // plus random extras; then grown with fields until its JSON reaches
  // `targetBytes` (UTF-8).
  const claims = (targetBytes) => {
    const c = {};
    if (rng.chance(0.8)) {
      c.name = rng.chance(0.1) ? null : str(30);
      c.email = rng.chance(0.1) ? null : `${rng.pick(WORDS)}${rng.int(0, 999)}@example.com`;
      c.picture = rng.chance(0.3) ? null : `https://example.com/${rng.pick(WORDS)}.png?x=${str(6)}`;
      c.sub = uuidFromRng();
    }
    Object.assign(c, object(1));
    if (rng.chance(0.3)) c.user = { id: uuidFromRng(), role: rng.pick(["admin", "user", "viewer"]), groups: array(2) };
    if (rng.chance(0.2)) c.empty = rng.pick([{}, [], ""]);
    const size = () => Buffer.byteLength(JSON.stringify(c));
    let n = 0;
    while (size() < targetBytes) {
      const missing = targetBytes - size();
      const k = `x${n++}_${key()}`;
      // Big fields look like what bloats real sessions: provider tokens,
      // group lists, profile blobs.
      c[k] = rng.pick([
        () => b64u(Math.min(missing, rng.int(200, 3000))),
        () => Array.from({ length: rng.int(5, 60) }, () => str(20)),
        () => object(1, rng.int(3, 12)),
        () => str(Math.min(400, Math.max(1, missing / 3))),
      ])();
    }
    return c;
  };
  const uuidFromRng = () => {
    const h = Array.from({ length: 32 }, () => rng.int(0, 15).toString(16));
    h[12] = "4"; h[16] = "89ab"[rng.int(0, 3)];
    const s = h.join("");
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  };
  // Test secrets: made up here, never real. Mostly ASCII, some non-ASCII
  // (HKDF takes their UTF-8 bytes), a few long.
  const secret = () => {
    const r = rng.next();
    if (r < 0.6) return b64u(rng.int(16, 64));
    if (r < 0.85) { const s = str(40); return s === "" ? "x" : s; }
    return b64u(rng.int(100, 300));
  };
  return { claims, secret };
}

// ---------------------------------------------------------------------------
// make
// ---------------------------------------------------------------------------
// Plaintext sizes (bytes of claims JSON) per category. Token length is about
// 80 + 4/3*n (v4) or 240 + 4/3*n (v5), so "two" lands between one and two
// chunks' worth and "many" needs at least three cookies.
const SIZE = { small: [40, 1500], two: [3000, 5400], many: [6300, 16000] };
// Per 20 cases: 4 two-chunk, 2 three-plus-chunk, 2 near the chunk boundary
// (one just above, one just below), the rest small.
const category = (i) => ["two", "two", "two", "two", "many", "many", "edge+", "edge-"][i % 20] ?? "small";

async function makeCase(fmtName, i, rng, gen) {
  const F = FORMATS[fmtName];
  const id = `${fmtName}-${String(i + 1).padStart(4, "0")}`;
  const secure = rng.chance(0.35);
  const cookieName = F.cookieName(secure);
  const salt = F.saltFor(cookieName);
  const secrets = fmtName === "v4" ? [gen.secret()] : Array.from({ length: rng.int(1, 3) }, gen.secret);
  const encIndex = rng.int(0, secrets.length - 1);
  const maxAge = rng.pick([undefined, undefined, undefined, undefined, undefined, undefined, 60, 3600, 400 * 86400]);
  const cat = category(i);
  const [lo, hi] = SIZE[cat.startsWith("edge") ? "small" : cat];
  const input = gen.claims(rng.int(lo, hi));

  let token = await F.encode({ claims: input, secrets, encIndex, maxAge, salt });
  if (cat.startsWith("edge")) {
    // Pad with ASCII until the token length lands near a random target just
    // above (edge+) or just below (edge-) the chunk size. Token length grows
    // monotonically with the plaintext (v5 in 22-char steps: CBC blocks), so
    // a few re-encodes converge.
    const target = F.chunkSize + (cat === "edge+" ? rng.int(1, 40) : -rng.int(0, 40));
    const ok = (len) => Math.abs(target - len) <= 11 && (cat === "edge+") === len > F.chunkSize;
    input.pad = "";
    for (let k = 0; k < 20 && !ok(token.length); k++) {
      const delta = target - token.length;
      input.pad = "p".repeat(Math.max(0, input.pad.length + Math.round((delta * 3) / 4)));
      token = await F.encode({ claims: input, secrets, encIndex, maxAge, salt });
    }
  }

  // The claims Rust must see are exactly what the package's own decode gives.
  const claims = await F.decode({ token, secrets, salt });
  const now = claims.iat;
  const problems = [];
  const { iat, exp, jti, ...rest } = claims;
  const d = diff(rest, JSON.parse(JSON.stringify(input)));
  if (d) problems.push(`decode() differs from the encoded claims: ${d}`);
  if (exp - iat !== (maxAge ?? 30 * 86400)) problems.push(`exp - iat = ${exp - iat}, maxAge ${maxAge}`);
  if (typeof jti !== "string") problems.push("no jti");

  const expires = new Date(exp * 1000); // cookie lifetime = session maxAge, like the servers do
  const setCookie = F.setCookies(token, secure, expires);
  const cookieHeader = cookieHeaderFor(setCookie);
  const viaCookie = await F.getToken({ cookieHeader, secrets, secure, salt });
  const d2 = viaCookie === null ? "getToken returned null" : diff(viaCookie, claims);
  if (d2) problems.push(`getToken from cookie_header: ${d2}`);

  return {
    case: {
      id, format: fmtName, secrets, secure, cookie_name: cookieName, salt, now, claims, token,
      set_cookie: setCookie, cookie_header: cookieHeader,
      // Informational only: which element of `secrets` encoded the token.
      encoded_with_secret_index: encIndex,
    },
    problems,
  };
}

async function cmdMake(out, { count = 150, seed = "nextauth-interop" } = {}) {
  const rng = makeRng(seed);
  const gen = makeGen(rng);
  const cases = [], failed = [];
  for (const fmt of ["v4", "v5"]) {
    for (let i = 0; i < count; i++) {
      const { case: c, problems } = await makeCase(fmt, i, rng, gen);
      if (problems.length) failed.push(`${c.id}: ${problems.join("; ")}`);
      cases.push(c);
    }
  }
  const stats = summarize(cases);
  // Coverage promised by the contract (only meaningful for a decent count).
  if (count >= 20) {
    for (const fmt of ["v4", "v5"]) {
      const s = stats[fmt];
      if (s.chunked * 4 < s.n) failed.push(`coverage: only ${s.chunked}/${s.n} ${fmt} cases are chunked`);
      if (!s.chunks3) failed.push(`coverage: no ${fmt} case with 3+ chunks`);
      if (!s.secure) failed.push(`coverage: no secure ${fmt} case`);
    }
    if (!cases.some((c) => c.format === "v5" && c.encoded_with_secret_index > 0)) failed.push("coverage: no v5 rotation case");
  }
  if (failed.length) die(`make failed:\n  ${failed.join("\n  ")}`, 1);
  writeFileSync(out, JSON.stringify({ generator: VERSIONS, seed: String(seed), cases }, null, 1) + "\n");
  console.log(`made ${cases.length} cases (v4: ${stats.v4.n}, v5: ${stats.v5.n}; chunked v4: ${stats.v4.chunked}, v5: ${stats.v5.chunked}; ` +
    `3+ chunks: ${stats.v4.chunks3 + stats.v5.chunks3}; secure: ${stats.v4.secure + stats.v5.secure}; ` +
    `v5 rotation: ${cases.filter((c) => c.encoded_with_secret_index > 0).length}) -> ${out}`);
}

function summarize(cases) {
  const s = { v4: { n: 0, chunked: 0, chunks3: 0, secure: 0 }, v5: { n: 0, chunked: 0, chunks3: 0, secure: 0 } };
  for (const c of cases) {
    const t = s[c.format];
    if (!t) continue;
    const chunks = Math.ceil(String(c.token).length / FORMATS[c.format].chunkSize);
    t.n++; t.chunked += chunks > 1; t.chunks3 += chunks > 2; t.secure += c.secure === true;
  }
  return s;
}

// ---------------------------------------------------------------------------
// check
// ---------------------------------------------------------------------------
async function checkCase(c) {
  const F = FORMATS[c.format];
  if (!F) throw new Error(`unknown format ${JSON.stringify(c.format)}`);
  if (!Array.isArray(c.secrets) || !c.secrets.length || !c.secrets.every((s) => typeof s === "string"))
    throw new Error("secrets must be a non-empty array of strings");
  if (typeof c.secure !== "boolean") throw new Error("secure must be a boolean");
  // The harness (like getToken) derives cookie name and salt from format +
  // secure; a case that disagrees would be testing something else.
  const name = F.cookieName(c.secure);
  if (c.cookie_name !== name) throw new Error(`cookie_name ${JSON.stringify(c.cookie_name)} != ${JSON.stringify(name)}`);
  if (c.salt !== F.saltFor(name)) throw new Error(`salt ${JSON.stringify(c.salt)} != ${JSON.stringify(F.saltFor(name))}`);
  if (typeof c.token !== "string" || typeof c.cookie_header !== "string") throw new Error("token and cookie_header must be strings");
  const args = { token: c.token, secrets: c.secrets, salt: c.salt, secure: c.secure, cookieHeader: c.cookie_header };

  // a. the token itself
  let decoded;
  try { decoded = await F.decode(args); } catch (e) { throw new Error(`decode threw ${errText(e)}`); }
  if (decoded === null) throw new Error("decode returned null");
  let d = diff(decoded, c.claims);
  if (d) throw new Error(`decode result differs from claims (package vs case): ${d}`);

  // b. the cookies: the package must reassemble exactly `token` from the
  // Cookie header, then decode it to the same claims.
  const raw = await F.getToken({ ...args, raw: true });
  if (raw !== c.token) throw new Error(`getToken(raw) reassembled ${raw === null ? "nothing" : `${raw.length} chars`} from cookie_header, not the ${c.token.length}-char token`);
  const viaCookie = await F.getToken(args);
  if (viaCookie === null) throw new Error("getToken returned null");
  d = diff(viaCookie, c.claims);
  if (d) throw new Error(`getToken result differs from claims (package vs case): ${d}`);

  // c. optional: Set-Cookie lines must be byte-identical to what the
  // package's SessionStore + serializer emit for this token, using the
  // Expires the case chose.
  if (c.set_cookie !== undefined) {
    if (!Array.isArray(c.set_cookie) || !c.set_cookie.length) throw new Error("set_cookie must be a non-empty array");
    const m = /; Expires=([^;]+)/.exec(c.set_cookie[0]);
    if (!m) throw new Error("set_cookie[0] has no Expires attribute");
    const want = F.setCookies(c.token, c.secure, new Date(m[1]));
    if (want.length !== c.set_cookie.length) throw new Error(`set_cookie has ${c.set_cookie.length} lines, package emits ${want.length}`);
    want.forEach((w, i) => {
      if (w !== c.set_cookie[i]) throw new Error(`set_cookie[${i}] differs: package ${JSON.stringify(w.slice(0, 60) + "…" + w.slice(-90))}, case ${JSON.stringify(c.set_cookie[i].slice(0, 60) + "…" + c.set_cookie[i].slice(-90))}`);
    });
  }
}

async function cmdCheck(input, reportFile) {
  const doc = readJson(input);
  if (!Array.isArray(doc.cases) || !doc.cases.length) die(`${input}: no cases`, 1);
  const report = { generator: VERSIONS, checked_at: Math.floor(Date.now() / 1000), input_generator: doc.generator ?? null, cases: {} };
  const failed = [];
  const seen = new Set();
  for (const [i, c] of doc.cases.entries()) {
    const id = c?.id ?? `#${i}`;
    let error = null;
    if (seen.has(id)) error = "duplicate case id";
    seen.add(id);
    if (!error) try { await checkCase(c); } catch (e) { error = e.message; }
    report.cases[id] = { ok: !error, error, now: c?.now ?? null };
    if (error) failed.push(`${id}: ${error}`);
  }
  const s = summarize(doc.cases);
  report.summary = { total: doc.cases.length, v4: s.v4.n, v5: s.v5.n, chunked: s.v4.chunked + s.v5.chunked, failed: failed.length };
  if (reportFile) writeFileSync(reportFile, JSON.stringify(report, null, 1) + "\n");
  const head = `checked ${doc.cases.length} cases (v4: ${s.v4.n}, v5: ${s.v5.n}, chunked: ${s.v4.chunked + s.v5.chunked})`;
  if (failed.length) {
    const shown = failed.slice(0, 20);
    die(`${head}: ${failed.length} FAILED\n  ${shown.join("\n  ")}${failed.length > shown.length ? `\n  … and ${failed.length - shown.length} more` : ""}`, 1);
  }
  console.log(`${head}: all ok`);
}

// ---------------------------------------------------------------------------
// selftest: make -> check, corrupted inputs must fail, and our Set-Cookie
// construction must match the shared chunking vectors byte for byte.
// ---------------------------------------------------------------------------
async function cmdSelftest({ vectors }) {
  const dir = mkdtempSync(path.join(tmpdir(), "roundtrip-"));
  const self = fileURLToPath(import.meta.url);
  const { spawnSync } = await import("node:child_process");
  const run = (...args) => spawnSync(process.execPath, [self, ...args], { encoding: "utf8" });
  const fail = (msg) => { rmSync(dir, { recursive: true, force: true }); die(`selftest: ${msg}`, 1); };
  try {
    const made = path.join(dir, "made.json");
    let r = run("make", made, "--count", "40");
    if (r.status !== 0) fail(`make failed: ${r.stderr}`);
    r = run("check", made);
    if (r.status !== 0) fail(`check of own output failed: ${r.stderr}`);
    console.log(`ok   ${r.stdout.trim()}`);

    // Each corruption must be detected, and the failing id must be named.
    const doc = readJson(made);
    // A chunked victim per format; an untouched single-cookie case of the
    // other format rides along and must keep passing.
    const pairs = ["v4", "v5"].map((fmt) => [
      doc.cases.find((c) => c.format === fmt && c.set_cookie.length > 1),
      doc.cases.find((c) => c.format !== fmt && c.set_cookie.length === 1),
    ]);
    const mutations = {
      "flip one token char": (c) => { const k = c.token.length - 30; c.token = c.token.slice(0, k) + (c.token[k] === "A" ? "B" : "A") + c.token.slice(k + 1); },
      "change one claim": (c) => { c.claims.extra_claim = 1; },
      "change claim type": (c) => { c.claims.exp = String(c.claims.exp); },
      "drop a chunk from the cookie header": (c) => { c.cookie_header = c.cookie_header.split("; ").slice(0, -1).join("; "); },
      "cookies under the other (secure/plain) name": (c) => {
        c.cookie_header = c.secure ? c.cookie_header.replaceAll("__Secure-", "") : c.cookie_header.replace(/(^|; )/g, "$1__Secure-");
      },
      "wrong secret": (c) => { c.secrets = c.secrets.map((s) => s + "!"); },
      "set_cookie attribute order": (c) => { c.set_cookie[0] = c.set_cookie[0].replace("; HttpOnly", "").replace("; Path=/", "; HttpOnly; Path=/"); },
    };
    for (const [what, mutate] of Object.entries(mutations)) {
      for (const [victim, control] of pairs) {
        const c = structuredClone(victim);
        mutate(c);
        const bad = path.join(dir, "bad.json");
        writeFileSync(bad, JSON.stringify({ cases: [control, c] }));
        r = run("check", bad);
        if (r.status === 0 || !r.stderr.includes(`${c.id}:`) || r.stderr.includes(`${control.id}:`))
          fail(`"${what}" was not reported as failing ${c.id} only:\n${r.stdout}${r.stderr}`);
        console.log(`ok   ${what}: ${r.stderr.split("\n")[1].trim().slice(0, 140)}`);
      }
    }

    // Set-Cookie construction vs. vectors captured from the real packages.
    const vfile = path.join(vectors, "session-chunking.json");
    if (!existsSync(vfile)) { console.log(`skip ${vfile} not found (pass --vectors DIR)`); return; }
    let n = 0;
    for (const v of readJson(vfile).cases) {
      // Only fresh writes (no prior cookies) correspond to what `make` emits.
      // Boundary-length vectors carry no `token`; it is the chunks joined,
      // and long runs are abbreviated there as <N x 'c'> (also in set_cookie).
      if (!v.set_cookies || Object.keys(v.request_cookies ?? {}).length) continue;
      const expand = (t) => t.replace(/<(\d+) x '(.)'>/g, (_, n, ch) => ch.repeat(Number(n)));
      const token = v.token ?? v.set_cookies.map((s) => expand(s.value)).join("");
      const secure = v.cookie_name.startsWith("__Secure-");
      const expires = new Date(v.set_cookies[0]?.options?.expires ?? 0);
      const got = FORMATS[v.version].setCookies(token, secure, expires);
      const want = v.set_cookies.map((s) => expand(s.set_cookie));
      if (diff(got, want)) fail(`${v.name}: Set-Cookie differs from the vector: ${diff(got, want).slice(0, 200)}`);
      const attrs = /^[^=;]+=[^;]*; Path=\/; Expires=\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT; HttpOnly(; Secure)?; SameSite=Lax$/;
      if (!got.every((s) => attrs.test(s))) fail(`${v.name}: unexpected attribute layout`);
      n++;
    }
    if (!n) fail("no fresh-write vectors found");
    console.log(`ok   Set-Cookie identical to ${n} fresh-write vectors in session-chunking.json`);
    console.log("selftest: all ok");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------
const USAGE = "usage: node roundtrip.mjs make <out.json> [--count N] [--seed S]\n" +
  "       node roundtrip.mjs check <in.json> [<report.json>]\n" +
  "       node roundtrip.mjs selftest [--vectors DIR]";
const [cmd, ...rest] = process.argv.slice(2);
const positional = [], flags = {};
for (let i = 0; i < rest.length; i++) {
  if (rest[i].startsWith("--")) {
    if (i + 1 >= rest.length) die(`${rest[i]} needs a value\n${USAGE}`);
    flags[rest[i].slice(2)] = rest[++i];
  } else positional.push(rest[i]);
}
for (const k of Object.keys(flags)) {
  const allowed = { make: ["count", "seed"], check: [], selftest: ["vectors"] }[cmd] ?? [];
  if (!allowed.includes(k)) die(`unknown option --${k}\n${USAGE}`);
}
if (cmd === "make" && positional.length === 1) {
  const count = flags.count === undefined ? 150 : Number(flags.count);
  if (!Number.isInteger(count) || count < 1) die("--count must be a positive integer");
  await cmdMake(positional[0], { count, seed: flags.seed });
} else if (cmd === "check" && (positional.length === 1 || positional.length === 2)) {
  await cmdCheck(positional[0], positional[1]);
} else if (cmd === "selftest" && positional.length === 0) {
  // Default: the shared/ folder that sits beside the repository checkout.
  await cmdSelftest({ vectors: flags.vectors ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../shared/vectors") });
} else {
  die(USAGE);
}
