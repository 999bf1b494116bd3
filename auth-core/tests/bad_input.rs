//! Every kind of bad input gets its documented answer — a 4xx, or next-auth's error redirect —
//! never a panic, never a 500, never a session. Each case runs for v4 and v5, through the
//! handler, through axum and through lambda_http.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

mod common;

use auth_core::session_cookie::{
    CheckKind, CookieNames, FixedClock, OAuthChecks, OsRandom, Secrets, SessionClaims, TokenCodec,
    WireFormat,
};
use auth_core::testing::StaticProvider;
use auth_core::{AuthConfig, AuthHandler};
use bytes::Bytes;
use common::{Transport, assert_uncacheable_if_cookies, json_body, set_cookies};
use http::{Request, Response, StatusCode};
use serde_json::{Value, json};
use time::OffsetDateTime;

const SECRET: &str = "bad-input-secret";
const ORIGIN: &str = "http://localhost:3000";
const NOW: i64 = 1_767_225_600;

struct Fixture {
    format: WireFormat,
    handler: AuthHandler,
    names: CookieNames,
    checks: OAuthChecks,
    session: TokenCodec,
}

impl Fixture {
    fn new(format: WireFormat) -> Self {
        let secrets = Secrets::single(SECRET).unwrap();
        let mut provider = StaticProvider::cognito_like();
        // Both formats run state and PKCE here, so every check can be tested in each.
        provider.checks_v4 = vec![CheckKind::State, CheckKind::PkceCodeVerifier];
        provider.checks_v5 = vec![CheckKind::State, CheckKind::PkceCodeVerifier];
        let config = AuthConfig::builder(format, secrets.clone())
            .public_url(ORIGIN)
            .unwrap()
            .clock(FixedClock::at_unix(NOW))
            .provider(provider)
            .build()
            .unwrap();
        let names = CookieNames::new(format, false);
        Fixture {
            format,
            handler: AuthHandler::new(config),
            checks: OAuthChecks::new(&names, &secrets),
            session: TokenCodec::for_session(&names, &secrets),
            names,
        }
    }

    fn now(&self) -> OffsetDateTime {
        FixedClock::at_unix(NOW).0
    }

    /// A valid CSRF cookie pair: (token, "name=value" for the Cookie header).
    fn csrf(&self) -> (String, String) {
        let csrf = auth_core::session_cookie::CsrfProtection::new(
            &self.names,
            &Secrets::single(SECRET).unwrap(),
        );
        let (token, cookie) = csrf.issue(&OsRandom).unwrap();
        (
            token.expose_secret().to_owned(),
            format!("{}={}", cookie.name(), cookie.value().replace('|', "%7C")),
        )
    }

    fn session_cookie(&self) -> String {
        common::session_cookie(&self.names, SECRET, self.now())
    }

    fn check_cookie(
        &self,
        kind: CheckKind,
        value: &str,
        provider: &str,
        at: OffsetDateTime,
    ) -> String {
        let cookie = self
            .checks
            .seal(kind, value, provider, at, &OsRandom)
            .unwrap();
        format!("{}={}", cookie.name(), cookie.value())
    }

    fn error_url(&self, v4: &str, v5: &str) -> String {
        let path = if self.format == WireFormat::AuthJsV5 {
            v5
        } else {
            v4
        };
        format!("{ORIGIN}/api/auth{path}")
    }
}

fn get(path: &str, cookie: Option<&str>) -> Request<Bytes> {
    let mut r = Request::get(format!("{ORIGIN}{path}"));
    if let Some(cookie) = cookie {
        r = r.header("cookie", cookie);
    }
    r.body(Bytes::new()).unwrap()
}

fn post_form(path: &str, cookie: Option<&str>, form: &[(&str, &str)]) -> Request<Bytes> {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    let mut r = Request::post(format!("{ORIGIN}{path}"))
        .header("content-type", "application/x-www-form-urlencoded");
    if let Some(cookie) = cookie {
        r = r.header("cookie", cookie);
    }
    r.body(Bytes::from(body)).unwrap()
}

