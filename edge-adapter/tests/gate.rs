//! The viewer-request gate against cookies written by next-auth (the vector files), by Auth.js,
//! and by the Rust tier; tampered, expired and missing ones; pages vs `/api/*`; exclusions.

mod common;

use common::*;
use edge_adapter::{Decision, EdgeConfig, handle_event};
use serde_json::Value;
use session_cookie::{Secrets, WireFormat};

const SUB: &str = "3f0c1a52-8f7e-4a3e-9d51-0a6c8e2b7d11";

/// https site, v4, `/account/**` protected, user id forwarded.
fn v4_https() -> EdgeConfig {
    config(
        r#""wire_format":"v4","public_origin":"https://www.example.com",
           "protected_paths":["/account/**","/admin/**","/api/**"],
           "user_id_header":"x-auth-user-id""#,
    )
}

/// http site (plain cookie names, as the vectors use), both formats.
fn both_http() -> EdgeConfig {
    config(
        r#""wire_format":["v4","v5"],"public_origin":"http://localhost:3000",
           "protected_paths":["/account/**","/api/**"],
           "user_id_header":"x-auth-user-id""#,
    )
}

fn token(file: &str, case: &str) -> String {
    vector(file, case)["input"]["token"]
        .as_str()
        .expect("token")
        .to_owned()
}

fn cookie_header(file: &str, case: &str) -> String {
    vector(file, case)["input"]["cookie_header"]
        .as_str()
        .expect("cookie_header")
        .to_owned()
}

fn assert_passes(config: &EdgeConfig, cookie: &str, now: i64) {
    assert_passes_as(config, cookie, now, SUB);
}

fn assert_passes_as(config: &EdgeConfig, cookie: &str, now: i64, sub: &str) {
    let handled = run(
        config,
        viewer_request("/account/settings", "", Some(cookie)),
        now,
    );
    assert_eq!(handled.decision, Decision::SessionValid);
    let request = expect_request(&handled);
    assert_eq!(
        request.headers.values("x-auth-user-id").collect::<Vec<_>>(),
        [sub],
        "the spoofed header is replaced by the session's sub"
    );
}

fn assert_redirected(config: &EdgeConfig, cookie: Option<&str>, now: i64, reason: &str) {
    let handled = run(config, viewer_request("/account/settings", "", cookie), now);
    assert_eq!(
        handled.decision.to_string(),
        format!("sign-in-redirect ({reason})")
    );
    assert_eq!(expect_response(&handled).status, "302");
}

#[test]
fn v4_cookie_written_by_next_auth_passes() {
    // `valid_basic` at its `now`; v4 tokens do not depend on the cookie name, which is exactly
    // the vector `secure_cookie_name` (same token under `__Secure-next-auth.session-token`).
    let t = token("v4-jwt-decode.json", "valid_basic");
    assert_passes(
        &v4_https(),
        &format!("__Secure-next-auth.session-token={t}"),
        VECTOR_NOW,
    );
    assert_passes(
        &v4_https(),
        &cookie_header("v4-jwt-decode.json", "secure_cookie_name"),
        VECTOR_NOW,
    );
    assert_passes(
        &both_http(),
        &format!("next-auth.session-token={t}"),
        VECTOR_NOW,
    );
}

#[test]
fn v5_cookie_written_by_authjs_passes() {
    let t = token("v5-jwt-decode.json", "valid_basic");
    assert_passes(
        &both_http(),
        &format!("authjs.session-token={t}"),
        VECTOR_NOW,
    );

    let v5_https = config(
        r#""wire_format":"v5","public_origin":"https://www.example.com",
           "protected_paths":["/account/**"],"user_id_header":"x-auth-user-id""#,
    );
    let secure = token("v5-jwt-decode.json", "valid_secure_salt");
    assert_passes(
        &v5_https,
        &format!("__Secure-authjs.session-token={secure}"),
        VECTOR_NOW,
    );
    // The plain-salted token under the secure name does not decode: v5 salts with the name.
    assert_redirected(
        &v5_https,
        Some(&format!("__Secure-authjs.session-token={t}")),
        VECTOR_NOW,
        "no_matching_secret",
    );
}

#[test]
fn chunked_cookies_pass() {
    for file in ["v4-jwt-decode.json", "v5-jwt-decode.json"] {
        let header = cookie_header(file, "chunked_out_of_order");
        assert!(header.len() > 7000, "{file}: really chunked");
        assert_passes(&both_http(), &header, VECTOR_NOW);
    }
    // A chunk missing: refused, not concatenated.
    assert_redirected(
        &both_http(),
        Some(&cookie_header(
            "v4-jwt-decode.json",
            "chunked_missing_middle",
        )),
        VECTOR_NOW,
        "malformed_jwe",
    );
    // A stale unchunked cookie next to chunks: refused as ambiguous.
    assert_redirected(
        &both_http(),
        Some(&cookie_header(
            "v4-jwt-decode.json",
            "chunked_plus_stale_unchunked",
        )),
        VECTOR_NOW,
        "malformed_jwe",
    );
}

