//! Origin-request for S3 (static-export rewrite) and for API Gateway (header hygiene), and the
//! response triggers, on the event fixtures.

mod common;

use common::*;
use edge_adapter::{Decision, EdgeConfig, handle_event_json};
use serde_json::{Value, json};
use session_cookie::WireFormat;

fn export_config() -> EdgeConfig {
    config(
        r#""public_origin":"https://www.example.com","protected_paths":["/account/**"],
           "user_id_header":"x-auth-user-id",
           "static_export":{"trailing_slash":true,"routes":[
               {"route":"/posts/[id]"},
               {"route":"/posts/featured"},
               {"route":"/docs/[...slug]","file":"/docs/[...slug]/index.html"}]}"#,
    )
}

fn s3_request(uri: &str, query: &str) -> edge_adapter::CloudFrontEvent {
    let mut event = fixture("origin-request-s3.json");
    event.records[0].cf.request.uri = uri.to_owned();
    event.records[0].cf.request.querystring = query.to_owned();
    event
}

#[test]
fn s3_rewrite_table() {
    let c = export_config();
    let table = [
        ("/", "/index.html"),
        ("/about", "/about/index.html"),
        ("/about/", "/about/index.html"),
        ("/posts/42", "/posts/%5Bid%5D/index.html"),
        ("/posts/featured", "/posts/featured/index.html"),
        ("/docs/a/b/c", "/docs/%5B...slug%5D/index.html"),
        ("/docs", "/docs/index.html"),
        ("/about/index.html", "/about/index.html"),
        (
            "/_next/static/chunks/main-abc123.js",
            "/_next/static/chunks/main-abc123.js",
        ),
        ("/images/logo.svg", "/images/logo.svg"),
    ];
    for (from, to) in table {
        let handled = run(&c, s3_request(from, "page=2&sort=new"), VECTOR_NOW);
        let request = expect_request(&handled);
        assert_eq!(request.uri, to, "{from}");
        assert_eq!(
            request.querystring, "page=2&sort=new",
            "{from}: query string kept"
        );
        assert!(
            !request.headers.contains("cookie"),
            "{from}: no cookies to S3"
        );
        assert_eq!(
            handled.decision,
            Decision::StaticRewrite {
                rewritten: from != to
            }
        );
    }
}

#[test]
fn s3_request_is_otherwise_unchanged() {
    let text = fixture_text("origin-request-s3.json");
    let (json, decision) = handle_event_json(&export_config(), &text, VECTOR_NOW).unwrap();
    assert_eq!(decision, Decision::StaticRewrite { rewritten: true });
    let mut expected: Value =
        serde_json::from_str::<Value>(&text).unwrap()["Records"][0]["cf"]["request"].clone();
    expected["uri"] = json!("/posts/%5Bid%5D/index.html");
    expected["headers"]
        .as_object_mut()
        .unwrap()
        .remove("cookie");
    assert_eq!(serde_json::from_str::<Value>(&json).unwrap(), expected);
}

#[test]
fn no_trailing_slash_export() {
    let c = config(
        r#""protected_paths":[],"static_export":{"trailing_slash":false,
           "routes":[{"route":"/posts/[id]"}]}"#,
    );
    for (from, to) in [
        ("/", "/index.html"),
        ("/about", "/about.html"),
        ("/about/", "/about.html"),
        ("/posts/7", "/posts/%5Bid%5D.html"),
    ] {
        let handled = run(&c, s3_request(from, ""), VECTOR_NOW);
        assert_eq!(expect_request(&handled).uri, to, "{from}");
    }
}

