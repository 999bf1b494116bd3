//! One token, one verdict: the session route, `get_token`, the axum extractor and the edge gate
//! all read the session through `SessionReader`, so a hostile token is refused (or accepted) by
//! all of them alike. The hostile payloads are sealed here with the real v4 key, so that only
//! the payload is at fault.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use auth_core::session_cookie::kdf::derive_key;
use auth_core::session_cookie::{FixedClock, Secrets, WireFormat};
use auth_core::{AuthConfig, AuthHandler};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bytes::Bytes;
use edge_adapter::{Decision, EdgeConfig};
use http::{HeaderValue, Request};
use tower::ServiceExt;

const SECRET: &str = "one-verdict-secret";
const NOW: i64 = 1_767_225_600;
const ORIGIN: &str = "https://app.example.com";

/// A v4 session token (`dir` + `A256GCM`, key from HKDF with an empty salt) around `payload`,
/// byte for byte.
fn seal(payload: &str) -> String {
    let secrets = Secrets::single(SECRET).unwrap();
    let key = derive_key(
        WireFormat::NextAuthV4,
        secrets.iter().next().unwrap(),
        "",
        32,
    );
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"dir","enc":"A256GCM"}"#);
    let iv = [7u8; 12];
    let mut buffer = payload.as_bytes().to_vec();
    let tag = Aes256Gcm::new_from_slice(key.expose_bytes())
        .unwrap()
        .encrypt_inout_detached(
            &Nonce::from(iv),
            header.as_bytes(),
            buffer.as_mut_slice().into(),
        )
        .unwrap();
    format!(
        "{header}..{}.{}.{}",
        URL_SAFE_NO_PAD.encode(iv),
        URL_SAFE_NO_PAD.encode(&buffer),
        URL_SAFE_NO_PAD.encode(tag)
    )
}

/// Each reader's verdict on one `Cookie` header of an https request: session or not.
struct Verdicts {
    session_route: bool,
    get_token: bool,
    axum_extractor: bool,
    edge_gate: bool,
}

async fn verdicts(cookie: &[u8]) -> Verdicts {
    let handler = AuthHandler::new(
        AuthConfig::builder(WireFormat::NextAuthV4, Secrets::single(SECRET).unwrap())
            .public_url(ORIGIN)
            .unwrap()
            .clock(FixedClock::at_unix(NOW))
            .build()
            .unwrap(),
    );
    let request = |path: &str| {
        Request::get(format!("{ORIGIN}{path}"))
            .header("cookie", HeaderValue::from_bytes(cookie).unwrap())
            .body(Bytes::new())
            .unwrap()
    };
    let route = handler.handle(request("/api/auth/session")).await;
    let session_route = serde_json::from_slice::<serde_json::Value>(route.body())
        .unwrap()
        .get("user")
        .is_some();

    let get_token = handler
        .get_token::<serde_json::Value>(request("/").headers())
        .is_some();

    let app = axum::Router::new()
        .route(
            "/api/me",
            axum::routing::get(
                |auth_core::axum::Session(_): auth_core::axum::Session| async { "ok" },
            ),
        )
        .layer(handler.session_layer())
        .with_state(handler.clone());
    let response = app
        .oneshot(request("/api/me").map(axum::body::Body::from))
        .await
        .unwrap();
    let axum_extractor = response.status() == 200;

    let edge = EdgeConfig::from_json(&format!(
        r#"{{"wire_format":"v4","secrets":["{SECRET}"],"public_origin":"{ORIGIN}",
            "protected_paths":["/account/**"]}}"#
    ))
    .unwrap();
    let cookie_text = String::from_utf8_lossy(cookie).into_owned();
    let event = serde_json::json!({"Records":[{"cf":{
        "config":{"distributionDomainName":"d.cloudfront.net","distributionId":"E1",
                  "eventType":"viewer-request","requestId":"r"},
        "request":{"clientIp":"192.0.2.1","method":"GET","uri":"/account/settings",
                   "querystring":"","headers":{
            "host":[{"key":"Host","value":"app.example.com"}],
            "cookie":[{"key":"Cookie","value":cookie_text}]}}}}]});
    let (_, decision) = edge_adapter::handle_event_json(&edge, &event.to_string(), NOW).unwrap();
    let edge_gate = decision == Decision::SessionValid;
    Verdicts {
        session_route,
        get_token,
        axum_extractor,
        edge_gate,
    }
}

#[tokio::test]
async fn every_reader_gives_a_hostile_token_the_same_verdict() {
    let future = NOW + 3600;
    let sealed = |payload: &str| format!("__Secure-next-auth.session-token={}", seal(payload));
    let good = format!(r#"{{"sub":"u-1","name":"Jane","exp":{future}}}"#);
    let cases: Vec<(&str, Vec<u8>, bool)> = vec![
        ("control: a valid session", sealed(&good).into_bytes(), true),
        (
            "null exp",
            sealed(r#"{"sub":"u-1","name":"Jane","exp":null}"#).into_bytes(),
            false,
        ),
        (
            "null nbf",
            sealed(&format!(r#"{{"sub":"u-1","exp":{future},"nbf":null}}"#)).into_bytes(),
            false,
        ),
        (
            "duplicate exp, expired one first",
            sealed(&format!(r#"{{"sub":"u-1","exp":1,"exp":{future}}}"#)).into_bytes(),
            false,
        ),
        (
            "duplicate exp, expired one last",
            sealed(&format!(r#"{{"sub":"u-1","exp":{future},"exp":1}}"#)).into_bytes(),
            false,
        ),
        (
            "duplicate sub",
            sealed(&format!(r#"{{"sub":"u-1","sub":"admin","exp":{future}}}"#)).into_bytes(),
            false,
        ),
        (
            "a numeric sub (a jwt callback may write one)",
            sealed(&format!(r#"{{"sub":5,"exp":{future}}}"#)).into_bytes(),
            true,
        ),
        (
            "a non-ASCII neighbour cookie",
            [b"pref=caf\xc3\xa9; ".as_slice(), sealed(&good).as_bytes()].concat(),
            true,
        ),
        (
            "the plain name over https",
            format!("next-auth.session-token={}", seal(&good)).into_bytes(),
            false,
        ),
        (
            "a payload that is an array",
            sealed("[1,2]").into_bytes(),
            false,
        ),
    ];
    for (label, cookie, expected) in cases {
        let v = verdicts(&cookie).await;
        let all = [
            ("session route", v.session_route),
            ("get_token", v.get_token),
            ("axum extractor", v.axum_extractor),
            ("edge gate", v.edge_gate),
        ];
        for (reader, verdict) in all {
            assert_eq!(verdict, expected, "{label}: {reader}");
        }
    }
}