async fn send(t: &dyn Transport, fx: &Fixture, request: Request<Bytes>) -> Response<Bytes> {
    let response = t.send(&fx.handler, request).await;
    assert_ne!(
        response.status(),
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}: never a 500",
        t.name()
    );
    assert_uncacheable_if_cookies(&response, t.name());
    response
}

fn location(response: &Response<Bytes>) -> Option<&str> {
    response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap())
}

fn no_session_cookie_set(fx: &Fixture, response: &Response<Bytes>) -> bool {
    set_cookies(response).iter().all(|c| {
        !c.starts_with(&format!("{}=", fx.names.session_token())) || c.contains("Max-Age=0")
    })
}

fn both_formats() -> [Fixture; 2] {
    [
        Fixture::new(WireFormat::NextAuthV4),
        Fixture::new(WireFormat::AuthJsV5),
    ]
}

async fn csrf_is_required_for_state_changes(t: &dyn Transport) {
    for fx in both_formats() {
        let (token, csrf_cookie) = fx.csrf();
        let session = fx.session_cookie();
        let cookies = format!("{csrf_cookie}; {session}");

        for (label, cookie, body_token) in [
            ("no token", Some(cookies.as_str()), None),
            ("wrong token", Some(cookies.as_str()), Some("0".repeat(64))),
            (
                "token without its cookie",
                Some(session.as_str()),
                Some(token.clone()),
            ),
        ] {
            let mut form = vec![("callbackUrl", "/dashboard")];
            if let Some(body_token) = &body_token {
                form.push(("csrfToken", body_token));
            }
            let ctx = format!("{} {:?} {label}", t.name(), fx.format);

            let r = send(t, &fx, post_form("/api/auth/signin/cognito", cookie, &form)).await;
            assert_eq!(r.status(), 302, "{ctx}");
            assert_eq!(
                location(&r),
                Some(
                    fx.error_url("/signin?csrf=true", "/signin?error=MissingCSRF")
                        .as_str()
                ),
                "{ctx}"
            );
            assert!(
                set_cookies(&r)
                    .iter()
                    .all(|c| !c.contains(".state=") && !c.contains("pkce")),
                "{ctx}: no check cookies"
            );

            let r = send(t, &fx, post_form("/api/auth/signout", cookie, &form)).await;
            assert_eq!(
                location(&r),
                Some(
                    fx.error_url("/signout?csrf=true", "/signin?error=MissingCSRF")
                        .as_str()
                ),
                "{ctx}"
            );
            assert!(
                no_session_cookie_set(&fx, &r),
                "{ctx}: the session survives"
            );

            let mut json = json!({ "data": { "name": "Mallory" } });
            if let Some(body_token) = &body_token {
                json["csrfToken"] = body_token.clone().into();
            }
            let mut req = Request::post(format!("{ORIGIN}/api/auth/session"))
                .header("content-type", "application/json");
            if let Some(cookie) = cookie {
                req = req.header("cookie", cookie);
            }
            let r = send(t, &fx, req.body(Bytes::from(json.to_string())).unwrap()).await;
            assert_eq!(r.status(), 400, "{ctx}");
            let empty = if fx.format == WireFormat::AuthJsV5 {
                Value::Null
            } else {
                json!({})
            };
            assert_eq!(json_body(&r), empty, "{ctx}");
        }

        // JSON-redirect mode answers the same failure as {"url"}.
        let mut req = post_form(
            "/api/auth/signin/cognito?",
            Some(&cookies),
            &[("csrfToken", "wrong"), ("json", "true")],
        );
        req.headers_mut()
            .insert("x-auth-return-redirect", "1".parse().unwrap());
        let r = send(t, &fx, req).await;
        assert_eq!(r.status(), 200);
        assert_eq!(
            json_body(&r)["url"],
            fx.error_url("/signin?csrf=true", "/signin?error=MissingCSRF")
        );
    }
}

