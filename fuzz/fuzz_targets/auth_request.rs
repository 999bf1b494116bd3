//! Untrusted requests to `/api/auth/*`: any method, path, query, headers, cookies and body must
//! get an answer below 500 — never a panic — and an answer that sets a cookie must never be
//! cacheable. `get_token` on the same headers must return `None` or claims, never panic.
//!
//! The fuzzer cannot forge encrypted cookies, so flags in the input add genuine ones (a CSRF
//! pair, a session, sealed state and PKCE check cookies) and the matching `csrfToken` and `state`
//! parameters; that lets it reach the code behind each check, not only the refusals.
#![no_main]

use std::sync::LazyLock;

use auth_core::session_cookie::{
    CheckKind, CookieNames, CsrfProtection, FixedClock, OAuthChecks, OsRandom, Secrets,
    SessionClaims, TokenCodec, WireFormat,
};
use auth_core::testing::StaticProvider;
use auth_core::{AuthConfig, AuthHandler};
use bytes::Bytes;
use http::{HeaderValue, Request, header};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const SECRET: &str = "fuzz-secret";
const ORIGIN: &str = "http://localhost:3000";
const NOW: i64 = 1_767_225_600;
const STATE: &str = "fuzz-state-value";
const ACTIONS: &[&str] = &[
    "session",
    "csrf",
    "providers",
    "signin",
    "signin/cognito",
    "callback/cognito",
    "signout",
    "error",
    "_log",
    "verify-request",
    "webauthn-options",
    "",
];

/// One wire format's handler and genuine cookies made with its secret.
struct World {
    handler: AuthHandler,
    csrf_token: String,
    csrf_cookie: String,
    session_cookie: String,
    check_cookies: String,
}

impl World {
    /// `behind_proxy`: no configured public URL; the origin comes from `X-Forwarded-Host` /
    /// `X-Forwarded-Proto` (trusted) or the request itself.
    fn new(format: WireFormat, behind_proxy: bool) -> Self {
        let secrets = Secrets::single(SECRET).expect("secret");
        let mut provider = StaticProvider::cognito_like();
        provider.checks_v4 = vec![CheckKind::State, CheckKind::PkceCodeVerifier];
        provider.checks_v5 = vec![
            CheckKind::State,
            CheckKind::PkceCodeVerifier,
            CheckKind::Nonce,
        ];
        let mut config = AuthConfig::builder(format, secrets.clone());
        config = if behind_proxy {
            config.trust_forwarded_headers(true)
        } else {
            config.public_url(ORIGIN).expect("origin")
        };
        let config = config
            .clock(FixedClock::at_unix(NOW))
            .provider(provider)
            .build()
            .expect("config");
        let names = CookieNames::new(format, false);
        let now = FixedClock::at_unix(NOW).0;
        let (token, cookie) = CsrfProtection::new(&names, &secrets)
            .issue(&OsRandom)
            .expect("csrf");
        let mut claims = SessionClaims::new();
        claims.insert("sub", "user-1");
        claims.insert("name", "Jane");
        let session = TokenCodec::for_session(&names, &secrets)
            .encode(&mut claims, now, &OsRandom)
            .expect("session");
        let checks = OAuthChecks::new(&names, &secrets);
        let check_cookies = [
            (CheckKind::State, STATE),
            (
                CheckKind::PkceCodeVerifier,
                "fuzz-code-verifier-0123456789-0123456789-abc",
            ),
            (CheckKind::Nonce, "fuzz-nonce"),
        ]
        .map(|(kind, value)| {
            let c = checks
                .seal(kind, value, "cognito", now, &OsRandom)
                .expect("check");
            format!("{}={}", c.name(), c.value())
        })
        .join("; ");
        World {
            handler: AuthHandler::new(config),
            csrf_token: token.expose_secret().to_owned(),
            csrf_cookie: format!("{}={}", cookie.name(), cookie.value().replace('|', "%7C")),
            session_cookie: format!("{}={session}", names.session_token()),
            check_cookies,
        }
    }
}

