#!/usr/bin/env node
// The differential suite's reference side: mutated session cookies for both wire formats,
// judged by the real packages' own session routes (next-auth 4's `AuthHandler`, @auth/core's
// `Auth()`, in process) and by the packaged Lambda@Edge function, at a fixed clock; and
// Cognito JWT cases judged by aws-jwt-verify (cognito-cases.mjs).
//
//   node differential.mjs <cases.json> [--edge-dist DIR]
//
// Writes every case (its Cookie header bytes, base64) with the reference's verdict and the
// edge package's verdict. The Rust side (`cargo run -p differential`) reads the file, asks
// every Rust reader, and compares. Every mutation is made from a valid token, so each case
// changes one thing: a byte of structure, a header member, the IV / tag / ciphertext, the key,
// or a claim under valid crypto.
import { createCipheriv, createHash, createHmac, hkdfSync, randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { deflateRawSync } from "node:zlib";

const NOW = 1_767_225_600; // 2026-01-01T00:00:00Z, the clock of every reader
const ORIGIN = "https://app.example.com";
// Public test secrets, used only by this suite.
const SECRETS = {
  v4: ["differential-v4-secret-0123456789abcdef"],
  v5: ["differential-v5-secret-0123456789abcdef", "differential-v5-previous-secret-01234567"],
};
const OTHER_SECRET = "differential-other-secret-0123456789abcd";
const COOKIE = { v4: "__Secure-next-auth.session-token", v5: "__Secure-authjs.session-token" };
const PLAIN_COOKIE = { v4: "next-auth.session-token", v5: "authjs.session-token" };

const args = process.argv.slice(2);
const outFile = args[0];
if (!outFile) {
  console.error("usage: node differential.mjs <cases.json> [--edge-dist DIR]");
  process.exit(2);
}
const edgeDistArg = args.indexOf("--edge-dist");
const edgeDist = edgeDistArg >= 0 ? path.resolve(args[edgeDistArg + 1]) : null;

// A fixed clock for everything in this process: jose reads `new Date()`, the packages read
// `Date.now()`. Boundary cases (exp at now - 15 s) must not move while the suite runs.
const RealDate = Date;
globalThis.Date = class extends RealDate {
  constructor(...a) {
    if (a.length === 0) super(NOW * 1000);
    else super(...a);
  }
  static now() {
    return NOW * 1000;
  }
};

// ---------------------------------------------------------------------------------------------
// The real packages
// ---------------------------------------------------------------------------------------------
const require = createRequire(import.meta.url);
const v4Root = path.resolve(path.dirname(require.resolve("next-auth/jwt")), "..");
const { AuthHandler } = require(path.join(v4Root, "core", "index.js"));
const { Auth } = await import("@auth/core");
const quietLogger = { debug() {}, warn() {}, error() {} };

process.env.NEXTAUTH_URL = `${ORIGIN}/api/auth`;
process.env.NEXTAUTH_SECRET = SECRETS.v4[0];

const sessionRequest = (cookieBytes) =>
  new Request(`${ORIGIN}/api/auth/session`, {
    headers: { host: "app.example.com", cookie: Buffer.from(cookieBytes).toString("latin1") },
  });

/** The session route's verdict: a session (true) or none (false), and the status. */
const REFERENCE = {
  async v4(cookieBytes) {
    const res = await AuthHandler({
      req: sessionRequest(cookieBytes),
      options: { providers: [], secret: SECRETS.v4[0], session: { strategy: "jwt" }, logger: quietLogger },
    });
    const body = res.body ?? {};
    return { accept: typeof body === "object" && "expires" in body, status: res.status ?? 200 };
  },
  async v5(cookieBytes) {
    const res = await Auth(sessionRequest(cookieBytes), {
      providers: [],
      secret: SECRETS.v5,
      trustHost: true,
      basePath: "/api/auth",
      logger: quietLogger,
    });
    const body = await res.json().catch(() => null);
    return { accept: body !== null && typeof body === "object" && "expires" in body, status: res.status };
  },
};

// The packaged Lambda@Edge function (wasm in Node), configured like the readers above.
let EDGE = null;
if (edgeDist) {
  const { createHandler } = await import(new URL(`file://${edgeDist}/index.mjs`).href);
  const packaged = JSON.parse(readFileSync(path.join(edgeDist, "config.json"), "utf8"));
  EDGE = {};
  for (const format of ["v4", "v5"]) {
    EDGE[format] = await createHandler(
      {
        ...packaged,
        wire_format: [format],
        secrets: SECRETS[format],
        public_origin: ORIGIN,
        protected_paths: ["/account/**"],
        log_decisions: false,
      },
      { now: () => NOW },
    );
  }
}
const edgeEvent = (cookieBytes) => ({
  Records: [
    {
      cf: {
        config: { distributionDomainName: "d.cloudfront.net", distributionId: "E1", eventType: "viewer-request", requestId: "r" },
        request: {
          clientIp: "192.0.2.1",
          method: "GET",
          uri: "/account/settings",
          querystring: "",
          headers: {
            host: [{ key: "Host", value: "app.example.com" }],
            cookie: [{ key: "Cookie", value: Buffer.from(cookieBytes).toString("latin1") }],
          },
        },
      },
    },
  ],
});

// ---------------------------------------------------------------------------------------------
// Sealing: the wire format by hand, so that any header bytes and any payload bytes can be
// sealed with the real key (jose would normalise them).
// ---------------------------------------------------------------------------------------------
const b64u = (bytes) => Buffer.from(bytes).toString("base64url");
const utf8 = (s) => Buffer.from(s, "utf8");

function deriveKey(format, secret, salt, length) {
  const info = format === "v4"
    ? (salt === "" ? "NextAuth.js Generated Encryption Key" : `NextAuth.js Generated Encryption Key (${salt})`)
    : `Auth.js Generated Encryption Key (${salt})`;
  return Buffer.from(hkdfSync("sha256", utf8(secret), utf8(salt), utf8(info), length));
}
const thumbprint = (key) =>
  b64u(createHash(key.length === 64 ? "sha512" : "sha256").update(`{"k":"${b64u(key)}","kty":"oct"}`).digest());

const v4Key = (secret = SECRETS.v4[0]) => deriveKey("v4", secret, "", 32);
const v5Key = (secret = SECRETS.v5[0], salt = COOKIE.v5) => deriveKey("v5", secret, salt, 64);

function gcm(key, headerSeg, iv, plaintext) {
  const cipher = createCipheriv(`aes-${key.length * 8}-gcm`, key, iv);
  cipher.setAAD(Buffer.from(headerSeg, "ascii"));
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ct, tag: cipher.getAuthTag() };
}
function cbcHmac(key, headerSeg, iv, plaintext) {
  const half = key.length / 2;
  const macKey = key.subarray(0, half);
  const encKey = key.subarray(half);
  const cipher = createCipheriv(`aes-${half * 8}-cbc`, encKey, iv);
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const aad = Buffer.from(headerSeg, "ascii");
  const al = Buffer.alloc(8);
  al.writeBigUInt64BE(BigInt(aad.length * 8));
  const hash = half === 32 ? "sha512" : half === 24 ? "sha384" : "sha256";
  const tag = createHmac(hash, macKey).update(Buffer.concat([aad, iv, ct, al])).digest().subarray(0, half);
  return { ct, tag };
}