async fn callback_checks_fail_closed(t: &dyn Transport) {
    for fx in both_formats() {
        let (_, csrf_cookie) = fx.csrf();
        let expected = fx.error_url("/error?error=OAuthCallback", "/error?error=Configuration");
        let state = OAuthChecks::random_value(&OsRandom).unwrap();
        let verifier = OAuthChecks::random_value(&OsRandom).unwrap();
        let good_pkce =
            fx.check_cookie(CheckKind::PkceCodeVerifier, &verifier, "cognito", fx.now());
        let good_state = fx.check_cookie(CheckKind::State, &state, "cognito", fx.now());
        let tampered = {
            let mut c = good_state.clone();
            let last = c.pop().unwrap();
            c.push(if last == 'A' { 'B' } else { 'A' });
            c
        };
        let cases: Vec<(&str, String, String)> = vec![
            (
                "no check cookies",
                csrf_cookie.clone(),
                format!("code=abc&state={state}"),
            ),
            (
                "state mismatch",
                format!("{csrf_cookie}; {good_state}; {good_pkce}"),
                "code=abc&state=other".into(),
            ),
            (
                "state missing from the callback",
                format!("{csrf_cookie}; {good_state}; {good_pkce}"),
                "code=abc".into(),
            ),
            (
                "cookies made for another provider",
                format!(
                    "{csrf_cookie}; {}; {}",
                    fx.check_cookie(CheckKind::State, &state, "github", fx.now()),
                    fx.check_cookie(CheckKind::PkceCodeVerifier, &verifier, "github", fx.now())
                ),
                format!("code=abc&state={state}"),
            ),
            (
                "expired cookies",
                format!(
                    "{csrf_cookie}; {}; {}",
                    fx.check_cookie(
                        CheckKind::State,
                        &state,
                        "cognito",
                        fx.now() - time::Duration::minutes(20)
                    ),
                    fx.check_cookie(
                        CheckKind::PkceCodeVerifier,
                        &verifier,
                        "cognito",
                        fx.now() - time::Duration::minutes(20)
                    )
                ),
                format!("code=abc&state={state}"),
            ),
            (
                "tampered state cookie",
                format!("{csrf_cookie}; {tampered}; {good_pkce}"),
                format!("code=abc&state={state}"),
            ),
            (
                "PKCE cookie missing",
                format!("{csrf_cookie}; {good_state}"),
                format!("code=abc&state={state}"),
            ),
        ];
        for (label, cookie, query) in cases {
            let ctx = format!("{} {:?} {label}", t.name(), fx.format);
            let r = send(
                t,
                &fx,
                get(
                    &format!("/api/auth/callback/cognito?{query}"),
                    Some(&cookie),
                ),
            )
            .await;
            assert_eq!(r.status(), 302, "{ctx}");
            assert_eq!(location(&r), Some(expected.as_str()), "{ctx}");
            assert!(no_session_cookie_set(&fx, &r), "{ctx}: no session");
        }

        // The same cookies with the matching state do sign in (so the cases above fail for
        // the reason they name).
        let cookie = format!("{csrf_cookie}; {good_state}; {good_pkce}");
        let r = send(
            t,
            &fx,
            get(
                &format!("/api/auth/callback/cognito?code=abc&state={state}"),
                Some(&cookie),
            ),
        )
        .await;
        assert_eq!(
            location(&r),
            Some(ORIGIN),
            "{} {:?}: the control case signs in",
            t.name(),
            fx.format
        );
        assert!(
            set_cookies(&r)
                .iter()
                .any(|c| c.starts_with(&format!("{}=eyJ", fx.names.session_token())))
        );

        // The IdP said no; the provider cannot exchange (no code).
        let r = send(
            t,
            &fx,
            get(
                "/api/auth/callback/cognito?error=access_denied&error_description=%3Cscript%3E",
                Some(&cookie),
            ),
        )
        .await;
        assert_eq!(
            location(&r),
            Some(
                fx.error_url("/error?error=Callback", "/signin?error=OAuthCallbackError")
                    .as_str()
            )
        );
        let r = send(
            t,
            &fx,
            get(
                &format!("/api/auth/callback/cognito?state={state}"),
                Some(&cookie),
            ),
        )
        .await;
        assert_eq!(
            location(&r),
            Some(
                fx.error_url(
                    "/error?error=OAuthCallback",
                    "/signin?error=OAuthCallbackError"
                )
                .as_str()
            )
        );
        assert!(no_session_cookie_set(&fx, &r));
    }
}

