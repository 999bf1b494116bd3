//! The handler's cost per `GET /api/auth/session` with a valid v4 session cookie — decode, the
//! session JSON, the rolling re-issue, the CSRF cookie, the `Set-Cookie` headers — without any
//! transport. `bench/run.sh` measures the whole server; this isolates what the crate itself
//! spends, and compares the two random sources (`ThreadRandom`, the default, and `OsRandom`).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use auth_core::{AuthConfig, AuthHandler};
use bytes::Bytes;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use http::Request;
use serde_json::json;
use session_cookie::{
    Clock, CookieNames, OsRandom, RandomSource, Secrets, SessionClaims, SystemClock, ThreadRandom,
    TokenCodec, WireFormat,
};

const SECRET: &str = "bench-secret-0123456789abcdef";

fn cookie_header() -> String {
    let names = CookieNames::new(WireFormat::NextAuthV4, false);
    let codec = TokenCodec::for_session(&names, &Secrets::single(SECRET).unwrap());
    let mut claims = SessionClaims::from_serialize(&json!({
        "name": "Jane Doe",
        "email": "jane.doe@example.com",
        "picture": "https://example.com/p.png",
        "sub": "7a1e4f0c-0000-4000-8000-00000000c0c0",
        "groups": ["admins", "users"],
    }))
    .unwrap();
    let token = codec
        .encode(&mut claims, SystemClock.now(), &OsRandom)
        .unwrap();
    format!("next-auth.session-token={token}")
}

fn handler(rng: impl RandomSource + 'static) -> AuthHandler {
    let config = AuthConfig::builder(WireFormat::NextAuthV4, Secrets::single(SECRET).unwrap())
        .public_url("http://localhost:3000")
        .unwrap()
        .random(rng)
        .build()
        .unwrap();
    AuthHandler::new(config)
}

fn session_read(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let cookie = cookie_header();
    let request = || {
        Request::get("http://localhost:3000/api/auth/session")
            .header("cookie", cookie.as_str())
            .body(Bytes::new())
            .unwrap()
    };
    let mut group = c.benchmark_group("GET /api/auth/session");
    for (name, handler) in [
        ("ThreadRandom", handler(ThreadRandom)),
        ("OsRandom", handler(OsRandom)),
    ] {
        let response = runtime.block_on(handler.handle(request()));
        assert_eq!(response.status(), 200);
        assert!(response.body().starts_with(b"{\"user\""), "not a session");
        group.bench_function(name, |b| {
            b.iter_batched(
                request,
                |req| black_box(runtime.block_on(handler.handle(req))),
                BatchSize::SmallInput,
            );
        });
    }
    group.finish();
}

criterion_group!(benches, session_read);
criterion_main!(benches);
