//! The defects a security review found, one test each, named after what must hold. Each test
//! failed on the code before its fix. Each runs for v4 and v5 and, where a request goes through
//! the handler, through every entry point (direct, axum, Lambda).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

mod common;

use auth_core::session_cookie::{CookieNames, FixedClock, Secrets, WireFormat};
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
        common::session_cookie(&self.names, SECRET, FixedClock::at_unix(NOW).0)
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
            .layer(fx.handler.session_layer())
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
                let cookie = common::session_cookie(&names, SECRET, FixedClock::at_unix(NOW).0);
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
        // A session issued at that clock, so the rolling re-issue (the date arithmetic that
        // overflowed) really runs.
        let names = CookieNames::new(WireFormat::NextAuthV4, false);
        let cookie = common::session_cookie(&names, SECRET, FixedClock::at_unix(now).0);
        let r = handler
            .handle(get_with_cookie("/api/auth/session", cookie.as_bytes()))
            .await;
        assert_eq!(r.status(), 200, "{now}");
        assert_eq!(
            json_body(&r)["user"]["name"],
            "Jane",
            "{now}: a session is served"
        );
    }
}

/// `Cache-Control` and `Vary` of a response, for the assertions below.
fn cache_headers(headers: &HeaderMap) -> (Option<&str>, Option<&str>) {
    (
        headers.get("cache-control").map(|v| v.to_str().unwrap()),
        headers.get("vary").map(|v| v.to_str().unwrap()),
    )
}

const PRIVATE: (Option<&str>, Option<&str>) = (Some("private, no-cache, no-store"), Some("Cookie"));

/// Defect 5: an app route that takes a `Session` (claims, e-mail, groups) answers with
/// `private, no-store` and `Vary: Cookie` without writing them — also when its own handler
/// says `public` — and so do `MaybeSession`, `RequireSession` and the rejections. Without
/// the session layer the extractor refuses to run rather than serve a cacheable answer.
#[tokio::test]
async fn responses_built_from_a_session_are_never_cacheable() {
    use auth_core::axum::{MaybeSession, RequireSession, Session};
    use axum::routing::get;
    use tower::ServiceExt;
    let fx = Fixture::new(WireFormat::NextAuthV4);
    let auth = fx.handler.clone();
    let routes = || {
        axum::Router::new()
            .route(
                "/api/me",
                get(|Session(user): Session<Subject>| async move {
                    ([("cache-control", "public, max-age=600")], user.sub)
                }),
            )
            .route(
                "/api/hello",
                get(|MaybeSession(user): MaybeSession<Subject>| async move {
                    user.map_or("stranger".to_owned(), |u| u.sub)
                }),
            )
            .route("/public", get(|| async { "same for all" }))
            .merge(
                axum::Router::new()
                    .route("/api/admin", get(|| async { "admin" }))
                    .layer(RequireSession::new(auth.clone())),
            )
    };
    let app = routes()
        .layer(auth.session_layer())
        .with_state(auth.clone());
    let call = |app: axum::Router, path: &str, cookie: Option<String>| {
        let mut request = Request::get(path);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        let request = request.body(axum::body::Body::empty()).unwrap();
        async move { app.oneshot(request).await.unwrap() }
    };
    for cookie in [Some(fx.session_cookie()), None] {
        for path in ["/api/me", "/api/hello", "/api/admin"] {
            let response = call(app.clone(), path, cookie.clone()).await;
            let ctx = format!("{path} with session: {}", cookie.is_some());
            assert_eq!(
                response.status().is_success(),
                cookie.is_some() || path == "/api/hello",
                "{ctx}"
            );
            assert_eq!(cache_headers(response.headers()), PRIVATE, "{ctx}");
        }
    }
    let public = call(app.clone(), "/public", Some(fx.session_cookie())).await;
    assert_eq!(
        cache_headers(public.headers()),
        (None, None),
        "a route that does not read the session is left alone"
    );

    // Without the layer: a 500 naming it, never a cacheable answer with the user's data.
    let forgot = routes().with_state(auth);
    for path in ["/api/me", "/api/hello"] {
        let response = call(forgot.clone(), path, Some(fx.session_cookie())).await;
        assert_eq!(response.status(), 500, "{path}");
        assert_eq!(cache_headers(response.headers()), PRIVATE);
        let body = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .unwrap();
        assert!(
            String::from_utf8_lossy(&body).contains("session_layer"),
            "{path}: the message names the fix"
        );
    }
}

