//! Sign-in with Cognito through auth-core's handler against a wiremock IdP shaped like a user
//! pool: the happy path and every check failing on its own. Each failure row must end on
//! next-auth's `OAuthCallback` error and never in a session; a control row shows the same setup
//! succeeds when only that one thing is right.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

mod common;

use std::time::{Duration, Instant};

use auth_core::session_cookie::{CookieNames, Secrets, SessionClaims, TokenCodec, WireFormat};
use auth_core::{AuthConfig, AuthHandler};
use cognito_provider::{Cognito, CognitoBuilder, GroupsInSession, Timeouts};
use common::*;
use serde_json::{Value, json};
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, ResponseTemplate};

const SECRET: &str = "cognito-test-secret";
const NOW: i64 = 1_767_225_600;
const FAILED: &str = "http://localhost:3000/api/auth/error?error=OAuthCallback";

fn cognito(
    idp: &Idp,
    clock: &TestClock,
    configure: impl FnOnce(CognitoBuilder) -> CognitoBuilder,
) -> Cognito {
    let builder = Cognito::builder(idp.issuer(), CLIENT_ID)
        .client_secret(CLIENT_SECRET)
        .clock(clock.clone())
        .timeouts(Timeouts {
            connect: Duration::from_millis(500),
            request: Duration::from_secs(1),
        });
    configure(builder).build().unwrap()
}

fn handler(cognito: &Cognito, clock: &TestClock) -> AuthHandler {
    let config = AuthConfig::builder(WireFormat::NextAuthV4, Secrets::single(SECRET).unwrap())
        .public_url(APP)
        .unwrap()
        .clock(clock.clone())
        .callbacks(cognito.refreshing_callbacks(GroupsInSession::new()))
        .provider(cognito.clone())
        .build()
        .unwrap();
    AuthHandler::new(config)
}

fn session_claims(browser: &Browser) -> Option<SessionClaims> {
    let names = CookieNames::new(WireFormat::NextAuthV4, false);
    let token = browser.get(names.session_token())?;
    let codec = TokenCodec::for_session(&names, &Secrets::single(SECRET).unwrap());
    Some(
        codec
            .decode(token, common::TestClock::at(NOW).now_date())
            .unwrap(),
    )
}

trait NowDate {
    fn now_date(&self) -> auth_core::session_cookie::time::OffsetDateTime;
}

impl NowDate for TestClock {
    fn now_date(&self) -> auth_core::session_cookie::time::OffsetDateTime {
        use auth_core::session_cookie::Clock;
        self.now()
    }
}

fn token_response(idp: &Idp, id_token: String, expires_in: i64) -> Value {
    json!({
        "access_token": sign(&KEY_A, "a", &idp.access_claims(NOW)),
        "id_token": id_token,
        "refresh_token": "refresh-token-1",
        "expires_in": expires_in,
        "token_type": "Bearer",
    })
}

/// Sign in, with the IdP's token endpoint answering `id_token(idp, nonce)`.
async fn sign_in_with(
    idp: &Idp,
    auth: &AuthHandler,
    id_token: impl FnOnce(&Idp, &str) -> String,
) -> (Browser, http::Response<bytes::Bytes>) {
    let mut browser = Browser::default();
    let params = browser.start_sign_in(auth).await;
    let nonce = param(&params, "nonce").expect("nonce sent");
    let challenge = param(&params, "code_challenge").expect("PKCE challenge sent");
    idp.mount_token(
        Some(challenge),
        token_response(idp, id_token(idp, &nonce), 3600),
    )
    .await;
    let response = browser.finish_sign_in(auth, &params, "code-1").await;
    (browser, response)
}

async fn setup() -> (Idp, TestClock, Cognito, AuthHandler) {
    let idp = Idp::start().await;
    idp.mount_jwks(&[(&KEY_A, "a")]).await;
    let clock = TestClock::at(NOW);
    let cognito = cognito(&idp, &clock, |b| b);
    let auth = handler(&cognito, &clock);
    (idp, clock, cognito, auth)
}

