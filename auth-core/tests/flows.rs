//! Replays the HTTP flows recorded from next-auth 4.24.15 (`v4-http-flows.json`) and @auth/core
//! 0.41.3 (`v5-http-flows.json`) through the handler — directly, through axum and through
//! lambda_http — with a frozen clock and a provider that needs no IdP.
//!
//! Requests carry the cookies next-auth set (its CSRF cookie, its state and PKCE cookies, its
//! session tokens), so these tests also prove we accept what next-auth writes. Responses must
//! match: status, headers, `Set-Cookie` names, attributes and order, JSON bodies; random values
//! (JWEs, CSRF tokens, OAuth state) are compared by shape, and our session tokens are decrypted
//! and compared with the recorded payload. Deliberate differences are listed in `DIVERGENCES`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

mod common;

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use auth_core::provider::{AuthorizationRequest, CallbackRequest, Provider, SignedIn};
use auth_core::session_cookie::{
    CheckKind, CookieNames, FixedClock, Secrets, TokenCodec, WireFormat,
};
use auth_core::testing::StaticProvider;
use auth_core::{AuthConfig, AuthError, AuthHandler};
use bytes::Bytes;
use common::{Transport, assert_uncacheable_if_cookies, json_body, set_cookies, vectors};
use http::Request;
use serde_json::{Map, Value};

/// Steps where we differ from next-auth on purpose (see auth-core's crate docs).
const DIVERGENCES: &[(&str, &str)] = &[
    // next-auth 4's App Router answers the text "[object Object]" (a bug); we answer `{}` like
    // its Pages Router.
    ("v4", "session_update_bad_csrf"),
    // next-auth answers 500 to a callbackUrl that is neither http(s) nor a path; we ignore it.
    ("v4", "invalid_callbackurl_param"),
    ("v5", "invalid_callbackurl_param"),
];

/// (code verifier, code) of each callback the provider saw.
type Seen = Arc<Mutex<Vec<(Option<String>, Option<String>)>>>;

/// A provider that records what the callback received, to compare with what next-auth sent to
/// the IdP's token endpoint.
#[derive(Clone)]
struct Recording {
    inner: StaticProvider,
    seen: Seen,
}

#[async_trait]
impl Provider for Recording {
    fn id(&self) -> &str {
        self.inner.id()
    }
    fn name(&self) -> &str {
        self.inner.name()
    }
    fn kind(&self, format: WireFormat) -> &'static str {
        self.inner.kind(format)
    }
    fn checks(&self, format: WireFormat) -> &[CheckKind] {
        self.inner.checks(format)
    }
    async fn authorization_url(
        &self,
        request: AuthorizationRequest<'_>,
    ) -> Result<String, AuthError> {
        self.inner.authorization_url(request).await
    }
    async fn callback(&self, request: CallbackRequest<'_>) -> Result<SignedIn, AuthError> {
        self.seen.lock().unwrap().push((
            request.code_verifier.map(str::to_owned),
            request.param("code").map(str::to_owned),
        ));
        self.inner.callback(request).await
    }
}

fn origin_of(url: &str) -> String {
    let parsed = url::Url::parse(url).unwrap();
    parsed.origin().ascii_serialization()
}

fn is_jwe(value: &str) -> bool {
    value.split('.').count() == 5 && value.starts_with("eyJ")
}