#[test]
fn cookie_written_by_the_rust_tier_passes() {
    let now = 1_800_000_000;
    let v4 = rust_tier_token(WireFormat::NextAuthV4, true, SUB, now);
    assert_passes(
        &v4_https(),
        &format!("__Secure-next-auth.session-token={v4}"),
        now + 3600,
    );
    let v5 = rust_tier_token(WireFormat::AuthJsV5, false, SUB, now);
    assert_passes(
        &both_http(),
        &format!("authjs.session-token={v5}"),
        now + 3600,
    );
    // 30 days later it has expired (plus the 15 s tolerance).
    assert_redirected(
        &both_http(),
        Some(&format!("authjs.session-token={v5}")),
        now + 30 * 86_400 + 15,
        "expired",
    );
}

#[test]
fn tampered_expired_and_missing_cookies_are_redirected() {
    let c = v4_https();
    let tampered = token("v4-jwt-decode.json", "tampered_ciphertext");
    assert_redirected(
        &c,
        Some(&format!("__Secure-next-auth.session-token={tampered}")),
        VECTOR_NOW,
        "decryption_failed",
    );
    // Flip one character of a valid token ourselves, too.
    let mut flipped = token("v4-jwt-decode.json", "valid_basic").into_bytes();
    let last = flipped.len() - 3;
    flipped[last] = if flipped[last] == b'A' { b'B' } else { b'A' };
    let flipped = String::from_utf8(flipped).unwrap();
    assert_redirected(
        &c,
        Some(&format!("__Secure-next-auth.session-token={flipped}")),
        VECTOR_NOW,
        "decryption_failed",
    );
    let v5_tampered = token("v5-jwt-decode.json", "tampered_tag");
    assert_redirected(
        &both_http(),
        Some(&format!("authjs.session-token={v5_tampered}")),
        VECTOR_NOW,
        "decryption_failed",
    );

    let expired = vector("v4-jwt-decode.json", "expired_beyond_tolerance");
    let now = expired["now"].as_i64().unwrap();
    let t = expired["input"]["token"].as_str().unwrap();
    assert_redirected(
        &c,
        Some(&format!("__Secure-next-auth.session-token={t}")),
        now,
        "expired",
    );
    // The same token 1 s earlier is within next-auth's 15 s tolerance.
    assert_passes_as(
        &c,
        &format!("__Secure-next-auth.session-token={t}"),
        now - 1,
        "user-1",
    );

    // A deployment whose secret differs from the one that wrote the cookie.
    let wrong = vector("v4-jwt-decode.json", "wrong_secret");
    let other_secret =
        EdgeConfig::builder(Secrets::single(wrong["secret"].as_str().unwrap()).unwrap())
            .with_public_origin("https://www.example.com")
            .with_protected_paths(["/account/**"])
            .build()
            .unwrap();
    let t = wrong["input"]["token"].as_str().unwrap();
    assert_redirected(
        &other_secret,
        Some(&format!("__Secure-next-auth.session-token={t}")),
        VECTOR_NOW,
        "decryption_failed",
    );

    assert_redirected(&c, None, VECTOR_NOW, "no_session");
    assert_redirected(&c, Some("theme=dark"), VECTOR_NOW, "no_session");
}

#[test]
fn plain_cookie_is_ignored_on_an_https_site() {
    let t = token("v4-jwt-decode.json", "valid_basic");
    assert_redirected(
        &v4_https(),
        Some(&format!("next-auth.session-token={t}")),
        VECTOR_NOW,
        "no_session",
    );
}

#[test]
fn v4_only_deployment_ignores_v5_cookies() {
    let v4_http = config(
        r#""wire_format":"v4","public_origin":"http://localhost:3000","protected_paths":["/**"]"#,
    );
    let t = token("v5-jwt-decode.json", "valid_basic");
    assert_redirected(
        &v4_http,
        Some(&format!("authjs.session-token={t}")),
        VECTOR_NOW,
        "no_session",
    );
    // And a v5 token in the v4 cookie is a bad session, not a missing one.
    assert_redirected(
        &v4_http,
        Some(&format!("next-auth.session-token={t}")),
        VECTOR_NOW,
        "malformed_jwe",
    );
}