static WORLDS: LazyLock<[World; 4]> = LazyLock::new(|| {
    [
        World::new(WireFormat::NextAuthV4, false),
        World::new(WireFormat::AuthJsV5, false),
        World::new(WireFormat::NextAuthV4, true),
        World::new(WireFormat::AuthJsV5, true),
    ]
});

#[derive(Arbitrary, Debug)]
struct Input {
    v5: bool,
    behind_proxy: bool,
    method: u8,
    action: u8,
    path_tail: String,
    query: String,
    content_type: u8,
    body: Vec<u8>,
    cookie: String,
    genuine_csrf: bool,
    genuine_session: bool,
    genuine_checks: bool,
    return_redirect: bool,
    authorization: Option<String>,
    forwarded_host: Option<String>,
    forwarded_proto: Option<String>,
    host: Option<String>,
}

fuzz_target!(|input: Input| {
    let world = &WORLDS[usize::from(input.v5) + 2 * usize::from(input.behind_proxy)];
    let method = ["GET", "POST", "PUT", "HEAD", "OPTIONS", "DELETE"][usize::from(input.method % 6)];
    let action = ACTIONS[usize::from(input.action) % ACTIONS.len()];
    let mut query = input.query.clone();
    if input.genuine_checks {
        query = format!("state={STATE}&code=fuzz-code&{query}");
    }
    let uri = format!("{ORIGIN}/api/auth/{action}{}?{query}", input.path_tail);
    let mut cookies = vec![input.cookie.clone()];
    if input.genuine_csrf {
        cookies.push(world.csrf_cookie.clone());
    }
    if input.genuine_session {
        cookies.push(world.session_cookie.clone());
    }
    if input.genuine_checks {
        cookies.push(world.check_cookies.clone());
    }
    let content_type = [
        "application/x-www-form-urlencoded",
        "application/json",
        "text/plain",
        "",
    ][usize::from(input.content_type % 4)];
    let mut body = input.body.clone();
    if input.genuine_csrf && content_type.starts_with("application/x-www") {
        body = [
            format!("csrfToken={}&", world.csrf_token).into_bytes(),
            body,
        ]
        .concat();
    }

    let mut builder = Request::builder().method(method).uri(uri.as_str());
    let Some(headers) = builder.headers_mut() else {
        return;
    };
    let mut add = |name: header::HeaderName, value: &str| {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.append(name, value);
        }
    };
    add(header::COOKIE, &cookies.join("; "));
    if !content_type.is_empty() {
        add(header::CONTENT_TYPE, content_type);
    }
    if input.return_redirect {
        add(
            header::HeaderName::from_static("x-auth-return-redirect"),
            "1",
        );
    }
    if let Some(value) = &input.authorization {
        add(header::AUTHORIZATION, value);
    }
    if let Some(value) = &input.forwarded_host {
        add(header::HeaderName::from_static("x-forwarded-host"), value);
    }
    if let Some(value) = &input.forwarded_proto {
        add(header::HeaderName::from_static("x-forwarded-proto"), value);
    }
    if let Some(value) = &input.host {
        add(header::HOST, value);
    }
    // A URI that `http` refuses never reaches a handler: the server refuses it first.
    let Ok(request) = builder.body(Bytes::from(body)) else {
        return;
    };

    // get_token-like reads of the same headers: None or claims, never a panic.
    let _ = world.handler.session_claims(request.headers());
    let _ = world.handler.get_token::<Value>(request.headers());

    let response = futures_executor::block_on(world.handler.handle(request));
    assert!(
        response.status().as_u16() < 500,
        "{method} {uri}: {}",
        response.status()
    );
    if response.headers().contains_key(header::SET_COOKIE) {
        let cache = response
            .headers()
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(
            cache.contains("no-store"),
            "{method} {uri}: sets a cookie, Cache-Control {cache:?}"
        );
    }
});
