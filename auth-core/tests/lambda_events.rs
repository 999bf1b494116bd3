//! Lambda events in the shapes AWS documents for API Gateway REST APIs (payload 1.0), HTTP APIs
//! (payload 2.0) and Function URLs, deserialized and answered by lambda_http itself: cookies come
//! in through the v2 `cookies` array or the v1 `Cookie` header, and several `Set-Cookie` headers
//! go out in the v2 `cookies` array or the v1 `multiValueHeaders`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

mod common;

use auth_core::session_cookie::{CookieNames, CsrfProtection, OsRandom, Secrets, WireFormat};
use auth_core::testing::StaticProvider;
use auth_core::{AuthConfig, AuthHandler};
use common::lambda_round_trip;
use serde_json::{Value, json};

fn handler() -> AuthHandler {
    AuthHandler::new(
        AuthConfig::builder(
            WireFormat::NextAuthV4,
            Secrets::single("lambda-secret").unwrap(),
        )
        .public_url("https://d111111abcdef8.cloudfront.net")
        .unwrap()
        .provider(StaticProvider::cognito_like())
        .build()
        .unwrap(),
    )
}

fn csrf_cookie() -> (String, String) {
    let names = CookieNames::new(WireFormat::NextAuthV4, true);
    let csrf = CsrfProtection::new(&names, &Secrets::single("lambda-secret").unwrap());
    let (token, cookie) = csrf.issue(&OsRandom).unwrap();
    (
        token.expose_secret().to_owned(),
        format!("{}={}", cookie.name(), cookie.value().replace('|', "%7C")),
    )
}

fn http_api_v2_event(method: &str, path: &str, query: &str, cookies: &[&str]) -> Value {
    json!({
        "version": "2.0",
        "routeKey": "ANY /api/{proxy+}",
        "rawPath": path,
        "rawQueryString": query,
        "cookies": cookies,
        "headers": {
            "accept": "application/json",
            "accept-language": "en-US",
            "content-length": "0",
            "host": "abcdef123.execute-api.us-east-1.amazonaws.com",
            "x-amzn-trace-id": "Root=1-5e66d96f-7491f09xmpl79d18acf3d050",
            "x-forwarded-for": "192.0.2.1",
            "x-forwarded-host": "d111111abcdef8.cloudfront.net",
            "x-forwarded-port": "443",
            "x-forwarded-proto": "https"
        },
        "queryStringParameters": if query.is_empty() { Value::Null } else { json!({}) },
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abcdef123",
            "domainName": "abcdef123.execute-api.us-east-1.amazonaws.com",
            "domainPrefix": "abcdef123",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "192.0.2.1",
                "userAgent": "Mozilla/5.0"
            },
            "requestId": "JKJaXmPLvHcESHA=",
            "routeKey": "ANY /api/{proxy+}",
            "stage": "$default",
            "time": "10/Mar/2020:00:03:59 +0000",
            "timeEpoch": 1_583_798_639_428u64
        },
        "pathParameters": { "proxy": path.trim_start_matches("/api/") },
        "isBase64Encoded": false
    })
}