#[tokio::test]
async fn happy_path_with_every_check() {
    let (idp, _clock, _cognito, auth) = setup().await;
    let mut browser = Browser::default();
    let params = browser.start_sign_in(&auth).await;
    let names: Vec<&str> = params.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "client_id",
            "scope",
            "response_type",
            "redirect_uri",
            "state",
            "code_challenge",
            "code_challenge_method",
            "nonce"
        ]
    );
    assert_eq!(param(&params, "scope").as_deref(), Some("openid"));
    assert_eq!(
        param(&params, "code_challenge_method").as_deref(),
        Some("S256")
    );
    assert_eq!(
        param(&params, "redirect_uri").as_deref(),
        Some("http://localhost:3000/api/auth/callback/cognito")
    );

    let nonce = param(&params, "nonce").unwrap();
    let challenge = param(&params, "code_challenge").unwrap();
    idp.mount_token(
        Some(challenge),
        token_response(
            &idp,
            sign(&KEY_A, "a", &idp.id_claims(NOW, Some(&nonce))),
            3600,
        ),
    )
    .await;
    let response = browser.finish_sign_in(&auth, &params, "code-1").await;
    assert_eq!(location(&response), "http://localhost:3000/dashboard");

    let claims = session_claims(&browser).expect("a session");
    assert_eq!(
        claims.get_str("sub"),
        Some("7a1e4f0c-0000-4000-8000-00000000c0c0")
    );
    assert_eq!(
        claims.get_str("email"),
        Some("jane.doe@example.com"),
        "lower-cased as next-auth does"
    );
    assert_eq!(claims.get_str("name"), Some("Jane Doe"));
    assert_eq!(claims.get_str("picture"), Some("https://example.com/p.png"));
    assert_eq!(
        claims.get("groups"),
        Some(&json!(["admins", "users"])),
        "cognito:groups reached the jwt callback"
    );
    assert!(
        claims.get("access_token").is_none(),
        "tokens are kept only with refresh on"
    );

    // The token request carried the code, the redirect URI and the PKCE verifier.
    let requests = idp.server.received_requests().await.unwrap();
    let token_request = requests
        .iter()
        .find(|r| r.url.path() == "/oauth2/token")
        .unwrap();
    let body = String::from_utf8(token_request.body.clone()).unwrap();
    assert!(
        body.contains("grant_type=authorization_code")
            && body.contains("code=code-1")
            && body.contains("code_verifier=")
    );
}