fn is_b64u_43(value: &str) -> bool {
    value.len() == 43
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Split `name=value; attributes` into its three parts.
fn split_cookie(line: &str) -> (&str, &str, &str) {
    let (pair, attributes) = line.split_once(';').map_or((line, ""), |(p, a)| (p, a));
    let (name, value) = pair.split_once('=').unwrap();
    (name, value, attributes)
}

fn assert_cookie_matches(ours: &str, theirs: &str, ctx: &str) {
    let (n1, v1, a1) = split_cookie(ours);
    let (n2, v2, a2) = split_cookie(theirs);
    assert_eq!(n1, n2, "{ctx}: cookie name");
    assert_eq!(a1, a2, "{ctx}: attributes of {n1}");
    if is_jwe(v2) {
        assert!(is_jwe(v1), "{ctx}: {n1} must be a JWE");
    } else if n2.ends_with("csrf-token") {
        let (token, hash) = v1.split_once("%7C").expect("token%7Chash");
        assert!(
            token.len() == 64 && hash.len() == 64,
            "{ctx}: csrf cookie shape"
        );
    } else {
        assert_eq!(v1, v2, "{ctx}: value of {n1}");
    }
}

/// Authorization URLs: same endpoint, same parameters in the same order, equal values except
/// the random checks.
fn assert_authorize_url_matches(ours: &str, theirs: &str, ctx: &str) {
    let (a, b) = (
        url::Url::parse(ours).unwrap(),
        url::Url::parse(theirs).unwrap(),
    );
    assert_eq!(
        a[..url::Position::AfterPath],
        b[..url::Position::AfterPath],
        "{ctx}: endpoint"
    );
    let (pa, pb): (Vec<_>, Vec<_>) = (a.query_pairs().collect(), b.query_pairs().collect());
    assert_eq!(
        pa.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>(),
        pb.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>(),
        "{ctx}: parameter names and order"
    );
    for ((k, va), (_, vb)) in pa.iter().zip(&pb) {
        match k.as_ref() {
            "state" | "code_challenge" | "nonce" => {
                assert!(is_b64u_43(va) || is_jwe(va), "{ctx}: {k} shape: {va}");
                assert!(is_b64u_43(vb) || is_jwe(vb));
            }
            _ => assert_eq!(va, vb, "{ctx}: {k}"),
        }
    }
}

fn assert_json_matches(ours: &Value, theirs: &Value, ctx: &str) {
    match (ours, theirs) {
        (Value::Object(a), Value::Object(b)) if b.contains_key("csrfToken") => {
            let token = a["csrfToken"].as_str().unwrap();
            assert!(
                token.len() == 64 && token.bytes().all(|c| c.is_ascii_hexdigit()),
                "{ctx}: csrfToken"
            );
        }
        (Value::Object(a), Value::Object(b))
            if b.contains_key("url")
                && b["url"].as_str().unwrap().contains("/oauth2/authorize") =>
        {
            assert_authorize_url_matches(
                a["url"].as_str().unwrap(),
                b["url"].as_str().unwrap(),
                ctx,
            );
        }
        _ => assert_eq!(ours, theirs, "{ctx}: body"),
    }
}

/// Title, form actions and hidden inputs of an HTML page, as the vectors summarise them.
fn assert_html_matches(html: &str, summary: &Value, ctx: &str) {
    let title = html
        .split("<title>")
        .nth(1)
        .and_then(|t| t.split("</title>").next())
        .unwrap();
    assert_eq!(title, summary["title"].as_str().unwrap(), "{ctx}: title");
    let actions: Vec<&str> = html
        .split("action=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    let expected: Vec<&str> = summary["forms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert_eq!(actions, expected, "{ctx}: forms");
    for input in summary["hidden_inputs"].as_array().unwrap() {
        let name = input["name"].as_str().unwrap();
        let needle = format!("name=\"{name}\" value=\"");
        let value = html
            .split(&needle)
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or_else(|| panic!("{ctx}: no {name}"));
        if name == "csrfToken" {
            assert_eq!(value.len(), 64, "{ctx}: csrf token");
        } else {
            assert_eq!(value, input["value"].as_str().unwrap(), "{ctx}: {name}");
        }
    }
}

async fn replay(transport: &dyn Transport, file: &str, format: WireFormat) {
    let flows = vectors(file);
    let tag = if format == WireFormat::AuthJsV5 {
        "v5"
    } else {
        "v4"
    };
    let secret = flows["config"]["secret"].as_str().unwrap();
    let steps = flows["steps"].as_array().unwrap();
    // The recorded IdP ran on a random port: point our provider at the same endpoint.
    let authorize_endpoint = steps
        .iter()
        .find_map(|s| {
            s["response"]["body_json"]["url"]
                .as_str()
                .filter(|u| u.contains("/oauth2/authorize"))
        })
        .map(|u| u.split('?').next().unwrap().to_owned())
        .unwrap();
    let mut provider = StaticProvider::cognito_like();
    provider.authorize_endpoint = authorize_endpoint;
    provider.client_id = flows["config"]["clientId"].as_str().unwrap().to_owned();
    let seen: Seen = Arc::new(Mutex::new(Vec::new()));

    let mut replayed = 0;
    for step in steps {
        let name = step["step"].as_str().unwrap();
        let ctx = format!("{} {tag} {name}", transport.name());
        let req = &step["request"];
        let url = req["url"].as_str().unwrap();
        let public_url = step["nextauth_url"]
            .as_str()
            .map_or_else(|| origin_of(url), str::to_owned);
        let now = step["now"].as_i64().unwrap();
        let config = AuthConfig::builder(format, Secrets::single(secret).unwrap())
            .public_url(&public_url)
            .unwrap()
            .clock(FixedClock::at_unix(now))
            .provider(Recording {
                inner: provider.clone(),
                seen: seen.clone(),
            })
            .build()
            .unwrap();
        let handler = AuthHandler::new(config);

        let mut request = Request::builder()
            .method(req["method"].as_str().unwrap())
            .uri(url);
        if let Some(cookie) = req["cookie"].as_str() {
            request = request.header("cookie", cookie);
        }
        for (k, v) in req["headers"].as_object().into_iter().flatten() {
            request = request.header(k.as_str(), v.as_str().unwrap());
        }
        let body = if let Some(raw) = req["body_raw"].as_str() {
            request = request.header("content-type", "application/x-www-form-urlencoded");
            Bytes::from(raw.to_owned())
        } else if req["body_json"].is_object() {
            request = request.header("content-type", "application/json");
            Bytes::from(serde_json::to_vec(&req["body_json"]).unwrap())
        } else {
            Bytes::new()
        };
        let response = transport.send(&handler, request.body(body).unwrap()).await;
        assert_uncacheable_if_cookies(&response, &ctx);
        let expected = &step["response"];

        if DIVERGENCES.contains(&(tag, name)) {
            match name {
                "session_update_bad_csrf" => {
                    assert_eq!(response.status(), 400, "{ctx}");
                    assert_eq!(json_body(&response), serde_json::json!({}), "{ctx}");
                }
                "invalid_callbackurl_param" => {
                    assert_eq!(response.status(), 200, "{ctx}: ignored, not a 500");
                    assert!(
                        json_body(&response)["user"].is_object(),
                        "{ctx}: the session is served"
                    );
                }
                _ => unreachable!(),
            }
            replayed += 1;
            continue;
        }

        assert_eq!(
            response.status().as_u16() as u64,
            expected["status"].as_u64().unwrap(),
            "{ctx}: status"
        );
        for (header, value) in expected["headers"].as_object().unwrap() {
            let ours = response
                .headers()
                .get(header.as_str())
                .map(|v| v.to_str().unwrap());
            let theirs = value.as_str().unwrap();
            if header == "location" && theirs.contains("/oauth2/authorize") {
                assert_authorize_url_matches(ours.unwrap(), theirs, &ctx);
            } else {
                assert_eq!(ours, Some(theirs), "{ctx}: header {header}");
            }
        }
        // The only headers we add are the no-cache ones (`Vary: Cookie` among them).
        for (header, _) in response.headers() {
            let known = expected["headers"].get(header.as_str()).is_some()
                || matches!(
                    header.as_str(),
                    "set-cookie"
                        | "cache-control"
                        | "pragma"
                        | "expires"
                        | "vary"
                        | "content-length"
                );
            assert!(known, "{ctx}: unexpected header {header}");
        }

        let ours = set_cookies(&response);
        let theirs: Vec<&str> = expected["set_cookie"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(
            ours.len(),
            theirs.len(),
            "{ctx}: Set-Cookie count: {ours:#?}"
        );
        for (a, b) in ours.iter().zip(&theirs) {
            assert_cookie_matches(a, b, &ctx);
        }

        if expected.get("body_json").is_some() {
            assert_json_matches(&json_body(&response), &expected["body_json"], &ctx);
        } else if let Some(summary) = expected.get("body_html") {
            assert_html_matches(std::str::from_utf8(response.body()).unwrap(), summary, &ctx);
        } else if let Some(text) = expected["body_text"].as_str() {
            assert_eq!(
                std::str::from_utf8(response.body()).unwrap(),
                text,
                "{ctx}: body"
            );
        }

        // Our session token carries what next-auth's did (iat, exp from the frozen clock).
        if let Some(payload) = step["session_token_payload"].as_object() {
            let line = ours.iter().find(|l| l.contains(".session-token=")).unwrap();
            let (cookie_name, value, _) = split_cookie(line);
            let names = CookieNames::new(format, cookie_name.starts_with("__Secure-"));
            let codec = TokenCodec::for_session(&names, &Secrets::single(secret).unwrap());
            let claims = codec.decode(value, FixedClock::at_unix(now).0).unwrap();
            let ignore = |k: &str| k == "jti" || (format == WireFormat::AuthJsV5 && k == "sub");
            let strip = |m: &Map<String, Value>| {
                m.iter()
                    .filter(|(k, _)| !ignore(k))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect::<Map<_, _>>()
            };
            assert_eq!(
                strip(claims.as_map()),
                strip(payload),
                "{ctx}: session token payload"
            );
            // The code and PKCE verifier we handed the provider are the ones next-auth sent to the
            // token endpoint.
            let token_request = step["idp_requests"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["path"] == "/oauth2/token")
                .unwrap();
            let form: Vec<(String, String)> =
                form_urlencoded::parse(token_request["body"].as_str().unwrap().as_bytes())
                    .into_owned()
                    .collect();
            let field = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
            let (verifier, code) = seen.lock().unwrap().last().cloned().unwrap();
            assert_eq!(code, field("code"), "{ctx}: code");
            assert_eq!(
                verifier,
                field("code_verifier"),
                "{ctx}: PKCE verifier from next-auth's cookie"
            );
        }
        replayed += 1;
    }
    assert_eq!(replayed, steps.len());
}

async fn v4_flows(transport: &dyn Transport) {
    replay(transport, "v4-http-flows.json", WireFormat::NextAuthV4).await;
}

async fn v5_flows(transport: &dyn Transport) {
    replay(transport, "v5-http-flows.json", WireFormat::AuthJsV5).await;
}

for_each_transport!(v4_flows, v5_flows);