async fn hostile_callback_urls_end_at_the_origin(t: &dyn Transport) {
    for fx in both_formats() {
        let (token, csrf_cookie) = fx.csrf();
        for hostile in [
            "//evil.example",
            "//evil.example/steal",
            "/\\evil.example",
            "\\\\evil.example",
            "javascript:alert(1)",
            "https://evil.example/x",
            "http://localhost:3000@evil.example/",
            "http://localhost:3001/",
            "http://[::1",
            "foo",
            "data:text/html,hi",
        ] {
            let ctx = format!("{} {:?} {hostile:?}", t.name(), fx.format);
            let callback_cookie = |r: &Response<Bytes>| {
                set_cookies(r)
                    .into_iter()
                    .find(|c| c.starts_with(&format!("{}=", fx.names.callback_url())))
            };
            // In the query of any action.
            let r = send(
                t,
                &fx,
                get(
                    &format!("/api/auth/csrf?callbackUrl={}", urlencode(hostile)),
                    Some(&csrf_cookie),
                ),
            )
            .await;
            assert_eq!(r.status(), 200, "{ctx}");
            let cookie = callback_cookie(&r);
            let expected = format!(
                "{}=http%3A%2F%2Flocalhost%3A3000; Path=/; HttpOnly; SameSite=Lax",
                fx.names.callback_url()
            );
            assert_eq!(cookie.as_deref(), Some(expected.as_str()), "{ctx}");
            // In the body of sign-out: the browser is sent to the origin.
            let r = send(
                t,
                &fx,
                post_form(
                    "/api/auth/signout",
                    Some(&csrf_cookie),
                    &[("csrfToken", &token), ("callbackUrl", hostile)],
                ),
            )
            .await;
            let to = location(&r).unwrap();
            assert!(
                to == ORIGIN || to.starts_with("http://localhost:3000/"),
                "{ctx}: went to {to}"
            );
            assert!(!to.contains("evil"), "{ctx}");
            // As the callback-url cookie itself: replaced, not a permanent 500.
            let cookie = format!(
                "{csrf_cookie}; {}={}",
                fx.names.callback_url(),
                urlencode(hostile)
            );
            let r = send(t, &fx, get("/api/auth/session", Some(&cookie))).await;
            assert_eq!(r.status(), 200, "{ctx}");
            assert_eq!(
                callback_cookie(&r).as_deref(),
                Some(expected.as_str()),
                "{ctx}: replaced"
            );
        }
        // Percent-encoded CR/LF in a same-origin path stays encoded: no header injection.
        let r = send(
            t,
            &fx,
            post_form(
                "/api/auth/signout",
                Some(&csrf_cookie),
                &[
                    ("csrfToken", &token),
                    ("callbackUrl", "/%0d%0aSet-Cookie:x=y"),
                ],
            ),
        )
        .await;
        assert_eq!(
            location(&r),
            Some("http://localhost:3000/%0d%0aSet-Cookie:x=y")
        );
        assert!(set_cookies(&r).iter().all(|c| !c.starts_with("x=")));
        // A same-origin path is kept, spelled as next-auth spells it.
        let r = send(
            t,
            &fx,
            get(
                "/api/auth/csrf?callbackUrl=%2Fdashboard%3Ftab%3D1",
                Some(&csrf_cookie),
            ),
        )
        .await;
        let expected = format!(
            "{}=http%3A%2F%2Flocalhost%3A3000%2Fdashboard%3Ftab%3D1; Path=/; HttpOnly; SameSite=Lax",
            fx.names.callback_url()
        );
        assert_eq!(set_cookies(&r), [expected]);
    }
}

fn urlencode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