/// One id_token defect per row; each must fail the sign-in.
#[tokio::test]
async fn every_id_token_check_fails_closed() {
    let client_secret_key = CLIENT_SECRET.as_bytes().to_vec();
    type MakeToken = Box<dyn Fn(&Idp, &str) -> String>;
    let rows: Vec<(&str, MakeToken)> = vec![
        (
            "signed by another key",
            Box::new(|idp, n| sign(&KEY_B, "a", &idp.id_claims(NOW, Some(n)))),
        ),
        (
            "alg none",
            Box::new(|idp, n| unsigned("a", &idp.id_claims(NOW, Some(n)))),
        ),
        ("HS256 with the client secret", {
            let secret = client_secret_key.clone();
            Box::new(move |idp, n| sign_hs256("a", &idp.id_claims(NOW, Some(n)), &secret))
        }),
        (
            "HS256 with the public modulus",
            Box::new(|idp, n| {
                let modulus = jwk(&KEY_A, "a")["n"].as_str().unwrap().to_owned();
                sign_hs256("a", &idp.id_claims(NOW, Some(n)), modulus.as_bytes())
            }),
        ),
        (
            "wrong issuer",
            Box::new(|idp, n| {
                let mut c = idp.id_claims(NOW, Some(n));
                c["iss"] = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other".into();
                sign(&KEY_A, "a", &c)
            }),
        ),
        (
            "wrong audience",
            Box::new(|idp, n| {
                let mut c = idp.id_claims(NOW, Some(n));
                c["aud"] = "another-client".into();
                sign(&KEY_A, "a", &c)
            }),
        ),
        (
            "several audiences, azp another client",
            Box::new(|idp, n| {
                let mut c = idp.id_claims(NOW, Some(n));
                c["aud"] = json!([CLIENT_ID, "another-client"]);
                c["azp"] = "another-client".into();
                sign(&KEY_A, "a", &c)
            }),
        ),
        (
            "an access token instead (token_use)",
            Box::new(|idp, n| {
                let mut c = idp.id_claims(NOW, Some(n));
                c["token_use"] = "access".into();
                sign(&KEY_A, "a", &c)
            }),
        ),
        (
            "no token_use",
            Box::new(|idp, n| {
                let mut c = idp.id_claims(NOW, Some(n));
                c.as_object_mut().unwrap().remove("token_use");
                sign(&KEY_A, "a", &c)
            }),
        ),
        (
            "expired beyond the leeway",
            Box::new(|idp, n| {
                let mut c = idp.id_claims(NOW - 7200, Some(n));
                c["exp"] = (NOW - 31).into();
                sign(&KEY_A, "a", &c)
            }),
        ),
        (
            // openid-client (next-auth's) requires iat in an id token; it does not compare it
            // with the clock.
            "no iat",
            Box::new(|idp, n| {
                let mut c = idp.id_claims(NOW, Some(n));
                c.as_object_mut().unwrap().remove("iat");
                sign(&KEY_A, "a", &c)
            }),
        ),
        (
            "not valid yet beyond the leeway",
            Box::new(|idp, n| {
                let mut c = idp.id_claims(NOW, Some(n));
                c["nbf"] = (NOW + 31).into();
                sign(&KEY_A, "a", &c)
            }),
        ),
        (
            "nonce of another sign-in",
            Box::new(|idp, _| sign(&KEY_A, "a", &idp.id_claims(NOW, Some("another-nonce")))),
        ),
        (
            "no nonce",
            Box::new(|idp, _| sign(&KEY_A, "a", &idp.id_claims(NOW, None))),
        ),
        (
            "unknown key id",
            Box::new(|idp, n| sign(&KEY_A, "unknown", &idp.id_claims(NOW, Some(n)))),
        ),
        ("not a JWT", Box::new(|_, _| "not-a-jwt".to_owned())),
    ];
    for (label, make) in rows {
        let (idp, _clock, _cognito, auth) = setup().await;
        let (browser, response) = sign_in_with(&idp, &auth, |idp, nonce| make(idp, nonce)).await;
        assert_eq!(location(&response), FAILED, "{label}");
        assert!(session_claims(&browser).is_none(), "{label}: no session");
    }

    // Control: within the leeway it passes, so the rows above fail for their own reason.
    let (idp, _clock, _cognito, auth) = setup().await;
    let (browser, response) = sign_in_with(&idp, &auth, |idp, n| {
        let mut c = idp.id_claims(NOW - 7200, Some(n));
        c["exp"] = (NOW - 10).into();
        c["nbf"] = (NOW + 30).into();
        // An IdP clock a little ahead: openid-client signs such a user in, and so does this.
        c["iat"] = (NOW + 120).into();
        sign(&KEY_A, "a", &c)
    })
    .await;
    assert_eq!(location(&response), "http://localhost:3000/dashboard");
    assert!(session_claims(&browser).is_some());
}

