//! The defects a security review found, one test each, named after what must hold. Each test
//! failed on the code before its fix. Each runs for v4 and v5 and, where a request goes through
//! the handler, through every entry point (direct, axum, Lambda).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

mod common;

use auth_core::session_cookie::{
    Claims, CookieNames, FixedClock, OsRandom, Secrets, TokenCodec, WireFormat,
};
use auth_core::{AuthConfig, AuthHandler};
use bytes::Bytes;
use common::{Transport, json_body};
use http::{HeaderMap, HeaderValue, Request};

const SECRET: &str = "security-review-secret";
const ORIGIN: &str = "http://localhost:3000";
const NOW: i64 = 1_767_225_600;

#[derive(serde::Deserialize, Debug)]
struct Subject {
    sub: String,
}

struct Fixture {
    format: WireFormat,
    handler: AuthHandler,
    names: CookieNames,
    session: TokenCodec,
}

impl Fixture {
    fn new(format: WireFormat) -> Self {
        let secrets = Secrets::single(SECRET).unwrap();
        let config = AuthConfig::builder(format, secrets.clone())
            .public_url(ORIGIN)
            .unwrap()
            .clock(FixedClock::at_unix(NOW))
            .build()
            .unwrap();
        let names = CookieNames::new(format, false);
        Fixture {
            format,
            handler: AuthHandler::new(config),
            session: TokenCodec::for_session(&names, &secrets),
            names,
        }
    }

    fn both() -> [Fixture; 2] {
        [
            Self::new(WireFormat::NextAuthV4),
            Self::new(WireFormat::AuthJsV5),
        ]
    }

    /// `name=token` of a valid session for `user-1`.
    fn session_cookie(&self) -> String {
        let mut claims = Claims::new();
        claims.insert("sub", "user-1");
        claims.insert("name", "Jane");
        let token = self
            .session
            .encode(&mut claims, FixedClock::at_unix(NOW).0, &OsRandom)
            .unwrap();
        format!("{}={token}", self.names.session_token())
    }
}

fn get_with_cookie(path: &str, cookie: &[u8]) -> Request<Bytes> {
    Request::get(format!("{ORIGIN}{path}"))
        .header("cookie", HeaderValue::from_bytes(cookie).unwrap())
        .body(Bytes::new())
        .unwrap()
}