#[test]
fn redirect_carries_the_original_url_and_is_never_cached() {
    let handled = run(
        &v4_https(),
        viewer_request("/account/settings", "tab=keys&q=a%20b", None),
        VECTOR_NOW,
    );
    let response = expect_response(&handled);
    assert_eq!(response.status, "302");
    assert_eq!(response.status_description.as_deref(), Some("Found"));
    assert_eq!(
        response.headers.first("location"),
        Some(
            "https://www.example.com/api/auth/signin?callbackUrl=\
             https%3A%2F%2Fwww.example.com%2Faccount%2Fsettings%3Ftab%3Dkeys%26q%3Da%2520b"
        )
    );
    assert_eq!(
        response.headers.first("cache-control"),
        Some("private, no-cache, no-store")
    );
    assert!(response.body.is_none());
}

#[test]
fn without_public_origin_the_distribution_domain_is_used() {
    let c = config(r#""protected_paths":["/account/**"]"#);
    let handled = run(&c, viewer_request("/account", "", None), VECTOR_NOW);
    let location = expect_response(&handled).headers.first("location").unwrap();
    assert!(
        location.starts_with(
            "https://d2example7q9abc.cloudfront.net/api/auth/signin?callbackUrl=https%3A%2F%2Fd2example7q9abc.cloudfront.net%2Faccount"
        ),
        "{location}"
    );
}

#[test]
fn api_paths_get_401_json() {
    let event = fixture("viewer-request-api-body.json");
    let handled = handle_event(&v4_https(), event, at(VECTOR_NOW)).unwrap();
    assert_eq!(
        handled.decision,
        Decision::Unauthorized {
            reason: "no_session"
        }
    );
    let response = expect_response(&handled);
    assert_eq!(response.status, "401");
    assert_eq!(
        response.headers.first("content-type"),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(
        response.headers.first("cache-control"),
        Some("private, no-cache, no-store")
    );
    let body: Value = serde_json::from_str(response.body.as_deref().unwrap()).unwrap();
    assert_eq!(body["error"], "unauthorized");
    assert_eq!(response.body_encoding.as_deref(), Some("text"));
    assert!(response.headers.first("location").is_none());
}

#[test]
fn excluded_and_unprotected_paths_pass_without_a_session() {
    let c = config(
        r#""public_origin":"https://www.example.com","protected_paths":["/**"],
           "user_id_header":"x-auth-user-id""#,
    );
    for uri in [
        "/api/auth/session",
        "/api/auth/signin",
        "/api/auth/callback/cognito",
        "/_next/static/chunks/main-abc123.js",
        "/favicon.ico",
        "/robots.txt",
    ] {
        let handled = run(&c, viewer_request(uri, "", None), VECTOR_NOW);
        assert_eq!(handled.decision, Decision::Public, "{uri}");
        let request = expect_request(&handled);
        assert!(
            !request.headers.contains("x-auth-user-id"),
            "{uri}: a spoofed user header never reaches the origin"
        );
    }
    for uri in [
        "/",
        "/account",
        "/_next/../account",
        "/%61pi/private",
        "/api/auth/..%2Fprivate",
    ] {
        let handled = run(&c, viewer_request(uri, "", None), VECTOR_NOW);
        assert_ne!(handled.decision, Decision::Public, "{uri}");
    }
    let c = config(r#""protected_paths":["/account"]"#);
    for uri in [
        "/account",
        "/account/",
        "/account/index.html",
        "/account.txt",
    ] {
        let handled = run(&c, viewer_request(uri, "", None), VECTOR_NOW);
        assert_eq!(
            handled.decision,
            Decision::SignInRedirect {
                reason: "no_session"
            },
            "{uri}"
        );
    }
    let handled = run(&c, viewer_request("/about", "", None), VECTOR_NOW);
    assert_eq!(handled.decision, Decision::Public);
}

#[test]
fn passing_request_is_returned_as_it_came_except_the_user_header() {
    let t = token("v4-jwt-decode.json", "valid_basic");
    let cookie = format!("__Secure-next-auth.session-token={t}");
    let event = viewer_request("/account/settings", "tab=keys", Some(&cookie));
    let mut expected = serde_json::to_value(&event.records[0].cf.request).unwrap();
    expected["headers"]["x-auth-user-id"] =
        serde_json::json!([{"key": "X-Auth-User-Id", "value": SUB}]);
    let handled = run(&v4_https(), event, VECTOR_NOW);
    assert_eq!(
        serde_json::to_value(expect_request(&handled)).unwrap(),
        expected
    );
}

/// A neighbour cookie with non-ASCII text (CloudFront hands header values on as JSON strings)
/// hides neither the session cookie nor the pairs after it.
#[test]
fn a_non_ascii_neighbour_cookie_keeps_the_session() {
    let t = token("v4-jwt-decode.json", "valid_basic");
    for cookie in [
        format!("pref=café; __Secure-next-auth.session-token={t}"),
        format!("\u{fffd}=\u{fffd}; __Secure-next-auth.session-token={t}; x=ü"),
    ] {
        assert_passes(&v4_https(), &cookie, VECTOR_NOW);
    }
}