#[tokio::test]
async fn state_pkce_and_check_cookies_fail_closed() {
    // A callback whose state differs from the state cookie never reaches the token endpoint.
    let (idp, _clock, _cognito, auth) = setup().await;
    let mut browser = Browser::default();
    let mut params = browser.start_sign_in(&auth).await;
    for (k, v) in params.iter_mut() {
        if k == "state" {
            *v = "forged-state".into();
        }
    }
    let response = browser.finish_sign_in(&auth, &params, "code-1").await;
    assert_eq!(location(&response), FAILED, "state mismatch");
    assert_eq!(idp.requests_to("/oauth2/token").await, 0);

    // A PKCE cookie from another sign-in: the IdP sees a verifier that does not match the
    // challenge it was given, and refuses the code.
    let (idp, _clock, _cognito, auth) = setup().await;
    let mut browser = Browser::default();
    let params = browser.start_sign_in(&auth).await;
    let mut other = Browser::default();
    other.start_sign_in(&auth).await;
    let foreign_pkce = other
        .get("next-auth.pkce.code_verifier")
        .unwrap()
        .to_owned();
    browser.set("next-auth.pkce.code_verifier", &foreign_pkce);
    let nonce = param(&params, "nonce").unwrap();
    idp.mount_token(
        param(&params, "code_challenge"),
        token_response(
            &idp,
            sign(&KEY_A, "a", &idp.id_claims(NOW, Some(&nonce))),
            3600,
        ),
    )
    .await;
    let response = browser.finish_sign_in(&auth, &params, "code-1").await;
    assert_eq!(location(&response), FAILED, "PKCE verifier mismatch");
    assert!(session_claims(&browser).is_none());

    // The nonce cookie of another sign-in: the id_token's nonce no longer matches.
    let (idp, _clock, _cognito, auth) = setup().await;
    let mut browser = Browser::default();
    let params = browser.start_sign_in(&auth).await;
    let mut other = Browser::default();
    other.start_sign_in(&auth).await;
    browser.set("next-auth.nonce", other.get("next-auth.nonce").unwrap());
    let nonce = param(&params, "nonce").unwrap();
    idp.mount_token(
        param(&params, "code_challenge"),
        token_response(
            &idp,
            sign(&KEY_A, "a", &idp.id_claims(NOW, Some(&nonce))),
            3600,
        ),
    )
    .await;
    let response = browser.finish_sign_in(&auth, &params, "code-1").await;
    assert_eq!(
        location(&response),
        FAILED,
        "nonce cookie of another sign-in"
    );

    // Expired check cookies (16 minutes later).
    let (idp, clock, _cognito, auth) = setup().await;
    let mut browser = Browser::default();
    let params = browser.start_sign_in(&auth).await;
    clock.advance(16 * 60);
    let response = browser.finish_sign_in(&auth, &params, "code-1").await;
    assert_eq!(location(&response), FAILED, "expired checks");
    assert_eq!(idp.requests_to("/oauth2/token").await, 0);
}

#[tokio::test]
async fn jwks_rotation_refetches_once_per_interval() {
    let idp = Idp::start().await;
    // Discovery sees only key A; the pool then rotates to key B.
    Mock::given(method("GET"))
        .and(path(format!("/{POOL}/.well-known/jwks.json")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({ "keys": [jwk(&KEY_A, "a")] })),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&idp.server)
        .await;
    idp.mount_jwks(&[(&KEY_A, "a"), (&KEY_B, "b")]).await;
    let clock = TestClock::at(NOW);
    let cognito = cognito(&idp, &clock, |b| b);
    let auth = handler(&cognito, &clock);
    let jwks_path = format!("/{POOL}/.well-known/jwks.json");

    let (browser, response) = sign_in_with(&idp, &auth, |idp, n| {
        sign(&KEY_B, "b", &idp.id_claims(NOW, Some(n)))
    })
    .await;
    assert_eq!(
        location(&response),
        "http://localhost:3000/dashboard",
        "the new key was fetched"
    );
    assert!(session_claims(&browser).is_some());
    assert_eq!(
        idp.requests_to(&jwks_path).await,
        2,
        "discovery, then one refetch"
    );

    // Another unknown key id right away: no second refetch within the interval.
    let (browser, response) = sign_in_with(&idp, &auth, |idp, n| {
        sign(&KEY_B, "c", &idp.id_claims(NOW, Some(n)))
    })
    .await;
    assert_eq!(location(&response), FAILED);
    assert!(session_claims(&browser).is_none());
    assert_eq!(idp.requests_to(&jwks_path).await, 2, "rate-limited");
}