/** A compact JWE of `payload` (bytes or a JSON value) under `header` (bytes or an object). */
function seal({ format, header, payload, key, iv, enc }) {
  const headerBytes = Buffer.isBuffer(header) ? header : utf8(JSON.stringify(header));
  const plaintext = Buffer.isBuffer(payload) ? payload : utf8(JSON.stringify(payload));
  const seg1 = b64u(headerBytes);
  const cipherEnc = enc ?? (format === "v4" ? "A256GCM" : "A256CBC-HS512");
  const gcmMode = cipherEnc.endsWith("GCM");
  const useIv = iv ?? randomBytes(gcmMode ? 12 : 16);
  const { ct, tag } = gcmMode ? gcm(key, seg1, useIv, plaintext) : cbcHmac(key, seg1, useIv, plaintext);
  return `${seg1}..${b64u(useIv)}.${b64u(ct)}.${b64u(tag)}`;
}

const claims = (extra = {}) => ({
  name: "Jane Doe",
  email: "jane@example.com",
  picture: "https://example.com/p.png",
  sub: "7a1e4f0c-0000-4000-8000-00000000c0c0",
  iat: NOW - 60,
  exp: NOW + 3600,
  jti: "0b7e6c1e-5d0c-4f5e-9a53-0a1b2c3d4e5f",
  ...extra,
});

