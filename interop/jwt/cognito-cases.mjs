// The differential suite's Cognito half: JWTs shaped like Cognito's access and id tokens,
// mutated one thing at a time (structure, header, signature, the JWKS, issuer, token_use,
// client, times around the grace period, groups, scopes, claim types), each judged by the real
// aws-jwt-verify 5.2.1 `CognitoJwtVerifier` at the caller's fixed clock (differential.mjs
// replaces `Date` before anything runs). The Rust side serves each case's JWKS bytes on
// loopback and asks `cognito_provider::CognitoJwtVerifier` with the same configuration.
import { generateKeyPairSync, sign } from "node:crypto";
import { CognitoJwtVerifier } from "aws-jwt-verify";
import { SimpleJwksCache } from "aws-jwt-verify/jwk";

export const USER_POOL_ID = "eu-west-1_AbCdEf123";
export const REGION = "eu-west-1";
export const ISSUER = `https://cognito-idp.${REGION}.amazonaws.com/${USER_POOL_ID}`;
export const CLIENT_IDS = ["differential-client-a", "differential-client-b"];
const [CLIENT] = CLIENT_IDS;

const b64u = (bytes) => Buffer.from(bytes).toString("base64url");
const text = (value) => (typeof value === "string" ? value : JSON.stringify(value));

// Keys made per run: RSA as Cognito uses, plus an EC key for the algorithm cases.
const rsa = (kid) => {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = publicKey.export({ format: "jwk" });
  return { kid, privateKey, jwk: { alg: "RS256", e: jwk.e, kid, kty: "RSA", n: jwk.n, use: "sig" } };
};
const KEY_A = rsa("differential-kid-a");
const KEY_B = rsa("differential-kid-b");
const EC = (() => {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = publicKey.export({ format: "jwk" });
  return { kid: "differential-kid-ec", privateKey, jwk: { ...jwk, kid: "differential-kid-ec", use: "sig" } };
})();
const JWKS = { keys: [KEY_A.jwk, KEY_B.jwk] };

const HASH = { RS256: "sha256", RS384: "sha384", RS512: "sha512", ES256: "sha256" };

/** A compact JWS from raw header and payload text (no normalising: mutations stay as made). */
function jws(header, payload, { key = KEY_A.privateKey, alg = "RS256" } = {}) {
  const input = `${b64u(Buffer.from(text(header)))}.${b64u(Buffer.isBuffer(payload) ? payload : Buffer.from(text(payload)))}`;
  const options = alg.startsWith("ES") ? { key, dsaEncoding: "ieee-p1363" } : key;
  const signature = sign(HASH[alg] ?? "sha256", Buffer.from(input), options);
  return `${input}.${b64u(signature)}`;
}