#[tokio::test]
async fn idp_failures_end_in_errors_within_bounded_time() {
    // Token endpoint answers 500.
    let (idp, _clock, _cognito, auth) = setup().await;
    let mut browser = Browser::default();
    let params = browser.start_sign_in(&auth).await;
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&idp.server)
        .await;
    let response = browser.finish_sign_in(&auth, &params, "code-1").await;
    assert_eq!(location(&response), FAILED, "token endpoint 500");

    // Token endpoint hangs: the 1 s request timeout bounds the callback.
    let (idp, _clock, _cognito, auth) = setup().await;
    let mut browser = Browser::default();
    let params = browser.start_sign_in(&auth).await;
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(30)))
        .mount(&idp.server)
        .await;
    let started = Instant::now();
    let response = browser.finish_sign_in(&auth, &params, "code-1").await;
    assert_eq!(location(&response), FAILED, "token endpoint timeout");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "bounded: {:?}",
        started.elapsed()
    );

    // Discovery answers 500, then hangs: sign-in cannot start, quickly.
    for slow in [false, true] {
        let server = wiremock::MockServer::start().await;
        let template = if slow {
            ResponseTemplate::new(200).set_delay(Duration::from_secs(30))
        } else {
            ResponseTemplate::new(500)
        };
        Mock::given(method("GET"))
            .respond_with(template)
            .mount(&server)
            .await;
        let clock = TestClock::at(NOW);
        let cognito = Cognito::builder(format!("{}/{POOL}", server.uri()), CLIENT_ID)
            .client_secret(CLIENT_SECRET)
            .timeouts(Timeouts {
                connect: Duration::from_millis(500),
                request: Duration::from_secs(1),
            })
            .build()
            .unwrap();
        let auth = handler(&cognito, &clock);
        let started = Instant::now();
        let mut browser = Browser::default();
        let csrf = browser
            .get_url(&auth, &format!("{APP}/api/auth/csrf"))
            .await;
        let token: Value = serde_json::from_slice(csrf.body()).unwrap();
        let response = browser
            .post_form(
                &auth,
                &format!("{APP}/api/auth/signin/cognito"),
                &[
                    ("csrfToken", token["csrfToken"].as_str().unwrap()),
                    ("json", "true"),
                ],
            )
            .await;
        let body: Value = serde_json::from_slice(response.body()).unwrap();
        assert_eq!(
            body["url"], "http://localhost:3000/api/auth/error?error=OAuthSignin",
            "slow={slow}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "bounded: {:?}",
            started.elapsed()
        );
    }
}

#[tokio::test]
async fn insecure_issuers_and_endpoints_are_refused() {
    for issuer in [
        "http://cognito-idp.us-east-1.amazonaws.com/us-east-1_X",
        "http://10.1.2.3/pool",
        "ftp://127.0.0.1/pool",
    ] {
        assert!(
            Cognito::builder(issuer, CLIENT_ID).build().is_err(),
            "{issuer}"
        );
    }
    // A loopback discovery document that points the token endpoint off loopback over http.
    let idp = Idp::start().await;
    let mut doc = idp.discovery();
    doc["token_endpoint"] = "http://idp.example.com/oauth2/token".into();
    let server = &idp.server;
    Mock::given(method("GET"))
        .and(path(format!("/{POOL}/.well-known/openid-configuration")))
        .respond_with(ResponseTemplate::new(200).set_body_json(doc))
        .with_priority(1)
        .mount(server)
        .await;
    idp.mount_jwks(&[(&KEY_A, "a")]).await;
    let clock = TestClock::at(NOW);
    let auth = handler(&cognito(&idp, &clock, |b| b), &clock);
    let mut browser = Browser::default();
    let csrf = browser
        .get_url(&auth, &format!("{APP}/api/auth/csrf"))
        .await;
    let token: Value = serde_json::from_slice(csrf.body()).unwrap();
    let response = browser
        .post_form(
            &auth,
            &format!("{APP}/api/auth/signin/cognito"),
            &[
                ("csrfToken", token["csrfToken"].as_str().unwrap()),
                ("json", "true"),
            ],
        )
        .await;
    let body: Value = serde_json::from_slice(response.body()).unwrap();
    assert_eq!(
        body["url"],
        "http://localhost:3000/api/auth/error?error=OAuthSignin"
    );
}