const baseHeader = (format, key) =>
  format === "v4" ? { alg: "dir", enc: "A256GCM" } : { alg: "dir", enc: "A256CBC-HS512", kid: thumbprint(key) };
const defaultKey = (format) => (format === "v4" ? v4Key() : v5Key());

/** A token as the package issues it, with `payload` (default claims). */
const valid = (format, payload = claims()) => {
  const key = defaultKey(format);
  return seal({ format, header: baseHeader(format, key), payload, key });
};

// ---------------------------------------------------------------------------------------------
// The mutations
// ---------------------------------------------------------------------------------------------
function sessionCases(format) {
  const cases = [];
  const name = COOKIE[format];
  const add = (id, cookie) => cases.push({ id: `${format}/${id}`, format, cookie: Buffer.from(cookie) });
  const asCookie = (token) => `${name}=${token}`;
  const key = defaultKey(format);
  const header = baseHeader(format, key);
  const withHeader = (h, payload = claims()) => seal({ format, header: h, payload, key });
  const withPayload = (payload) => seal({ format, header, payload, key });

  // Controls: tokens as the packages issue them.
  add("control/plain", asCookie(valid(format)));
  add("control/minimal", asCookie(valid(format, { sub: "u", exp: NOW + 60 })));
  add("control/no-times", asCookie(valid(format, { sub: "u" })));
  add("control/empty-object", asCookie(valid(format, {})));
  add("control/unicode-name", asCookie(valid(format, claims({ name: "Zoë 😀 Łódź" }))));

  // Structure and base64url, on a valid token.
  const token = valid(format);
  const segs = token.split(".");
  const edits = {
    "drop": () => null,
    "empty": () => "",
    "pad1": (s) => `${s}=`,
    "pad2": (s) => `${s}==`,
    "std-b64": (s) => s.replaceAll("-", "+").replaceAll("_", "/") + (s.includes("-") || s.includes("_") ? "" : "+"),
    "space": (s) => `${s.slice(0, 2)} ${s.slice(2)}`,
    "percent": (s) => `${s.slice(0, 2)}%41${s.slice(2)}`,
    "trunc1": (s) => s.slice(0, -1),
    "trunc2": (s) => s.slice(0, -2),
    "append-A": (s) => `${s}A`,
    "append-AA": (s) => `${s}AA`,
    "upper": (s) => s.toUpperCase(),
    "bad-char": (s) => `${s.slice(0, 3)}*${s.slice(4)}`,
    "non-ascii": (s) => `${s.slice(0, 3)}é${s.slice(3)}`,
  };
  segs.forEach((_, i) => {
    for (const [edit, f] of Object.entries(edits)) {
      const copy = [...segs];
      const v = f(copy[i]);
      if (v === null) copy.splice(i, 1);
      else copy[i] = v;
      add(`structure/seg${i}/${edit}`, asCookie(copy.join(".")));
    }
  });
  add("structure/six-segments", asCookie(`${token}.x`));
  add("structure/trailing-dot", asCookie(`${token}.`));
  add("structure/leading-dot", asCookie(`.${token}`));
  add("structure/jws-shape", asCookie(segs.slice(0, 3).join(".")));
  add("structure/encrypted-key", asCookie([segs[0], "AAAA", ...segs.slice(2)].join(".")));
  add("structure/quoted", asCookie(`"${token}"`));
  add("structure/percent-encoded-dots", asCookie(token.replaceAll(".", "%2E")));
  add("structure/leading-space", `${name}= ${token}`);
  add("structure/trailing-space", `${name}=${token} `);
  add("structure/empty-value", `${name}=`);
  add("structure/only-name", `${name}`);
  add("structure/doubled", asCookie(`${token}${token}`));

  // Header members, sealed with the real key (so only the header is at fault).
  const members = {
    alg: ["dir", "DIR", "none", "A256KW", "RSA-OAEP", "", null, 5, ["dir"], { v: "dir" }],
    enc: ["A256GCM", "A128GCM", "A192GCM", "A256CBC-HS512", "A128CBC-HS256", "a256gcm", "", null, 5],
    zip: ["DEF", "GZIP", "", null, 5],
    crit: [[], ["exp"], ["b64"], null, "exp", 5],
    kid: [null, 5, "", "unknown", [], thumbprint(v4Key())],
    typ: ["JWT", null, 5],
    cty: ["JWT", null],
    iss: ["someone"],
    sub: [claims().sub, "other"],
    x: [1, null, { a: 1 }],
  };
  for (const [member, values] of Object.entries(members)) {
    values.forEach((value, i) => {
      const h = { ...header, [member]: value };
      add(`header/${member}/${i}:${JSON.stringify(value)}`, asCookie(withHeader(h)));
    });
    if (member in header) {
      const h = { ...header };
      delete h[member];
      add(`header/${member}/absent`, asCookie(withHeader(h)));
    }
  }
  // zip:"DEF" with a payload that really is deflated, as jose would write it.
  add("header/zip/deflated", asCookie(seal({ format, header: { ...header, zip: "DEF" }, payload: deflateRawSync(utf8(JSON.stringify(claims()))), key })));
  const headerJson = JSON.stringify(header);
  const rawHeaders = {
    "array": utf8(JSON.stringify(Object.values(header))),
    "string": utf8(JSON.stringify(headerJson)),
    "number": utf8("5"),
    "null": utf8("null"),
    "empty": utf8(""),
    "empty-object": utf8("{}"),
    "duplicate-alg": utf8(headerJson.replace("{", '{"alg":"A256KW",')),
    "duplicate-alg-last": utf8(headerJson.replace(/}$/, ',"alg":"dir"}')),
    "duplicate-enc": utf8(headerJson.replace("{", '{"enc":"A128GCM",')),
    "escaped-name": utf8(headerJson.replace('"alg"', '"\\u0061lg"')),
    "whitespace": utf8(JSON.stringify(header, null, 1)),
    "bom": Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8(headerJson)]),
    "non-utf8": Buffer.concat([utf8(headerJson.replace(/}$/, ',"x":"')), Buffer.from([0xff, 0xfe]), utf8('"}')]),
    "lone-surrogate": utf8(headerJson.replace(/}$/, ',"x":"\\ud800"}')),
    "trailing-garbage": utf8(`${headerJson}x`),
    "trailing-comma": utf8(headerJson.replace(/}$/, ",}")),
    "not-json": utf8("alg=dir"),
    "nested": utf8(`{"h":${headerJson}}`),
  };
  for (const [label, bytes] of Object.entries(rawHeaders)) add(`header-shape/${label}`, asCookie(withHeader(bytes)));

  // IV, tag and ciphertext.
  const flip = (s, at) => {
    const b = Buffer.from(s, "base64url");
    if (b.length === 0) return s;
    const i = at < 0 ? b.length + at : at;
    b[i] ^= 0x01;
    return b64u(b);
  };
  for (const [i, part] of [[2, "iv"], [3, "ciphertext"], [4, "tag"]]) {
    for (const at of [0, -1]) {
      const copy = [...segs];
      copy[i] = flip(copy[i], at);
      add(`crypto/${part}/flip-${at === 0 ? "first" : "last"}`, asCookie(copy.join(".")));
    }
    const copy = [...segs];
    copy[i] = "";
    add(`crypto/${part}/empty`, asCookie(copy.join(".")));
  }
  for (const n of [0, 8, 11, 13, 15, 16, 17, 32]) {
    if ((format === "v4" && n === 12) || (format === "v5" && n === 16)) continue;
    if (format === "v5" && n !== 16) {
      const copy = [...segs];
      copy[2] = b64u(randomBytes(n));
      add(`crypto/iv-length/${n}`, asCookie(copy.join(".")));
    } else if (n > 0) {
      add(`crypto/iv-length/${n}`, asCookie(seal({ format, header, payload: claims(), key, iv: randomBytes(n) })));
    }
  }
  for (const n of [0, 12, 15, 17, 31, 33]) {
    const tag = Buffer.from(segs[4], "base64url");
    const copy = [...segs];
    copy[4] = b64u(n <= tag.length ? tag.subarray(0, n) : Buffer.concat([tag, Buffer.alloc(n - tag.length)]));
    add(`crypto/tag-length/${n}`, asCookie(copy.join(".")));
  }
  const other = valid(format).split(".");
  add("crypto/swapped-ciphertext", asCookie([segs[0], "", segs[2], other[3], segs[4]].join(".")));
  add("crypto/swapped-tag", asCookie([...segs.slice(0, 4), other[4]].join(".")));
  add("crypto/other-header-aad", asCookie([b64u(utf8(JSON.stringify({ ...header, x: 1 }))), ...segs.slice(1)].join(".")));
  add("crypto/empty-plaintext", asCookie(withPayload(Buffer.alloc(0))));

  // Keys: other secrets, salts and the other format's derivation.
  const keyCases = {
    "other-secret": format === "v4" ? v4Key(OTHER_SECRET) : v5Key(OTHER_SECRET),
    "v4-key-with-salt": deriveKey("v4", SECRETS[format][0], name, format === "v4" ? 32 : 64),
    "v5-derivation": format === "v4" ? deriveKey("v5", SECRETS.v4[0], name, 32) : null,
    "v4-derivation": format === "v5" ? deriveKey("v4", SECRETS.v5[0], "", 64) : null,
    "plain-name-salt": format === "v5" ? v5Key(SECRETS.v5[0], PLAIN_COOKIE.v5) : null,
    "empty-salt": format === "v5" ? v5Key(SECRETS.v5[0], "") : null,
    "previous-secret": format === "v5" ? v5Key(SECRETS.v5[1]) : null,
    "secret-of-the-other-format": format === "v4" ? v4Key(SECRETS.v5[0]) : v5Key(SECRETS.v4[0]),
  };
  for (const [label, k] of Object.entries(keyCases)) {
    if (!k) continue;
    const h = format === "v5" ? { ...header, kid: thumbprint(k) } : header;
    add(`key/${label}`, asCookie(seal({ format, header: h, payload: claims(), key: k })));
    if (format === "v5") {
      const { kid, ...noKid } = header;
      add(`key/${label}/no-kid`, asCookie(seal({ format, header: noKid, payload: claims(), key: k })));
      add(`key/${label}/kid-of-current`, asCookie(seal({ format, header, payload: claims(), key: k })));
    }
  }
  if (format === "v5") {
    // A256GCM with the first half of the key: @auth/core decodes it (its allow-list), never issues it.
    const k32 = v5Key().subarray(0, 32);
    add("key/a256gcm", asCookie(seal({ format, header: { alg: "dir", enc: "A256GCM", kid: thumbprint(k32) }, payload: claims(), key: k32, enc: "A256GCM" })));
    add("key/a256gcm/no-kid", asCookie(seal({ format, header: { alg: "dir", enc: "A256GCM" }, payload: claims(), key: k32, enc: "A256GCM" })));
    const { kid, ...noKid } = header;
    add("key/current/no-kid", asCookie(seal({ format, header: noKid, payload: claims(), key })));
  } else {
    const k = v4Key();
    add("key/a128cbc-hs256", asCookie(seal({ format, header: { alg: "dir", enc: "A128CBC-HS256" }, payload: claims(), key: k, enc: "A128CBC-HS256" })));
  }

  // Hostile claims under valid crypto.
  const claimValues = {
    exp: [null, "x", `${NOW + 3600}`, NOW - 14, NOW - 15, NOW - 16, NOW - 14.5, NOW - 15.5, 0, -1, true, [], {}, 1e300, 2 ** 53 + 1, NOW + 3600.5],
    nbf: [NOW + 14, NOW + 15, NOW + 16, NOW + 15.5, null, "x", NOW, -1, []],
    iat: [null, "x", NOW + 1e6, -1, 1.5, []],
    sub: [5, null, {}, [], "", "a\u0000b", true, 1.5],
    name: [5, null, {}, ["a"], "x".repeat(2000)],
    email: [null, 5],
    picture: [null, 5],
    jti: [5, null],
  };
  for (const [claim, values] of Object.entries(claimValues)) {
    values.forEach((value, i) => add(`claims/${claim}/${i}:${JSON.stringify(value)}`, asCookie(withPayload(claims({ [claim]: value })))));
    const c = claims();
    delete c[claim];
    add(`claims/${claim}/absent`, asCookie(withPayload(c)));
  }
  const json = JSON.stringify(claims());
  const rawPayloads = {
    "array": "[1,2]",
    "string": '"x"',
    "number": "5",
    "null": "null",
    "true": "true",
    "empty": "",
    "duplicate-exp-expired-last": json.replace(/}$/, `,"exp":${NOW - 100}}`),
    "duplicate-exp-expired-first": json.replace("{", `{"exp":${NOW - 100},`),
    "duplicate-sub": json.replace(/}$/, ',"sub":"admin"}'),
    "duplicate-escaped-exp": json.replace(/}$/, `,"\\u0065xp":${NOW - 100}}`),
    "duplicate-nested": json.replace(/}$/, ',"user":{"id":1,"id":2}}'),
    "duplicate-in-array": json.replace(/}$/, ',"list":[{"a":1,"a":2}]}'),
    "whitespace": JSON.stringify(claims(), null, 2),
    "bom": `\ufeff${json}`,
    "trailing-garbage": `${json}x`,
    "trailing-object": `${json}{}`,
    "trailing-comma": json.replace(/}$/, ",}"),
    "single-quotes": json.replaceAll('"', "'"),
    "comment": json.replace("{", "{/*c*/"),
    "nan": json.replace(/}$/, ',"x":NaN}'),
    "infinity-exp": json.replace(/"exp":\d+/, '"exp":Infinity'),
    "huge-number": json.replace(/}$/, ',"x":1e400}'),
    "huge-exp": json.replace(/"exp":\d+/, '"exp":1e400'),
    "long-integer": json.replace(/}$/, `,"x":${"9".repeat(400)}}`),
    "negative-zero-exp": json.replace(/"exp":\d+/, '"exp":-0'),
    "exponent-exp": json.replace(/"exp":\d+/, `"exp":${NOW + 3600}e0`),
    "lone-surrogate-name": json.replace('"Jane Doe"', '"Jane \\ud83d"'),
    "lone-low-surrogate": json.replace('"Jane Doe"', '"\\ude00 Jane"'),
    "surrogate-pair": json.replace('"Jane Doe"', '"Jane \\ud83d\\ude00"'),
    "escaped-control": json.replace('"Jane Doe"', '"Jane\\u0000Doe"'),
    "raw-control": json.replace('"Jane Doe"', '"Jane\u0001Doe"'),
    "raw-newline": json.replace('"Jane Doe"', '"Jane\nDoe"'),
    "bad-escape": json.replace('"Jane Doe"', '"Jane\\xDoe"'),
    "deep-64": json.replace(/}$/, `,"d":${"[".repeat(64)}${"]".repeat(64)}}`),
    "deep-200": json.replace(/}$/, `,"d":${"[".repeat(200)}${"]".repeat(200)}}`),
    "u2028": json.replace('"Jane Doe"', '"Jane\u2028Doe"'),
  };
  for (const [label, text] of Object.entries(rawPayloads)) add(`payload/${label}`, asCookie(withPayload(utf8(text))));
  const nonUtf8 = (where) =>
    Buffer.concat([utf8(json.replace(/}$/, `,"${where}":"a`)), Buffer.from([0xff]), utf8('"}')]);
  add("payload/non-utf8-unread-claim", asCookie(withPayload(nonUtf8("other"))));
  add("payload/non-utf8-name", asCookie(withPayload(Buffer.concat([utf8(json.replace('"Jane Doe"', '"Jane ')), Buffer.from([0xc3, 0x28]), utf8(json.slice(json.indexOf('"Jane Doe"') + 10).replace(/^/, '"'))]))));
  add("payload/overlong-utf8", asCookie(withPayload(Buffer.concat([utf8(json.replace(/}$/, ',"x":"')), Buffer.from([0xc0, 0xaf]), utf8('"}')]))));

  // Cookies: names, chunks and neighbours.
  const plainName = PLAIN_COOKIE[format];
  add("cookies/plain-name-over-https", `${plainName}=${token}`);
  add("cookies/both-names", `${plainName}=${token}; ${name}=${token}`);
  add("cookies/plain-name-good-secure-bad", `${plainName}=${token}; ${name}=x`);
  add("cookies/secure-name-twice-good-first", `${name}=${token}; ${name}=x`);
  add("cookies/secure-name-twice-good-last", `${name}=x; ${name}=${token}`);
  add("cookies/non-ascii-neighbour", Buffer.concat([utf8("pref=caf"), Buffer.from([0xc3, 0xa9]), utf8(`; ${name}=${token}`)]));
  add("cookies/latin1-neighbour", Buffer.concat([utf8("pref=caf"), Buffer.from([0xe9]), utf8(`; ${name}=${token}`)]));
  add("cookies/bad-percent-neighbour", `pref=%E0%A4%A; ${name}=${token}`);
  add("cookies/no-space", `a=1;${name}=${token}`);
  add("cookies/prefix-named-neighbour", `${name}-foo=bar; ${name}=${token}`);
  add("cookies/prefix-named-only", `${name}-foo=${token}`);
  const half = Math.ceil(token.length / 2);
  add("cookies/chunks", `${name}.0=${token.slice(0, half)}; ${name}.1=${token.slice(half)}`);
  add("cookies/chunks-reversed", `${name}.1=${token.slice(half)}; ${name}.0=${token.slice(0, half)}`);
  add("cookies/chunks-gap", `${name}.0=${token.slice(0, half)}; ${name}.2=${token.slice(half)}`);
  add("cookies/chunks-one-missing", `${name}.0=${token.slice(0, half)}`);
  add("cookies/chunks-and-whole", `${name}=${token}; ${name}.0=${token.slice(0, half)}; ${name}.1=${token.slice(half)}`);
  add("cookies/chunk-suffix-not-number", `${name}.a=${token.slice(0, half)}; ${name}.b=${token.slice(half)}`);
  add("cookies/chunks-empty-middle", `${name}.0=${token.slice(0, half)}; ${name}.1=; ${name}.2=${token.slice(half)}`);
  add("cookies/chunks-leading-zero", `${name}.00=${token.slice(0, half)}; ${name}.01=${token.slice(half)}`);
  return cases;
}

