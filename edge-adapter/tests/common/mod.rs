//! Shared helpers: event fixtures, the workspace's vector files, configurations, the Rust tier.
#![allow(dead_code, unreachable_pub, missing_docs)]

use std::path::PathBuf;

use edge_adapter::events::{CloudFrontEvent, Request};
use edge_adapter::{EdgeConfig, EdgeResult, Handled, Response, handle_event};
use serde_json::Value;
use session_cookie::time::OffsetDateTime;
use session_cookie::{CookieNames, OsRandom, Secrets, SessionClaims, TokenCodec, WireFormat};

/// The vectors' public test secret.
pub const SECRET: &str = "nextauth-public-vector-secret-0123456789";

/// The `now` of the vectors' valid cases (t0 + 60 s).
pub const VECTOR_NOW: i64 = 1_767_225_660;

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// An event fixture from `tests/events/`, as JSON text.
pub fn fixture_text(name: &str) -> String {
    let path = manifest_dir().join("tests/events").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// An event fixture, parsed.
pub fn fixture(name: &str) -> CloudFrontEvent {
    serde_json::from_str(&fixture_text(name)).expect("fixture parses")
}

/// A case of a vector file in the workspace's `tests/vectors/`.
pub fn vector(file: &str, case: &str) -> Value {
    let path = manifest_dir().join("../tests/vectors").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let all: Value = serde_json::from_str(&text).expect("vector file parses");
    all["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["name"] == case)
        .unwrap_or_else(|| panic!("{file}: no case {case}"))
        .clone()
}

pub fn at(unix: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(unix).expect("valid time")
}

/// A configuration from JSON, with the vectors' secret.
pub fn config(extra: &str) -> EdgeConfig {
    let json = format!(r#"{{"secrets":["{SECRET}"],{extra}}}"#);
    EdgeConfig::from_json(&json).unwrap_or_else(|e| panic!("{json}: {e}"))
}

/// A session token minted by the Rust tier (session-cookie), valid for 30 days from `now`.
pub fn rust_tier_token(format: WireFormat, secure: bool, sub: &str, now: i64) -> String {
    let names = CookieNames::new(format, secure);
    let codec = TokenCodec::for_session(&names, &Secrets::single(SECRET).expect("secret"));
    let mut claims = SessionClaims::new();
    claims.insert("sub", sub);
    claims.insert("email", "rust@example.com");
    codec
        .encode(&mut claims, at(now), &OsRandom)
        .expect("encode")
}

/// The `viewer-request.json` fixture with its `Cookie` header replaced (none when `None`) and
/// its URI and query string set.
pub fn viewer_request(uri: &str, query: &str, cookie: Option<&str>) -> CloudFrontEvent {
    let mut event = fixture("viewer-request.json");
    let request = &mut event.records[0].cf.request;
    request.uri = uri.to_owned();
    request.querystring = query.to_owned();
    request.headers.remove("cookie");
    if let Some(cookie) = cookie {
        request.headers.append("cookie", cookie);
    }
    event
}

pub fn run(config: &EdgeConfig, event: CloudFrontEvent, now: i64) -> Handled {
    handle_event(config, event, at(now)).expect("handled")
}

pub fn expect_request(handled: &Handled) -> &Request {
    match &handled.result {
        EdgeResult::Request(r) => r,
        EdgeResult::Response(r) => panic!("expected the request to go on, got {r:?}"),
    }
}

pub fn expect_response(handled: &Handled) -> &Response {
    match &handled.result {
        EdgeResult::Response(r) => r,
        EdgeResult::Request(r) => panic!("expected a response, got the request {r:?}"),
    }
}