#[tokio::test]
async fn refresh_keeps_the_session_alive_and_reports_failure() {
    let idp = Idp::start().await;
    idp.mount_jwks(&[(&KEY_A, "a")]).await;
    let clock = TestClock::at(NOW);
    let cognito = cognito(&idp, &clock, |b| b.refresh_tokens(true));
    let auth = handler(&cognito, &clock);
    let mut browser = Browser::default();
    let params = browser.start_sign_in(&auth).await;
    let nonce = param(&params, "nonce").unwrap();
    idp.mount_token(
        param(&params, "code_challenge"),
        token_response(
            &idp,
            sign(&KEY_A, "a", &idp.id_claims(NOW, Some(&nonce))),
            60,
        ),
    )
    .await;
    browser.finish_sign_in(&auth, &params, "code-1").await;
    let claims = session_claims(&browser).unwrap();
    assert_eq!(claims.get_str("refresh_token"), Some("refresh-token-1"));
    assert_eq!(claims.get("expires_at"), Some(&json!(NOW + 60)));

    // Before expiry: no refresh.
    browser
        .get_url(&auth, &format!("{APP}/api/auth/session"))
        .await;
    assert_eq!(idp.requests_to("/oauth2/token").await, 1);

    // After expiry, two concurrent reads share one refresh; Cognito sends no new refresh token.
    clock.advance(120);
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .and(body_string_contains("grant_type=refresh_token"))
        .and(body_string_contains("refresh_token=refresh-token-1"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(200)).set_body_json(json!({
            "access_token": "access-token-2", "id_token": sign(&KEY_A, "a", &idp.id_claims(NOW + 120, None)),
            "expires_in": 3600, "token_type": "Bearer"
        })))
        .mount(&idp.server)
        .await;
    let (mut first, mut second) = (browser.clone(), browser.clone());
    let url = format!("{APP}/api/auth/session");
    let (a, b) = tokio::join!(first.get_url(&auth, &url), second.get_url(&auth, &url));
    assert_eq!((a.status().as_u16(), b.status().as_u16()), (200, 200));
    assert_eq!(
        idp.requests_to("/oauth2/token").await,
        2,
        "one code exchange, one shared refresh"
    );
    let refreshed = {
        let names = CookieNames::new(WireFormat::NextAuthV4, false);
        let codec = TokenCodec::for_session(&names, &Secrets::single(SECRET).unwrap());
        codec
            .decode(first.get(names.session_token()).unwrap(), clock.now_date())
            .unwrap()
    };
    assert_eq!(refreshed.get_str("access_token"), Some("access-token-2"));
    assert_eq!(
        refreshed.get_str("refresh_token"),
        Some("refresh-token-1"),
        "kept: not rotated"
    );
    assert_eq!(refreshed.get("expires_at"), Some(&json!(NOW + 120 + 3600)));
    let body: Value = serde_json::from_slice(a.body()).unwrap();
    assert!(body.get("error").is_none());

    // The refresh token is revoked: the session says so, and stops trying.
    clock.advance(7200);
    idp.server.reset().await;
    idp.mount_discovery().await;
    idp.mount_jwks(&[(&KEY_A, "a")]).await;
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({ "error": "invalid_grant" })))
        .mount(&idp.server)
        .await;
    let response = first.get_url(&auth, &url).await;
    let body: Value = serde_json::from_slice(response.body()).unwrap();
    assert_eq!(body["error"], "RefreshAccessTokenError");
    let names = CookieNames::new(WireFormat::NextAuthV4, false);
    let codec = TokenCodec::for_session(&names, &Secrets::single(SECRET).unwrap());
    let token = codec
        .decode(first.get(names.session_token()).unwrap(), clock.now_date())
        .unwrap();
    assert_eq!(token.get_str("error"), Some("RefreshAccessTokenError"));
    assert!(
        token.get("refresh_token").is_none(),
        "a dead refresh token is dropped"
    );
}