async fn unknown_routes_methods_and_bodies(t: &dyn Transport) {
    for fx in both_formats() {
        let ctx = format!("{} {:?}", t.name(), fx.format);
        let (token, csrf_cookie) = fx.csrf();
        let v5 = fx.format == WireFormat::AuthJsV5;

        for path in ["/api/auth/foo", "/api/auth/signin/a/b", "/api/auth/%00"] {
            let r = send(t, &fx, get(path, None)).await;
            assert_eq!(r.status(), 400, "{ctx} {path}");
            if v5 {
                assert_eq!(json_body(&r), json!("Bad request."));
            } else {
                assert_eq!(
                    r.body(),
                    "Error: This action with HTTP GET is not supported by NextAuth.js"
                );
            }
        }
        let r = send(
            t,
            &fx,
            get("/api/auth/callback/nope?code=x", Some(&csrf_cookie)),
        )
        .await;
        assert_eq!(r.status(), 400, "{ctx}: unknown provider");
        // An unknown provider on sign-in is answered like a failed CSRF check (next-auth 4).
        let r = send(
            t,
            &fx,
            post_form(
                "/api/auth/signin/nope",
                Some(&csrf_cookie),
                &[("csrfToken", &token)],
            ),
        )
        .await;
        assert_eq!(
            location(&r),
            Some(
                fx.error_url("/signin?csrf=true", "/signin?error=MissingCSRF")
                    .as_str()
            ),
            "{ctx}"
        );
        if v5 {
            let r = send(
                t,
                &fx,
                post_form("/api/auth/_log", None, &[("level", "error")]),
            )
            .await;
            assert_eq!(r.status(), 400, "{ctx}: v5 has no _log");
        } else {
            let r = send(
                t,
                &fx,
                post_form(
                    "/api/auth/_log",
                    None,
                    &[("level", "error"), ("code", "<script>")],
                ),
            )
            .await;
            assert_eq!(r.status(), 200, "{ctx}");
        }

        for method in ["PUT", "DELETE", "PATCH", "HEAD"] {
            let r = send(
                t,
                &fx,
                Request::builder()
                    .method(method)
                    .uri(format!("{ORIGIN}/api/auth/session"))
                    .body(Bytes::new())
                    .unwrap(),
            )
            .await;
            assert_eq!(r.status(), 405, "{ctx} {method}");
            assert_eq!(r.headers().get("allow").unwrap(), "GET, POST");
        }
        for path in ["/api/auth/providers", "/api/auth/csrf", "/api/auth/error"] {
            let r = send(t, &fx, post_form(path, None, &[])).await;
            assert_eq!(r.status(), 400, "{ctx} POST {path}");
        }

        let big = "a".repeat(auth_core::DEFAULT_MAX_BODY_BYTES + 1);
        let r = send(
            t,
            &fx,
            post_form(
                "/api/auth/signin/cognito",
                Some(&csrf_cookie),
                &[("csrfToken", &token), ("pad", &big)],
            ),
        )
        .await;
        assert_eq!(r.status(), 413, "{ctx}: oversized body");
        let malformed = Request::post(format!("{ORIGIN}/api/auth/session"))
            .header("content-type", "application/json")
            .header("cookie", &csrf_cookie)
            .body(Bytes::from_static(b"{\"csrfToken\": "))
            .unwrap();
        assert_eq!(
            send(t, &fx, malformed).await.status(),
            400,
            "{ctx}: malformed JSON"
        );
        let not_object = Request::post(format!("{ORIGIN}/api/auth/session"))
            .header("content-type", "application/json")
            .body(Bytes::from_static(b"[1,2,3]"))
            .unwrap();
        assert_eq!(
            send(t, &fx, not_object).await.status(),
            400,
            "{ctx}: JSON that is not an object"
        );

        let outside = send(t, &fx, get("/somewhere/else", None)).await;
        assert_eq!(outside.status(), 404, "{ctx}");
    }
}