#[tokio::test]
async fn http_api_v2_cookies_in_and_out() {
    let auth = handler();
    // First contact: two cookies go out, in the `cookies` array.
    let response = lambda_round_trip(
        &auth,
        http_api_v2_event("GET", "/api/auth/session", "", &[]),
    )
    .await;
    assert_eq!(response["statusCode"], 200);
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
    assert!(response["headers"].get("set-cookie").is_none());
    assert_eq!(
        response["headers"]["cache-control"],
        "private, no-cache, no-store"
    );
    assert_eq!(response["body"], "{}");

    // The request's `cookies` array is read as the Cookie header: the CSRF cookie is reused.
    let (token, csrf) = csrf_cookie();
    let callback = "__Secure-next-auth.callback-url=https%3A%2F%2Fd111111abcdef8.cloudfront.net";
    let response = lambda_round_trip(
        &auth,
        http_api_v2_event("GET", "/api/auth/csrf", "", &[&csrf, callback, "other=1"]),
    )
    .await;
    assert_eq!(response["statusCode"], 200);
    let body: Value = serde_json::from_str(response["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["csrfToken"], token.as_str());
    assert!(
        response["cookies"].as_array().is_none_or(Vec::is_empty),
        "{response}"
    );
}

#[tokio::test]
async fn function_url_event() {
    let auth = handler();
    let mut event = http_api_v2_event("GET", "/api/auth/providers", "", &[]);
    // Function URLs send the 2.0 format with `$default` route key and a lambda-url domain.
    event["routeKey"] = "$default".into();
    event["requestContext"]["routeKey"] = "$default".into();
    event["requestContext"]["domainName"] = "abcdefg.lambda-url.us-east-1.on.aws".into();
    event["requestContext"]["domainPrefix"] = "abcdefg".into();
    event["headers"]["host"] = "abcdefg.lambda-url.us-east-1.on.aws".into();
    let response = lambda_round_trip(&auth, event).await;
    assert_eq!(response["statusCode"], 200);
    let body: Value = serde_json::from_str(response["body"].as_str().unwrap()).unwrap();
    assert_eq!(
        body["cognito"]["signinUrl"],
        "https://d111111abcdef8.cloudfront.net/api/auth/signin/cognito"
    );
}

#[tokio::test]
async fn rest_api_v1_multi_value_set_cookie() {
    let auth = handler();
    let (token, csrf) = csrf_cookie();
    let body = format!("csrfToken={token}&callbackUrl=%2Fdashboard&json=true");
    let event = json!({
        "resource": "/api/{proxy+}",
        "path": "/api/auth/signin/cognito",
        "httpMethod": "POST",
        "headers": {
            "Accept": "*/*",
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": csrf,
            "Host": "abcdef123.execute-api.us-east-1.amazonaws.com",
            "X-Forwarded-Proto": "https"
        },
        "multiValueHeaders": {
            "Accept": ["*/*"],
            "Content-Type": ["application/x-www-form-urlencoded"],
            "Cookie": [csrf],
            "Host": ["abcdef123.execute-api.us-east-1.amazonaws.com"],
            "X-Forwarded-Proto": ["https"]
        },
        "queryStringParameters": null,
        "multiValueQueryStringParameters": null,
        "pathParameters": { "proxy": "auth/signin/cognito" },
        "stageVariables": null,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abcdef123",
            "httpMethod": "POST",
            "identity": { "sourceIp": "192.0.2.1", "userAgent": "Mozilla/5.0" },
            "path": "/prod/api/auth/signin/cognito",
            "protocol": "HTTP/1.1",
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "requestTimeEpoch": 1_428_582_896_000u64,
            "resourceId": "123456",
            "resourcePath": "/api/{proxy+}",
            "stage": "prod"
        },
        "body": body,
        "isBase64Encoded": false
    });
    let response = lambda_round_trip(&auth, event).await;
    assert_eq!(response["statusCode"], 200, "{response}");
    // Two cookies (callback-url, state) in multiValueHeaders, as REST APIs need.
    let set_cookie = response["multiValueHeaders"]["set-cookie"]
        .as_array()
        .unwrap();
    assert_eq!(set_cookie.len(), 2, "{response}");
    assert!(set_cookie[0].as_str().unwrap().starts_with(
        "__Secure-next-auth.callback-url=https%3A%2F%2Fd111111abcdef8.cloudfront.net%2Fdashboard;"
    ));
    assert!(
        set_cookie[1]
            .as_str()
            .unwrap()
            .starts_with("__Secure-next-auth.state=eyJ")
    );
    let body: Value = serde_json::from_str(response["body"].as_str().unwrap()).unwrap();
    assert!(
        body["url"]
            .as_str()
            .unwrap()
            .contains("/oauth2/authorize?client_id=")
    );
}
