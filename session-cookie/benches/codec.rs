//! Session token throughput: encode and decode for v4 and v5, a ~1 KB token and a ~8 KB token
//! that travels as chunks, against the floor the issue sets — bare AES-256-GCM decryption plus
//! base64 of the same bytes.
//!
//! The tokens are also written to `target/bench-tokens.json` so that `scripts/bench-decode.sh`
//! can time next-auth's own `decode()` in Node on exactly the same input in the same run.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::path::PathBuf;

use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce, Tag};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::json;
use session_cookie::kdf::derive_key;
use session_cookie::time::{Duration, OffsetDateTime};
use session_cookie::{
    AuthSecret, Clock, CookieNames, OsRandom, RequestCookies, Secrets, SessionClaims,
    SessionCookie, SystemClock, TokenCodec, WireFormat,
};

const SECRET: &str = "bench-secret-0123456789abcdef";

/// Tokens are issued at the real time (read once), so that Node's `decode()`, which checks `exp`
/// against the real clock, times the success path as the Rust side does.
fn now() -> OffsetDateTime {
    static NOW: std::sync::OnceLock<OffsetDateTime> = std::sync::OnceLock::new();
    *NOW.get_or_init(|| SystemClock.now())
}

/// A realistic Cognito session: name, e-mail, picture, sub, plus `groups` to reach the size.
fn claims(groups: usize) -> SessionClaims {
    let groups: Vec<String> = (0..groups)
        .map(|i| format!("group-{i:03}-{}", "x".repeat(12)))
        .collect();
    SessionClaims::from_serialize(&json!({
        "name": "Jane Doe",
        "email": "jane.doe@example.com",
        "picture": "https://example.com/p.png",
        "sub": "7a1e4f0c-0000-4000-8000-00000000c0c0",
        "groups": groups,
    }))
    .unwrap()
}

/// What an API route typically reads from the session: who, and until when.
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct SessionView {
    sub: String,
    name: Option<String>,
    email: Option<String>,
    exp: i64,
}

struct Case {
    id: &'static str,
    format: WireFormat,
    codec: TokenCodec,
    names: CookieNames,
    claims: SessionClaims,
    token: String,
    cookie_header: String,
}

fn cases() -> Vec<Case> {
    let secrets = Secrets::single(SECRET).unwrap();
    let mut out = Vec::new();
    for (id, format, groups) in [
        ("v4-1k", WireFormat::NextAuthV4, 17),
        ("v4-8k", WireFormat::NextAuthV4, 190),
        ("v5-1k", WireFormat::AuthJsV5, 15),
        ("v5-8k", WireFormat::AuthJsV5, 188),
    ] {
        let names = CookieNames::new(format, false);
        let codec = TokenCodec::for_session(&names, &secrets);
        let mut claims = claims(groups);
        let token = codec.encode(&mut claims, now(), &OsRandom).unwrap();
        let cookies = RequestCookies::default();
        let session = SessionCookie::from_request(&cookies, &names);
        let cookie_header = session
            .write(&token, now() + Duration::days(30))
            .iter()
            .map(|c| format!("{}={}", c.name(), c.value()))
            .collect::<Vec<_>>()
            .join("; ");
        out.push(Case {
            id,
            format,
            codec,
            names,
            claims,
            token,
            cookie_header,
        });
    }
    out
}

fn write_tokens(cases: &[Case]) {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let list: Vec<_> = cases
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "format": if c.format == WireFormat::AuthJsV5 { "v5" } else { "v4" },
                "secret": SECRET,
                "salt": c.format.session_salt(c.names.session_token()),
                "now": now().unix_timestamp(),
                "token": c.token,
                "token_len": c.token.len(),
            })
        })
        .collect();
    std::fs::create_dir_all(&target).unwrap();
    std::fs::write(
        target.join("bench-tokens.json"),
        serde_json::to_vec_pretty(&list).unwrap(),
    )
    .unwrap();
}

/// The floor: base64-decode the IV, ciphertext and tag segments of a v4 token and AES-256-GCM
/// decrypt them with a ready key — no header handling, no JSON, no claims checks.
fn bare_gcm(token: &str, cipher: &Aes256Gcm, buffer: &mut Vec<u8>) -> usize {
    let mut parts = token.split('.');
    let header = parts.next().unwrap();
    parts.next();
    let iv: [u8; 12] = URL_SAFE_NO_PAD
        .decode(parts.next().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    buffer.clear();
    URL_SAFE_NO_PAD
        .decode_vec(parts.next().unwrap(), buffer)
        .unwrap();
    let tag: [u8; 16] = URL_SAFE_NO_PAD
        .decode(parts.next().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    cipher
        .decrypt_inout_detached(
            &Nonce::from(iv),
            header.as_bytes(),
            buffer.as_mut_slice().into(),
            &Tag::from(tag),
        )
        .unwrap();
    buffer.len()
}

fn bench(c: &mut Criterion) {
    let cases = cases();
    write_tokens(&cases);
    let v4_key = derive_key(
        WireFormat::NextAuthV4,
        &AuthSecret::new(SECRET).unwrap(),
        "",
        32,
    );
    let cipher = Aes256Gcm::new_from_slice(v4_key.expose_bytes()).unwrap();

    for case in &cases {
        let mut group = c.benchmark_group(case.id);
        group.throughput(Throughput::Bytes(case.token.len() as u64));
        group.bench_function("decode", |b| {
            b.iter(|| case.codec.decode(black_box(&case.token), now()).unwrap())
        });
        group.bench_function("decode_typed", |b| {
            b.iter(|| {
                case.codec
                    .decode_as::<SessionView>(black_box(&case.token), now())
                    .unwrap()
            })
        });
        group.bench_function("decode_cookie_header", |b| {
            b.iter(|| {
                let cookies = RequestCookies::parse(black_box(&case.cookie_header));
                let session = SessionCookie::from_request(&cookies, &case.names);
                case.codec
                    .decode(session.token().unwrap().unwrap(), now())
                    .unwrap()
            })
        });
        group.bench_function("encode", |b| {
            b.iter(|| {
                let mut claims = case.claims.clone();
                case.codec
                    .encode(black_box(&mut claims), now(), &OsRandom)
                    .unwrap()
            })
        });
        if case.format == WireFormat::NextAuthV4 {
            let mut buffer = Vec::with_capacity(case.token.len());
            group.bench_function("bare_aes_gcm_base64", |b| {
                b.iter(|| bare_gcm(black_box(&case.token), &cipher, &mut buffer))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