#[tokio::test]
async fn hosted_ui_logout_ends_the_cognito_session_too() {
    let (idp, clock, _c, _a) = setup().await;
    let cognito = cognito(&idp, &clock, CognitoBuilder::hosted_ui_logout);
    let auth = handler(&cognito, &clock);
    let (mut browser, _) = sign_in_with(&idp, &auth, |idp, n| {
        sign(&KEY_A, "a", &idp.id_claims(NOW, Some(n)))
    })
    .await;
    assert!(session_claims(&browser).is_some());
    let csrf = browser
        .get_url(&auth, &format!("{APP}/api/auth/csrf"))
        .await;
    let token: Value = serde_json::from_slice(csrf.body()).unwrap();
    let response = browser
        .post_form(
            &auth,
            &format!("{APP}/api/auth/signout"),
            &[
                ("csrfToken", token["csrfToken"].as_str().unwrap()),
                ("callbackUrl", "/bye"),
            ],
        )
        .await;
    // Cognito accepts only a registered logout_uri, compared exactly: it is one fixed URL,
    // whatever the callback URL (next-auth/react sends the page's own location).
    assert_eq!(
        location(&response),
        format!(
            "{}/logout?client_id={CLIENT_ID}&logout_uri=http%3A%2F%2Flocalhost%3A3000%2Fapi%2Fauth%2Fsignout%2Fcognito",
            idp.server.uri()
        )
    );
    assert!(
        session_claims(&browser).is_none(),
        "the app's session is gone"
    );
    // Back from Cognito, the handler sends the browser on to the callback URL.
    let back = browser
        .get_url(&auth, &format!("{APP}/api/auth/signout/cognito"))
        .await;
    assert_eq!(back.status(), 302);
    assert_eq!(location(&back), format!("{APP}/bye"));
    assert!(session_claims(&browser).is_none());
    // A forged callback-url cookie cannot send it elsewhere.
    let forged = auth
        .handle(
            http::Request::get(format!("{APP}/api/auth/signout/cognito"))
                .header(
                    "cookie",
                    "next-auth.callback-url=https%3A%2F%2Fevil.example%2F",
                )
                .body(bytes::Bytes::new())
                .unwrap(),
        )
        .await;
    assert_eq!(location(&forged), APP);
    let unknown = auth
        .handle(
            http::Request::get(format!("{APP}/api/auth/signout/other"))
                .body(bytes::Bytes::new())
                .unwrap(),
        )
        .await;
    assert_eq!(unknown.status(), 404);

    // Without the option, sign-out ends at the callback URL.
    let (idp, _clock, _cognito, auth) = setup().await;
    let (mut browser, _) = sign_in_with(&idp, &auth, |idp, n| {
        sign(&KEY_A, "a", &idp.id_claims(NOW, Some(n)))
    })
    .await;
    let csrf = browser
        .get_url(&auth, &format!("{APP}/api/auth/csrf"))
        .await;
    let token: Value = serde_json::from_slice(csrf.body()).unwrap();
    let response = browser
        .post_form(
            &auth,
            &format!("{APP}/api/auth/signout"),
            &[
                ("csrfToken", token["csrfToken"].as_str().unwrap()),
                ("callbackUrl", "/bye"),
            ],
        )
        .await;
    assert_eq!(location(&response), "http://localhost:3000/bye");
}