#[test]
fn api_origin_headers() {
    let text = fixture_text("origin-request-custom.json");
    let (json, decision) = handle_event_json(&export_config(), &text, VECTOR_NOW).unwrap();
    assert_eq!(decision, Decision::ApiOrigin { user_header: false });
    let original: Value = serde_json::from_str(&text).unwrap();
    let request: Value = serde_json::from_str(&json).unwrap();
    let headers = request["headers"].as_object().unwrap();
    let names: Vec<&str> = headers.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "host",
            "x-forwarded-for",
            "user-agent",
            "via",
            "accept-encoding",
            "content-type",
            "content-length",
            "cookie",
            "x-forwarded-host",
            "cloudfront-forwarded-proto"
        ],
        "allow-listed and read-only headers only; the spoofed user id is gone"
    );
    assert_eq!(
        request["headers"]["host"],
        json!([{"key": "Host", "value": "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com"}]),
        "API Gateway is asked for by its own name, not the viewer's"
    );
    assert_eq!(
        request["headers"]["x-forwarded-host"],
        json!([{"key": "X-Forwarded-Host", "value": "www.example.com"}])
    );
    assert_eq!(
        request["headers"]["cloudfront-forwarded-proto"],
        json!([{"key": "Cloudfront-Forwarded-Proto", "value": "https"}])
    );
    let original_request = &original["Records"][0]["cf"]["request"];
    for kept in [
        "cookie",
        "via",
        "accept-encoding",
        "content-length",
        "content-type",
    ] {
        assert_eq!(
            request["headers"][kept], original_request["headers"][kept],
            "{kept}"
        );
    }
    // Everything but the headers comes back as it came: body, origin (custom headers included).
    for member in ["body", "origin", "uri", "querystring", "method", "clientIp"] {
        assert_eq!(request[member], original_request[member], "{member}");
    }
}

#[test]
fn api_origin_sets_the_user_id_from_the_session_itself() {
    let now = 1_800_000_000;
    let token = rust_tier_token(WireFormat::NextAuthV4, true, "user-42", now);
    let mut event = fixture("origin-request-custom.json");
    event.records[0].cf.request.headers.set(
        "cookie",
        format!("__Secure-next-auth.session-token={token}; theme=dark"),
    );
    let handled = run(&export_config(), event, now + 60);
    assert_eq!(handled.decision, Decision::ApiOrigin { user_header: true });
    let request = expect_request(&handled);
    assert_eq!(
        request.headers.values("x-auth-user-id").collect::<Vec<_>>(),
        ["user-42"]
    );
}

#[test]
fn api_origin_without_public_origin_uses_the_distribution() {
    let c = config(r#""protected_paths":[],"api_header_allowlist":["cookie"]"#);
    let handled = run(&c, fixture("origin-request-custom.json"), VECTOR_NOW);
    let request = expect_request(&handled);
    assert_eq!(
        request.headers.first("x-forwarded-host"),
        Some("d2example7q9abc.cloudfront.net")
    );
    assert!(
        !request.headers.contains("user-agent"),
        "not in this allow-list"
    );
    assert!(request.headers.contains("via"), "read-only: never removed");
}

#[test]
fn response_triggers_pass_through() {
    for name in ["origin-response.json", "viewer-response.json"] {
        let text = fixture_text(name);
        let (json, decision) = handle_event_json(&export_config(), &text, VECTOR_NOW).unwrap();
        assert_eq!(decision, Decision::PassThrough);
        let original: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(&json).unwrap(),
            original["Records"][0]["cf"]["response"],
            "{name}"
        );
    }
}

#[test]
fn malformed_events_are_errors_without_echo() {
    let c = export_config();
    let err = handle_event_json(&c, r#"{"Records":[]}"#, VECTOR_NOW).unwrap_err();
    assert!(err.to_string().contains("no record"), "{err}");
    let secretish = r#"{"Records":[{"cf":{"config":"next-auth.session-token=abc-secret"}}]}"#;
    let err = handle_event_json(&c, secretish, VECTOR_NOW).unwrap_err();
    assert!(!err.to_string().contains("abc-secret"), "{err}");
    let mut no_origin = fixture("origin-request-s3.json");
    no_origin.records[0].cf.request.origin = None;
    let text = serde_json::to_string(&no_origin).unwrap();
    assert!(handle_event_json(&c, &text, VECTOR_NOW).is_err());
    assert!(handle_event_json(&c, &fixture_text("viewer-request.json"), i64::MAX).is_err());
}