async fn bad_session_cookies_mean_signed_out(t: &dyn Transport) {
    for fx in both_formats() {
        let ctx = format!("{} {:?}", t.name(), fx.format);
        let (_, csrf_cookie) = fx.csrf();
        let name = fx.names.session_token();
        let good = fx.session_cookie();
        let other_format = Fixture::new(if fx.format == WireFormat::AuthJsV5 {
            WireFormat::NextAuthV4
        } else {
            WireFormat::AuthJsV5
        });
        let foreign = other_format
            .session_cookie()
            .replace(other_format.names.session_token(), name);
        let mut tampered = good.clone();
        tampered.insert(good.len() - 5, 'x');
        let huge_chunk = "A".repeat(3900);
        let oversized: Vec<String> = (0..10)
            .map(|i| format!("{name}.{i}={huge_chunk}"))
            .collect();
        let expired = {
            let mut claims = SessionClaims::new();
            claims.insert("sub", "user-1");
            let token = fx
                .session
                .clone()
                .with_max_age(60)
                .encode(&mut claims, fx.now() - time::Duration::hours(1), &OsRandom)
                .unwrap();
            format!("{name}={token}")
        };
        for (label, cookie) in [
            ("tampered", tampered),
            ("garbage", format!("{name}=not-a-jwe")),
            ("other format", foreign),
            ("expired", expired),
            ("gap in chunks", format!("{name}.0=abc; {name}.2=def")),
            (
                "stale cookie next to chunks",
                format!("{name}=abc; {name}.0=def"),
            ),
            ("oversized (10 chunks)", oversized.join("; ")),
        ] {
            let r = send(
                t,
                &fx,
                get(
                    "/api/auth/session",
                    Some(&format!("{csrf_cookie}; {cookie}")),
                ),
            )
            .await;
            assert_eq!(r.status(), 200, "{ctx} {label}");
            let empty = if fx.format == WireFormat::AuthJsV5 {
                Value::Null
            } else {
                json!({})
            };
            assert_eq!(
                json_body(&r),
                empty,
                "{ctx} {label}: signed out, no error page"
            );
            let cleared: Vec<String> = set_cookies(&r)
                .into_iter()
                .filter(|c| c.starts_with(name))
                .collect();
            assert!(
                !cleared.is_empty() && cleared.iter().all(|c| c.contains("Max-Age=0")),
                "{ctx} {label}: cleared: {cleared:?}"
            );
        }
        // Header bytes that are not UTF-8, and a thousand cookies, are read without trouble.
        let weird = Request::get(format!("{ORIGIN}/api/auth/session"))
            .header(
                "cookie",
                http::HeaderValue::from_bytes(b"a=\xff\xfe; b=1").unwrap(),
            )
            .body(Bytes::new())
            .unwrap();
        assert_eq!(send(t, &fx, weird).await.status(), 200, "{ctx}");
        let many: Vec<String> = (0..1000).map(|i| format!("c{i}=v")).collect();
        let r = send(t, &fx, get("/api/auth/session", Some(&many.join("; ")))).await;
        assert_eq!(r.status(), 200, "{ctx}");

        // The control case: the good cookie is a session.
        let r = send(
            t,
            &fx,
            get("/api/auth/session", Some(&format!("{csrf_cookie}; {good}"))),
        )
        .await;
        assert_eq!(json_body(&r)["user"]["name"], "Jane", "{ctx}");
    }
}

for_each_transport!(
    csrf_is_required_for_state_changes,
    callback_checks_fail_closed,
    hostile_callback_urls_end_at_the_origin,
    unknown_routes_methods_and_bodies,
    bad_session_cookies_mean_signed_out,
);

/// `get_token` for the app's own routes: cookie, chunks or Bearer; bad input is `None`.
#[test]
fn get_token_reads_cookies_and_bearer_and_never_errors() {
    #[derive(serde::Deserialize, Debug)]
    struct Mine {
        sub: String,
    }
    for fx in both_formats() {
        let mut headers = http::HeaderMap::new();
        assert!(fx.handler.get_token::<Mine>(&headers).is_none());
        headers.insert("cookie", fx.session_cookie().parse().unwrap());
        assert_eq!(
            fx.handler.get_token::<Mine>(&headers).unwrap().sub,
            "user-1"
        );

        let token = fx.session_cookie().split_once('=').unwrap().1.to_owned();
        let mut bearer = http::HeaderMap::new();
        bearer.insert("authorization", format!("Bearer {token}").parse().unwrap());
        assert_eq!(fx.handler.get_token::<Mine>(&bearer).unwrap().sub, "user-1");

        for bad in [
            "Bearer %E0%A4%A",
            "Bearer",
            "Basic abc",
            "Bearer a b",
            "Bearer not-a-token",
        ] {
            let mut h = http::HeaderMap::new();
            h.insert("authorization", bad.parse().unwrap());
            assert!(fx.handler.get_token::<Mine>(&h).is_none(), "{bad}");
        }
        // A session of another shape is `None`, not an error.
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Other {
            tenant: u64,
        }
        assert!(fx.handler.get_token::<Other>(&headers).is_none());
    }
}