export function verifierCases(now) {
  const access = (extra = {}) => ({
    sub: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
    "cognito:groups": ["admins", "users"],
    iss: ISSUER,
    version: 2,
    client_id: CLIENT,
    origin_jti: "origin-jti",
    token_use: "access",
    scope: "openid email api/read",
    auth_time: now - 60,
    exp: now + 3600,
    iat: now - 60,
    jti: "jti-1",
    username: "alice",
    ...extra,
  });
  const id = (extra = {}) => ({
    at_hash: "at-hash",
    sub: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
    "cognito:groups": ["admins"],
    email_verified: true,
    iss: ISSUER,
    "cognito:username": "alice",
    aud: CLIENT,
    token_use: "id",
    auth_time: now - 60,
    exp: now + 3600,
    iat: now - 60,
    jti: "jti-2",
    email: "alice@example.com",
    ...extra,
  });
  const header = (extra = {}) => ({ kid: KEY_A.kid, alg: "RS256", ...extra });
  const without = (object, name) => {
    const copy = { ...object };
    delete copy[name];
    return copy;
  };

  const cases = [];
  // tokenUse: "access" | "id"; options: groups, scope, grace (seconds), jwks (value or raw text).
  const add = (id, tokenUse, token, options = {}) =>
    cases.push({ id: `cognito/${id}`, tokenUse, token, ...options });
  const good = jws(header(), access());

  // Valid tokens, both uses, both clients, the grace period.
  add("valid/access", "access", good);
  add("valid/id", "id", jws(header(), id()));
  add("valid/access-second-client", "access", jws(header(), access({ client_id: CLIENT_IDS[1] })));
  add("valid/id-second-client", "id", jws(header(), id({ aud: CLIENT_IDS[1] })));
  add("valid/key-b", "access", jws(header({ kid: KEY_B.kid }), access(), { key: KEY_B.privateKey }));
  add("valid/extra-header-members", "access", jws(header({ typ: "JWT", cty: "x" }), access()));
  add("valid/global-issuer", "access", jws(header(), access({ iss: `https://issuer-cognito-idp.${REGION}.amazonaws.com/${USER_POOL_ID}` })));

  // Structure and base64url.
  const [h, p, s] = good.split(".");
  add("structure/two-segments", "access", `${h}.${p}`);
  add("structure/four-segments", "access", `${good}.${s}`);
  add("structure/empty-signature", "access", `${h}.${p}.`);
  add("structure/empty-header", "access", `.${p}.${s}`);
  add("structure/padded-header", "access", `${h}=.${p}.${s}`);
  add("structure/padded-signature", "access", `${h}.${p}.${s}=`);
  add("structure/standard-base64-signature", "access", `${h}.${p}.${Buffer.from(s, "base64url").toString("base64").replace(/=+$/, "")}`);
  add("structure/space-before", "access", ` ${good}`);
  add("structure/bearer-prefix", "access", `Bearer ${good}`);
  add("structure/empty", "access", "");
  add("structure/huge-claim", "access", jws(header(), access({ pad: "x".repeat(20_000) })));
  add("structure/header-not-json", "access", jws("{alg:RS256}", access()));
  add("structure/header-array", "access", jws([ "RS256", KEY_A.kid ], access()));
  add("structure/header-null", "access", jws("null", access()));
  add("structure/header-string", "access", jws('"RS256"', access()));
  add("structure/payload-array", "access", jws(header(), "[1,2]"));
  add("structure/payload-null", "access", jws(header(), "null"));
  add("structure/payload-number", "access", jws(header(), "5"));
  add("structure/payload-not-json", "access", jws(header(), "{sub:1}"));
  add("structure/payload-trailing-garbage", "access", jws(header(), `${JSON.stringify(access())}x`));
  add("structure/payload-leading-whitespace", "access", jws(header(), ` \n${JSON.stringify(access())}`));
  add("structure/payload-bom", "access", jws(header(), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(access()))])));
  add("structure/payload-not-utf8", "access", jws(header(), Buffer.from(JSON.stringify(access({ name: "Zoë" })).replace("Zoë", "Zo\u00ff"), "latin1")));
  add("structure/duplicate-header-alg", "access", jws(`{"alg":"none","kid":"${KEY_A.kid}","alg":"RS256"}`, access()));
  add("structure/duplicate-payload-exp", "access", jws(header(), JSON.stringify(access()).replace(/}$/, `,"exp":${now - 100}}`)));
  add("structure/duplicate-payload-sub", "access", jws(header(), JSON.stringify(access()).replace(/^{/, `{"sub":"mallory",`)));
  add("structure/lone-surrogate-claim", "access", jws(header(), JSON.stringify(access({ name: "PLACEHOLDER" })).replace("PLACEHOLDER", "a\\ud800b")));
  add("structure/proto-member", "access", jws(header(), JSON.stringify(access()).replace(/^{/, '{"__proto__":{"x":1},')));

  // Header members.
  for (const [name, alg] of [["none", "none"], ["hs256", "HS256"], ["lowercase", "rs256"], ["null", null], ["number", 256], ["array", ["RS256"]], ["empty", ""]]) {
    add(`header/alg-${name}`, "access", jws(header({ alg }), access()));
  }
  add("header/alg-missing", "access", jws(without(header(), "alg"), access()));
  add("header/alg-rs384-jwk-says-rs256", "access", jws(header({ alg: "RS384" }), access(), { alg: "RS384" }));
  add("header/alg-rs384-jwk-without-alg", "access", jws(header({ alg: "RS384" }), access(), { alg: "RS384" }), {
    jwks: { keys: [without(KEY_A.jwk, "alg")] },
  });
  add("header/alg-es256-ec-key", "access", jws({ kid: EC.kid, alg: "ES256" }, access(), { key: EC.privateKey, alg: "ES256" }), {
    jwks: { keys: [KEY_A.jwk, EC.jwk] },
  });
  add("header/kid-missing", "access", jws(without(header(), "kid"), access()));
  add("header/kid-null", "access", jws(header({ kid: null }), access()));
  add("header/kid-number", "access", jws(header({ kid: 5 }), access()));
  add("header/kid-unknown", "access", jws(header({ kid: "nobody" }), access()));
  add("header/kid-empty", "access", jws(header({ kid: "" }), access()));
  add("header/kid-of-other-key", "access", jws(header({ kid: KEY_B.kid }), access()));
  add("header/crit-unknown", "access", jws(header({ crit: ["exp"], exp: 1 }), access()));
  add("header/jku-elsewhere", "access", jws(header({ jku: "https://attacker.example/jwks.json" }), access()));

  // Signature.
  const flip = (segment, at) => {
    const bytes = Buffer.from(segment, "base64url");
    bytes[at] ^= 1;
    return b64u(bytes);
  };
  add("signature/first-bit", "access", `${h}.${p}.${flip(s, 0)}`);
  add("signature/last-bit", "access", `${h}.${p}.${flip(s, 255)}`);
  add("signature/truncated", "access", `${h}.${p}.${s.slice(0, -4)}`);
  add("signature/doubled", "access", `${h}.${p}.${s}${s}`);
  add("signature/other-key-same-kid", "access", jws(header(), access(), { key: KEY_B.privateKey }));
  add("signature/payload-swapped", "access", `${h}.${b64u(Buffer.from(JSON.stringify(access({ username: "mallory" }))))}.${s}`);
  add("signature/header-swapped", "access", `${b64u(Buffer.from(JSON.stringify(header({ typ: "JWT" }))))}.${p}.${s}`);

  // The JWKS: shapes of the set and of the key the token names.
  const jwksCase = (name, jwks, token = good) => add(`jwks/${name}`, "access", token, { jwks });
  jwksCase("not-json", "{keys:");
  jwksCase("array", [KEY_A.jwk]);
  jwksCase("null", "null");
  jwksCase("no-keys", {});
  jwksCase("keys-object", { keys: KEY_A.jwk });
  jwksCase("keys-empty", { keys: [] });
  jwksCase("extra-top-level-member", { ...JWKS, other: 1 });
  jwksCase("not-utf8", Buffer.concat([Buffer.from(JSON.stringify(JWKS).slice(0, -2)), Buffer.from([0xff]), Buffer.from("]}")]));
  jwksCase("other-entry-not-object", { keys: [KEY_A.jwk, 5] });
  jwksCase("other-entry-kty-missing", { keys: [KEY_A.jwk, without(KEY_B.jwk, "kty")] });
  jwksCase("other-entry-kty-number", { keys: [KEY_A.jwk, { ...KEY_B.jwk, kty: 1 }] });
  jwksCase("other-entry-n-number", { keys: [KEY_A.jwk, { ...KEY_B.jwk, n: 5 }] });
  jwksCase("other-entry-alg-null", { keys: [KEY_A.jwk, { ...KEY_B.jwk, alg: null }] });
  jwksCase("other-entry-unknown-kty", { keys: [KEY_A.jwk, { kty: "oct", kid: "k-oct", k: "c2VjcmV0" }] });
  jwksCase("other-entry-x5c", { keys: [{ ...KEY_A.jwk, x5c: ["MIIB"] }, KEY_B.jwk] });
  jwksCase("first-of-kid-unknown-kty", { keys: [{ kty: "oct", kid: KEY_A.kid, k: "c2VjcmV0" }, KEY_A.jwk] });
  jwksCase("first-of-kid-ec", { keys: [{ ...EC.jwk, kid: KEY_A.kid }, KEY_A.jwk] });
  jwksCase("first-of-kid-wrong-modulus", { keys: [{ ...KEY_B.jwk, kid: KEY_A.kid }, KEY_A.jwk] });
  jwksCase("second-of-kid-wrong-modulus", { keys: [KEY_A.jwk, { ...KEY_B.jwk, kid: KEY_A.kid }] });
  jwksCase("entry-without-kid-first", { keys: [without(KEY_B.jwk, "kid"), KEY_A.jwk] });
  jwksCase("use-enc", { keys: [{ ...KEY_A.jwk, use: "enc" }] });
  jwksCase("use-empty", { keys: [{ ...KEY_A.jwk, use: "" }] });
  jwksCase("use-missing", { keys: [without(KEY_A.jwk, "use")] });
  jwksCase("use-number", { keys: [{ ...KEY_A.jwk, use: 1 }] });
  jwksCase("alg-rs384", { keys: [{ ...KEY_A.jwk, alg: "RS384" }] });
  jwksCase("alg-empty", { keys: [{ ...KEY_A.jwk, alg: "" }] });
  jwksCase("alg-missing", { keys: [without(KEY_A.jwk, "alg")] });
  jwksCase("n-empty", { keys: [{ ...KEY_A.jwk, n: "" }] });
  jwksCase("n-missing", { keys: [without(KEY_A.jwk, "n")] });
  jwksCase("e-empty", { keys: [{ ...KEY_A.jwk, e: "" }] });
  jwksCase("e-other", { keys: [{ ...KEY_A.jwk, e: "Aw" }] });
  jwksCase("kty-lowercase", { keys: [{ ...KEY_A.jwk, kty: "rsa" }] });
  jwksCase("kid-number-other-entry", { keys: [KEY_A.jwk, { ...KEY_B.jwk, kid: 7 }] });

  // Issuer.
  for (const [name, iss] of [
    ["other-pool", `https://cognito-idp.${REGION}.amazonaws.com/${REGION}_Other1234`],
    ["other-region", `https://cognito-idp.us-east-1.amazonaws.com/${USER_POOL_ID}`],
    ["trailing-slash", `${ISSUER}/`],
    ["http", ISSUER.replace("https:", "http:")],
    ["uppercase-host", ISSUER.replace("cognito-idp", "COGNITO-IDP")],
    ["number", 5],
    ["null", null],
    ["array", [ISSUER]],
    ["empty", ""],
  ]) {
    add(`iss/${name}`, "access", jws(header(), access({ iss })));
  }
  add("iss/missing", "access", jws(header(), without(access(), "iss")));

  // token_use and the client.
  add("token-use/id-token-to-access-verifier", "access", jws(header(), id()));
  add("token-use/access-token-to-id-verifier", "id", good);
  for (const [name, value] of [["refresh", "refresh"], ["uppercase", "ACCESS"], ["number", 1], ["null", null], ["array", ["access"]]]) {
    add(`token-use/${name}`, "access", jws(header(), access({ token_use: value })));
  }
  add("token-use/missing", "access", jws(header(), without(access(), "token_use")));
  for (const [name, value] of [["other", "other-client"], ["number", 5], ["array", [CLIENT]], ["null", null], ["empty", ""]]) {
    add(`client/access-client-id-${name}`, "access", jws(header(), access({ client_id: value })));
    add(`client/id-aud-${name}`, "id", jws(header(), id({ aud: value })));
  }
  add("client/access-client-id-missing", "access", jws(header(), without(access(), "client_id")));
  add("client/id-aud-missing", "id", jws(header(), without(id(), "aud")));
  add("client/id-aud-array-two", "id", jws(header(), id({ aud: [CLIENT, "other"], azp: CLIENT })));
  add("client/id-aud-array-with-number", "id", jws(header(), id({ aud: [CLIENT, 5] })));
  add("client/id-client-id-instead-of-aud", "id", jws(header(), { ...without(id(), "aud"), client_id: CLIENT }));
  add("client/access-aud-string", "access", jws(header(), access({ aud: "anything" })));
  add("client/access-aud-array", "access", jws(header(), access({ aud: ["a", "b"] })));
  add("client/access-aud-number", "access", jws(header(), access({ aud: 5 })));
  add("client/access-aud-array-with-number", "access", jws(header(), access({ aud: ["a", 5] })));

  // Times, at and around the grace period (0 s, and 30 s).
  for (const grace of [0, 30]) {
    const g = (name, tokenUse, payload) => add(`times/grace-${grace}/${name}`, tokenUse, jws(header(), payload), { grace });
    for (const [name, exp] of [["now-minus-1", -1], ["now", 0], ["now-plus-1", 1], ["now-minus-0.5", -0.5], ["now-plus-0.5", 0.5]]) {
      g(`exp-grace-${name}`, "access", access({ exp: now - grace + exp }));
    }
    for (const [name, nbf] of [["now-plus-1", 1], ["now", 0], ["now-plus-0.7", 0.7], ["now-minus-0.3", -0.3]]) {
      g(`nbf-grace-${name}`, "access", access({ nbf: now + grace + nbf }));
    }
    g("iat-an-hour-ahead", "access", access({ iat: now + 3600 }));
    g("iat-grace-plus-1", "access", access({ iat: now + grace + 1 }));
    g("id-exp-now-minus-1", "id", id({ exp: now - grace - 1 }));
  }
  const t = (name, payload) => add(`times/${name}`, "access", jws(header(), payload));
  t("exp-missing", without(access(), "exp"));
  t("exp-null", access({ exp: null }));
  t("exp-string", access({ exp: String(now + 3600) }));
  t("exp-huge", access({ exp: 1e300 }));
  t("exp-negative", access({ exp: -1 }));
  t("exp-bool", access({ exp: true }));
  t("nbf-null", access({ nbf: null }));
  t("nbf-string", access({ nbf: "0" }));
  t("iat-null", access({ iat: null }));
  t("iat-string", access({ iat: "0" }));
  t("iat-missing", without(access(), "iat"));

  // Groups and scopes, required and not.
  const groups = (name, value, required = ["admins"]) =>
    add(`groups/${name}`, "access", jws(header(), value === undefined ? without(access(), "cognito:groups") : access({ "cognito:groups": value })), { groups: required });
  groups("member", ["users", "admins"]);
  groups("not-member", ["users"]);
  groups("empty-list", []);
  groups("missing", undefined);
  groups("null", null);
  groups("string", "admins");
  groups("member-then-number", ["admins", 5]);
  groups("number-then-member", [5, "admins"]);
  groups("case-differs", ["Admins"]);
  groups("any-of-two", ["users"], ["admins", "users"]);
  groups("not-required-number", 5, null);
  groups("not-required-with-number", ["users", 5], null);
  add("groups/id-token-member", "id", jws(header(), id()), { groups: ["admins"] });
  const scope = (name, value, required = ["api/read"]) =>
    add(`scope/${name}`, "access", jws(header(), value === undefined ? without(access(), "scope") : access({ scope: value })), { scope: required });
  scope("granted", "openid api/read");
  scope("not-granted", "openid");
  scope("empty", "");
  scope("missing", undefined);
  scope("number", 5, null);
  scope("array", ["api/read"]);
  scope("double-space", "openid  api/read");
  scope("prefix-only", "api/read-all");
  scope("any-of-two", "email", ["api/read", "email"]);

  // Claim types the API keys on.
  const claim = (name, tokenUse, payload) => add(`claims/${name}`, tokenUse, jws(header(), payload));
  claim("sub-number", "access", access({ sub: 5 }));
  claim("sub-null", "access", access({ sub: null }));
  claim("sub-missing", "access", without(access(), "sub"));
  claim("sub-empty", "access", access({ sub: "" }));
  claim("jti-number", "access", access({ jti: 5 }));
  claim("jti-null", "access", access({ jti: null }));
  claim("scope-number", "access", access({ scope: 5 }));
  claim("username-number", "access", access({ username: 5 }));
  claim("cognito-username-number", "id", id({ "cognito:username": 5 }));
  claim("email-number", "id", id({ email: 5 }));
  claim("custom-object", "access", access({ "custom:tenant": { id: 1 } }));
  claim("version-string", "access", access({ version: "2" }));
  claim("auth-time-string", "access", access({ auth_time: "yesterday" }));
  return cases;
}

/** Judge every case with aws-jwt-verify, a fresh verifier (and key cache) per case. */
export async function judgeVerifierCases(cases) {
  const judged = [];
  for (const c of cases) {
    const jwksBytes = Buffer.isBuffer(c.jwks) ? c.jwks : Buffer.from(text(c.jwks ?? JWKS));
    const verifier = CognitoJwtVerifier.create(
      {
        userPoolId: USER_POOL_ID,
        tokenUse: c.tokenUse,
        clientId: CLIENT_IDS,
        groups: c.groups ?? undefined,
        scope: c.scope ?? undefined,
        graceSeconds: c.grace ?? 0,
      },
      { jwksCache: new SimpleJwksCache({ fetcher: { fetch: async () => new Uint8Array(jwksBytes) } }) },
    );
    let reference;
    try {
      await verifier.verify(c.token);
      reference = { accept: true, status: 200 };
    } catch (e) {
      reference = { accept: false, status: 401, error: `${e?.name}: ${String(e?.message ?? e).slice(0, 100)}` };
    }
    judged.push({
      id: c.id,
      token_use: c.tokenUse,
      token: c.token,
      jwks: jwksBytes.toString("base64"),
      groups: c.groups ?? null,
      scopes: c.scope ?? null,
      grace: c.grace ?? 0,
      reference,
    });
  }
  return judged;
}
