//! Lambda@Edge events with viewer-controlled parts: the URI, query string, method, headers and
//! cookies of any trigger, and whole event documents of any shape. Every handler must return a
//! result or a typed error, never panic; a protected path must never pass without the genuine
//! session cookie; S3 must never receive a cookie; a viewer's user-id header never survives
//! the gate or the API origin handler.
#![no_main]

use std::sync::LazyLock;

use edge_adapter::session_cookie::time::OffsetDateTime;
use edge_adapter::session_cookie::{
    CookieNames, OsRandom, Secrets, SessionClaims, TokenCodec, WireFormat,
};
use edge_adapter::{Decision, EdgeConfig, EdgeResult, handle_event, handle_event_json};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

const SECRET: &str = "fuzz-edge-secret";
const NOW: i64 = 1_767_225_600;
const USER_HEADER: &str = "x-auth-user-id";

static CONFIG: LazyLock<EdgeConfig> = LazyLock::new(|| {
    let json = json!({
        "wire_format": ["v4", "v5"],
        "secrets": [SECRET],
        "protected_paths": ["/account/**", "/admin", "/api/**"],
        "excluded_paths": ["/api/auth/**"],
        "public_origin": "https://www.example.com",
        "user_id_header": USER_HEADER,
        "log_decisions": false,
        "static_export": {
            "trailing_slash": true,
            "routes": [{ "route": "/posts/[id]" }, { "route": "/docs/[...slug]" }]
        }
    });
    EdgeConfig::from_json(&json.to_string()).expect("config")
});

/// A session cookie the gate accepts (v4, secure names, as the https origin implies).
static GENUINE: LazyLock<String> = LazyLock::new(|| {
    let names = CookieNames::new(WireFormat::NextAuthV4, true);
    let codec = TokenCodec::for_session(&names, &Secrets::single(SECRET).expect("secret"));
    let mut claims = SessionClaims::new();
    claims.insert("sub", "user-1");
    let now = OffsetDateTime::from_unix_timestamp(NOW).expect("now");
    let token = codec.encode(&mut claims, now, &OsRandom).expect("encode");
    format!("{}={token}", names.session_token())
});

#[derive(Arbitrary, Debug)]
struct Input {
    trigger: u8,
    method: String,
    uri: String,
    querystring: String,
    cookie: String,
    genuine_cookie: bool,
    headers: Vec<(String, String)>,
    status: String,
    raw_event: String,
}

fuzz_target!(|input: Input| {
    // Whatever CloudFront could send, as JSON text.
    let _ = handle_event_json(&CONFIG, &input.raw_event, NOW);

    let (event_type, origin) = match input.trigger % 5 {
        0 => ("viewer-request", None),
        1 => (
            "origin-request",
            Some(json!({ "s3": {
                "domainName": "bucket.s3.us-east-1.amazonaws.com", "path": "",
                "authMethod": "origin-access-identity", "region": "us-east-1", "customHeaders": {}
            }})),
        ),
        2 => (
            "origin-request",
            Some(json!({ "custom": {
                "domainName": "abc123.execute-api.us-east-1.amazonaws.com", "port": 443,
                "protocol": "https", "path": "", "sslProtocols": ["TLSv1.2"], "readTimeout": 30,
                "keepaliveTimeout": 5, "customHeaders": {}
            }})),
        ),
        3 => ("origin-response", None),
        _ => ("viewer-response", None),
    };
    let mut headers = serde_json::Map::new();
    let mut push = |name: &str, value: &str| {
        let key = name.to_ascii_lowercase();
        let entry = headers.entry(key).or_insert_with(|| json!([]));
        if let Value::Array(list) = entry {
            list.push(json!({ "key": name, "value": value }));
        }
    };
    for (name, value) in &input.headers {
        push(name, value);
    }
    let cookie = if input.genuine_cookie {
        format!("{}; {}", input.cookie, *GENUINE)
    } else {
        input.cookie.clone()
    };
    push("Cookie", &cookie);
    push(USER_HEADER, "spoofed-user");
    let mut request = json!({
        "clientIp": "203.0.113.178",
        "method": input.method,
        "uri": input.uri,
        "querystring": input.querystring,
        "headers": headers,
    });
    if let Some(origin) = origin {
        request["origin"] = origin;
    }
    let mut cf = json!({
        "config": {
            "distributionDomainName": "d111111abcdef8.cloudfront.net",
            "distributionId": "EDFDVBD6EXAMPLE",
            "eventType": event_type,
            "requestId": "fuzz"
        },
        "request": request,
    });
    if event_type.ends_with("response") {
        cf["response"] = json!({ "status": input.status, "statusDescription": "", "headers": {} });
    }
    let Ok(event) = serde_json::from_value(json!({ "Records": [{ "cf": cf }] })) else {
        return;
    };
    let now = OffsetDateTime::from_unix_timestamp(NOW).expect("now");
    let Ok(handled) = handle_event(&CONFIG, event, now) else {
        return;
    };

    if handled.decision == Decision::SessionValid {
        assert!(
            input.genuine_cookie,
            "a protected path passed without the genuine session"
        );
    }
    if let EdgeResult::Request(request) = &handled.result {
        // The gate and the API origin handler own the user-id header; S3 ignores it.
        if !matches!(handled.decision, Decision::StaticRewrite { .. }) {
            let user = request.headers.first(USER_HEADER);
            assert!(
                user != Some("spoofed-user"),
                "the viewer's user-id header went on"
            );
        }
        if matches!(handled.decision, Decision::StaticRewrite { .. }) {
            assert!(
                request.headers.first("cookie").is_none(),
                "S3 received a cookie"
            );
        }
    }
});