/// Defect 1: a neighbour cookie with bytes ≥ 0x80 (UTF-8 `café`, or Latin-1) must not hide the
/// session cookie from any reader — the session route, sign-out's CSRF check reads the same
/// header, `get_token`, and the axum extractor (which `Axum` below goes through).
async fn a_non_ascii_neighbour_cookie_keeps_the_session(t: &dyn Transport) {
    for fx in Fixture::both() {
        let ctx = format!("{} {:?}", t.name(), fx.format);
        for neighbour in [&b"pref=caf\xc3\xa9"[..], b"pref=caf\xe9", b"\xff=\xfe"] {
            let mut header = neighbour.to_vec();
            header.extend_from_slice(b"; ");
            header.extend_from_slice(fx.session_cookie().as_bytes());
            let r = t
                .send(&fx.handler, get_with_cookie("/api/auth/session", &header))
                .await;
            assert_eq!(r.status(), 200, "{ctx}");
            assert_eq!(json_body(&r)["user"]["name"], "Jane", "{ctx} {neighbour:?}");

            let mut headers = HeaderMap::new();
            headers.insert("cookie", HeaderValue::from_bytes(&header).unwrap());
            assert_eq!(
                fx.handler
                    .get_token::<Subject>(&headers)
                    .map(|s| s.sub)
                    .as_deref(),
                Some("user-1"),
                "{ctx} get_token {neighbour:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_non_ascii_neighbour_cookie_keeps_the_session_in_the_axum_extractor() {
    use auth_core::axum::Session;
    use tower::ServiceExt;
    for fx in Fixture::both() {
        let app = axum::Router::new()
            .route(
                "/api/me",
                axum::routing::get(|Session(user): Session<Subject>| async move { user.sub }),
            )
            .with_state(fx.handler.clone());
        let mut header = b"pref=caf\xc3\xa9; ".to_vec();
        header.extend_from_slice(fx.session_cookie().as_bytes());
        let response = app
            .oneshot(get_with_cookie("/api/me", &header).map(axum::body::Body::from))
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{:?}", fx.format);
        let body = axum::body::to_bytes(response.into_body(), 1024)
            .await
            .unwrap();
        assert_eq!(&body[..], b"user-1");
    }
}

/// Defect 3: behind a trusted proxy (no public URL), `get_token` reads the cookie names of the
/// request's scheme, as the session route does: over https a plain-named cookie (which anyone
/// on the network or a sibling domain can plant) is no session for either.
async fn get_token_uses_the_cookie_names_of_the_request_scheme(t: &dyn Transport) {
    for format in [WireFormat::NextAuthV4, WireFormat::AuthJsV5] {
        let ctx = format!("{} {format:?}", t.name());
        let secrets = Secrets::single(SECRET).unwrap();
        let handler = AuthHandler::new(
            AuthConfig::builder(format, secrets.clone())
                .trust_forwarded_headers(true)
                .clock(FixedClock::at_unix(NOW))
                .build()
                .unwrap(),
        );
        for (proto, secure) in [("https", true), ("http", false)] {
            for cookie_secure in [true, false] {
                let names = CookieNames::new(format, cookie_secure);
                let mut claims = Claims::new();
                claims.insert("sub", "user-1");
                let token = TokenCodec::for_session(&names, &secrets)
                    .encode(&mut claims, FixedClock::at_unix(NOW).0, &OsRandom)
                    .unwrap();
                let cookie = format!("{}={token}", names.session_token());
                let request = Request::get("/api/auth/session")
                    .header("host", "app.example.com")
                    .header("x-forwarded-proto", proto)
                    .header("cookie", &cookie)
                    .body(Bytes::new())
                    .unwrap();
                let mut headers = request.headers().clone();
                headers.remove("content-length");
                let route_reads_it = json_body(&t.send(&handler, request).await)
                    .get("user")
                    .is_some();
                let get_token_reads_it = handler.get_token::<Subject>(&headers).is_some();
                let expected = secure == cookie_secure;
                let case = format!("{ctx} {proto} request, secure-named cookie: {cookie_secure}");
                assert_eq!(route_reads_it, expected, "session route, {case}");
                assert_eq!(get_token_reads_it, expected, "get_token, {case}");
            }
        }
    }
}

/// Defect 6: a session lifetime too large for date arithmetic (`NEXTAUTH_SESSION_MAX_AGE=
/// 300000000000` made every `GET /session` panic) is refused when the configuration is built,
/// with a message naming the variable; the largest accepted value serves sessions.
#[tokio::test]
async fn a_session_max_age_beyond_the_bound_is_a_config_error() {
    let lookup = |max_age: &'static str| {
        move |name: &str| match name {
            "NEXTAUTH_SECRET" => Some(SECRET.to_owned()),
            "NEXTAUTH_URL" => Some(ORIGIN.to_owned()),
            "NEXTAUTH_SESSION_MAX_AGE" => Some(max_age.to_owned()),
            _ => None,
        }
    };
    for huge in ["300000000000", "9223372036854775807", "316224001"] {
        let err = AuthConfig::from_lookup(lookup(huge))
            .unwrap_err()
            .to_string();
        assert!(err.contains("NEXTAUTH_SESSION_MAX_AGE"), "{huge}: {err}");
    }
    for huge in [
        300_000_000_000,
        i64::MAX,
        auth_core::MAX_SESSION_MAX_AGE_SECS + 1,
    ] {
        let built = AuthConfig::builder(WireFormat::NextAuthV4, Secrets::single(SECRET).unwrap())
            .public_url(ORIGIN)
            .unwrap()
            .session_max_age(huge)
            .build();
        assert!(built.is_err(), "{huge}");
    }
    // The bound itself works end to end, also with a clock far in the future.
    let max = auth_core::MAX_SESSION_MAX_AGE_SECS.to_string();
    for now in [NOW, 253_402_300_000 - 3600] {
        let max = max.clone();
        let builder = AuthConfig::from_lookup(move |name: &str| match name {
            "NEXTAUTH_SESSION_MAX_AGE" => Some(max.clone()),
            other => lookup("1")(other),
        })
        .unwrap();
        let handler = AuthHandler::new(builder.clock(FixedClock::at_unix(now)).build().unwrap());
        let fx = Fixture::new(WireFormat::NextAuthV4);
        let r = handler
            .handle(get_with_cookie(
                "/api/auth/session",
                fx.session_cookie().as_bytes(),
            ))
            .await;
        assert!(r.status().is_success(), "{now}: {}", r.status());
    }
}

for_each_transport!(
    a_non_ascii_neighbour_cookie_keeps_the_session,
    get_token_uses_the_cookie_names_of_the_request_scheme,
);