/// Defect 5, handler side: without a public URL (behind a trusted proxy) every answer is built
/// from the request's host, so `/providers`, the sign-in page and the rest are private too.
async fn answers_built_from_the_request_host_are_private(t: &dyn Transport) {
    for format in [WireFormat::NextAuthV4, WireFormat::AuthJsV5] {
        let handler = AuthHandler::new(
            AuthConfig::builder(format, Secrets::single(SECRET).unwrap())
                .trust_forwarded_headers(true)
                .provider(auth_core::testing::StaticProvider::cognito_like())
                .build()
                .unwrap(),
        );
        for path in [
            "/api/auth/providers",
            "/api/auth/session",
            "/api/auth/signin",
        ] {
            let request = Request::get(path)
                .header("host", "tenant-a.example.com")
                .header("x-forwarded-proto", "https")
                .body(Bytes::new())
                .unwrap();
            let response = t.send(&handler, request).await;
            assert_eq!(
                cache_headers(response.headers()),
                PRIVATE,
                "{} {format:?} {path}",
                t.name()
            );
        }
    }
}

/// A request body that never arrives.
struct NeverArrives;

impl http_body::Body for NeverArrives {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        std::task::Poll::Pending
    }
}

/// Defect 7: a declared `Content-Length` above the limit is answered `413` at once, before the
/// body is read (it was read until the client gave up: 45 s+ per connection). A body that
/// really is too large is `413` too, and a body that fits still works.
#[tokio::test]
async fn an_oversized_declared_length_is_refused_before_reading() {
    use tower::ServiceExt;
    let fx = Fixture::new(WireFormat::NextAuthV4);
    let app: axum::Router = fx.handler.router();
    for length in ["100000000", "18446744073709551615"] {
        let request = Request::post("/api/auth/signout")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("content-length", length)
            .body(axum::body::Body::new(NeverArrives))
            .unwrap();
        let response = tokio::time::timeout(
            std::time::Duration::from_secs(5),
            app.clone().oneshot(request),
        )
        .await
        .expect("answered without waiting for the body")
        .unwrap();
        assert_eq!(response.status(), 413, "{length}");
    }
    let limit = auth_core::DEFAULT_MAX_BODY_BYTES;
    let too_big = Request::post("/api/auth/signout")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(vec![b'a'; limit + 1]))
        .unwrap();
    assert_eq!(app.clone().oneshot(too_big).await.unwrap().status(), 413);
    let fits = Request::post("/api/auth/signout")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from("csrfToken=x"))
        .unwrap();
    assert_ne!(app.oneshot(fits).await.unwrap().status(), 413);
}

for_each_transport!(
    answers_built_from_the_request_host_are_private,
    a_non_ascii_neighbour_cookie_keeps_the_session,
    get_token_uses_the_cookie_names_of_the_request_scheme,
);

/// `get_token` reads a next-auth token in `Authorization: Bearer` as next-auth does, unless the
/// service turns that off (its Bearer tokens are Cognito's).
#[test]
fn bearer_sessions_can_be_turned_off() {
    let token = Fixture::new(WireFormat::NextAuthV4)
        .session_cookie()
        .split_once('=')
        .unwrap()
        .1
        .to_owned();
    let mut headers = HeaderMap::new();
    headers.insert("authorization", format!("Bearer {token}").parse().unwrap());
    for (accept, expected) in [(true, true), (false, false)] {
        let handler = AuthHandler::new(
            AuthConfig::builder(WireFormat::NextAuthV4, Secrets::single(SECRET).unwrap())
                .public_url(ORIGIN)
                .unwrap()
                .clock(FixedClock::at_unix(NOW))
                .bearer_sessions(accept)
                .build()
                .unwrap(),
        );
        assert_eq!(handler.get_token::<Subject>(&headers).is_some(), expected);
    }
}
