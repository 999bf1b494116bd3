//! The function's handler on API Gateway events in AWS's documented shapes (HTTP API payload
//! 2.0, REST API 1.0), deserialized and answered by lambda_http itself — no AWS account needed.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

use lambda_http::request::LambdaRequest;
use lambda_http::{Context, LambdaEvent, Service};
use serde_json::{Value, json};
use session_cookie::{
    Clock, CookieNames, OsRandom, Secrets, SessionClaims, SystemClock, TokenCodec, WireFormat,
};

const SECRET: &str = "lambda-test-secret";
const PUBLIC_URL: &str = "https://d111111abcdef8.cloudfront.net";

fn env(name: &str) -> Option<String> {
    match name {
        "NEXTAUTH_URL" => Some(PUBLIC_URL.into()),
        "NEXTAUTH_SECRET" => Some(SECRET.into()),
        "COGNITO_ISSUER" => {
            Some("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example".into())
        }
        "COGNITO_CLIENT_ID" => Some("1example23456789".into()),
        _ => None,
    }
}

fn event(file: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/events")
        .join(file);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn v2(method: &str, path: &str, cookies: &[&str]) -> Value {
    let mut e = event("http-api-v2.json");
    e["rawPath"] = path.into();
    e["requestContext"]["http"]["path"] = path.into();
    e["requestContext"]["http"]["method"] = method.into();
    e["cookies"] = json!(cookies);
    e
}

async fn invoke(event: Value) -> Value {
    let app = lambda::app_from_env(&env).unwrap();
    let mut adapter = lambda_http::Adapter::from(lambda::service(app));
    let request: LambdaRequest = serde_json::from_value(event).unwrap();
    let response = adapter
        .call(LambdaEvent::new(request, Context::default()))
        .await
        .unwrap();
    serde_json::to_value(response).unwrap()
}

fn body(response: &Value) -> Value {
    serde_json::from_str(response["body"].as_str().unwrap()).unwrap()
}

fn session_cookie() -> String {
    let mut claims = SessionClaims::new();
    claims.insert("name", "Jane");
    session_cookie_with(claims)
}

/// The https session cookie of `sub: user-1`, `email: jane@example.com` and `claims`.
fn session_cookie_with(mut claims: SessionClaims) -> String {
    let names = CookieNames::new(WireFormat::NextAuthV4, true);
    let codec = TokenCodec::for_session(&names, &Secrets::single(SECRET).unwrap());
    claims.insert("sub", "user-1");
    claims.insert("email", "jane@example.com");
    format!(
        "{}={}",
        names.session_token(),
        codec
            .encode(&mut claims, SystemClock.now(), &OsRandom)
            .unwrap()
    )
}

#[tokio::test]
async fn first_contact_sets_cookies_in_the_cookies_array() {
    let response = invoke(v2("GET", "/api/auth/session", &[])).await;
    assert_eq!(response["statusCode"], 200);
    assert_eq!(body(&response), json!({}));
    let cookies: Vec<&str> = response["cookies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(cookies.len(), 2, "{response}");
    assert!(cookies[0].starts_with("__Host-next-auth.csrf-token="));
    assert!(cookies[1].starts_with(
        "__Secure-next-auth.callback-url=https%3A%2F%2Fd111111abcdef8.cloudfront.net;"
    ));
    assert_eq!(
        response["headers"]["cache-control"],
        "private, no-cache, no-store"
    );
}

#[tokio::test]
async fn providers_use_the_public_url() {
    let response = invoke(v2("GET", "/api/auth/providers", &[])).await;
    assert_eq!(response["statusCode"], 200);
    assert_eq!(
        body(&response)["cognito"]["callbackUrl"],
        format!("{PUBLIC_URL}/api/auth/callback/cognito")
    );
}

#[tokio::test]
async fn session_and_me_from_the_cookies_array() {
    let cookie = session_cookie();
    let response = invoke(v2("GET", "/api/auth/session", &[&cookie, "other=1"])).await;
    assert_eq!(response["statusCode"], 200);
    assert_eq!(body(&response)["user"]["email"], "jane@example.com");
    let cookies = response["cookies"].as_array().unwrap();
    assert!(
        cookies.iter().any(|c| c
            .as_str()
            .unwrap()
            .starts_with("__Secure-next-auth.session-token=eyJ")),
        "re-issued: {response}"
    );

    let me = invoke(v2("GET", "/api/me", &[&cookie])).await;
    assert_eq!(me["statusCode"], 200);
    assert_eq!(body(&me)["sub"], "user-1");
    let anonymous = invoke(v2("GET", "/api/me", &[])).await;
    assert_eq!(anonymous["statusCode"], 401);
    assert_eq!(body(&anonymous)["error"], "unauthorized");
}

#[tokio::test]
async fn rest_api_stage_does_not_break_routing() {
    let mut e = event("rest-api-v1.json");
    let response = invoke(e.clone()).await;
    assert_eq!(
        response["statusCode"], 401,
        "/prod/api/me routes to /api/me: {response}"
    );
    e["headers"]["Cookie"] = session_cookie().into();
    e["multiValueHeaders"]["Cookie"] = json!([session_cookie()]);
    let response = invoke(e).await;
    assert_eq!(response["statusCode"], 200, "{response}");
}

/// The group-protected route of the same router, on Lambda: 401 without a session, 403 for a
/// session outside `admins`, 200 with the typed view of the claims inside.
#[tokio::test]
async fn the_admin_route_answers_401_403_200_on_lambda() {
    let with_groups = |groups: Value| {
        let mut claims = SessionClaims::new();
        claims.insert("groups", groups);
        session_cookie_with(claims)
    };
    let none = invoke(v2("GET", "/api/admin", &[])).await;
    assert_eq!(none["statusCode"], 401);
    let user = with_groups(json!(["users"]));
    let outsider = invoke(v2("GET", "/api/admin", &[&user])).await;
    assert_eq!(outsider["statusCode"], 403);
    let admin = with_groups(json!(["users", "admins"]));
    let inside = invoke(v2("GET", "/api/admin", &[&admin])).await;
    assert_eq!(inside["statusCode"], 200);
    assert_eq!(
        body(&inside),
        json!({"sub": "user-1", "email": "jane@example.com", "groups": ["users", "admins"]})
    );
    assert_eq!(
        inside["headers"]["cache-control"], "private, no-cache, no-store",
        "built from a session: never cached"
    );
}

/// The Bearer API of the same router, on Lambda: RFC 6750 answers without a network (a
/// malformed token is refused before any key is fetched).
#[tokio::test]
async fn the_bearer_api_answers_as_rfc_6750_says_on_lambda() {
    let none = invoke(v2("GET", "/api/reports", &[])).await;
    assert_eq!(none["statusCode"], 401);
    assert_eq!(none["headers"]["www-authenticate"], "Bearer");
    let mut garbage = v2("GET", "/api/reports", &[]);
    garbage["headers"]["authorization"] = "Bearer not.a.jwt".into();
    let refused = invoke(garbage).await;
    assert_eq!(refused["statusCode"], 401);
    assert_eq!(
        refused["headers"]["www-authenticate"],
        r#"Bearer error="invalid_token""#
    );
}