// ---------------------------------------------------------------------------------------------
// Judge and write
// ---------------------------------------------------------------------------------------------
const out = { now: NOW, origin: ORIGIN, secrets: SECRETS, session: [] };
for (const format of ["v4", "v5"]) {
  for (const c of sessionCases(format)) {
    let reference;
    try {
      reference = await REFERENCE[format](c.cookie);
    } catch (e) {
      reference = { accept: false, status: 599, error: String(e?.message ?? e).slice(0, 120) };
    }
    let edge = null;
    if (EDGE) {
      const result = await EDGE[format](edgeEvent(c.cookie));
      edge = result.status === undefined;
    }
    out.session.push({ id: c.id, format, cookie: c.cookie.toString("base64"), reference, edge });
  }
}

// The Cognito half: JWTs judged by aws-jwt-verify's CognitoJwtVerifier at the same clock
// (imported here, after `Date` is fixed).
const cognito = await import("./cognito-cases.mjs");
out.verifier = {
  issuer: cognito.ISSUER,
  client_ids: cognito.CLIENT_IDS,
  cases: await cognito.judgeVerifierCases(cognito.verifierCases(NOW)),
};

writeFileSync(outFile, JSON.stringify(out, null, 1));
const counts = { v4: 0, v5: 0 };
for (const c of out.session) counts[c.format]++;
console.log(`differential.mjs: ${counts.v4} v4 and ${counts.v5} v5 session cases judged by next-auth and @auth/core${EDGE ? " and the edge package" : ""}; ${out.verifier.cases.length} Cognito JWT cases judged by aws-jwt-verify`);
