//! What every behaviour test shares: the three entry points (direct, axum, Lambda) behind one
//! `Transport`, and the vector files.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use async_trait::async_trait;
use auth_core::AuthHandler;
use base64::Engine as _;
use bytes::Bytes;
use http::{HeaderName, HeaderValue, Request, Response, StatusCode};
use serde_json::{Value, json};

/// One way into the handler.
#[async_trait]
pub trait Transport: Send + Sync {
    /// A label for failure messages.
    fn name(&self) -> &'static str;
    /// Send one request, get the response.
    async fn send(&self, handler: &AuthHandler, request: Request<Bytes>) -> Response<Bytes>;
}

/// `AuthHandler::handle` itself.
pub struct Direct;

#[async_trait]
impl Transport for Direct {
    fn name(&self) -> &'static str {
        "direct"
    }
    async fn send(&self, handler: &AuthHandler, request: Request<Bytes>) -> Response<Bytes> {
        handler.handle(request).await
    }
}

/// An axum `Router` with the handler merged in, driven with `tower::ServiceExt::oneshot`.
pub struct Axum;

#[async_trait]
impl Transport for Axum {
    fn name(&self) -> &'static str {
        "axum"
    }
    async fn send(&self, handler: &AuthHandler, request: Request<Bytes>) -> Response<Bytes> {
        use tower::ServiceExt;
        let router: axum::Router = axum::Router::new()
            .route("/api/other", axum::routing::get(|| async { "other" }))
            .merge(handler.router());
        let response = router
            .oneshot(request.map(axum::body::Body::from))
            .await
            .unwrap();
        let (parts, body) = response.into_parts();
        let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
        Response::from_parts(parts, bytes)
    }
}

/// An API Gateway HTTP API (payload 2.0) event, deserialized and answered by `lambda_http`'s own
/// `Adapter`, whose `LambdaResponse` is serialized to JSON as the runtime would and read back.
pub struct Lambda;

#[async_trait]
impl Transport for Lambda {
    fn name(&self) -> &'static str {
        "lambda"
    }
    async fn send(&self, handler: &AuthHandler, request: Request<Bytes>) -> Response<Bytes> {
        let event = api_gateway_v2_event(&request);
        let response = lambda_round_trip(handler, event).await;
        from_api_gateway_v2_response(&response)
    }
}

/// The event API Gateway's HTTP API sends for `request` (payload format 2.0): cookies in the
/// `cookies` array, other headers lower-cased in `headers`, body base64-encoded.
pub fn api_gateway_v2_event(request: &Request<Bytes>) -> Value {
    let mut headers = serde_json::Map::new();
    let mut cookies = Vec::new();
    for (name, value) in request.headers() {
        // API Gateway hands a Lambda header bytes on as (lossy) UTF-8 text.
        let value = String::from_utf8_lossy(value.as_bytes());
        let value = value.as_ref();
        if name == http::header::COOKIE {
            cookies.extend(
                value
                    .split(';')
                    .map(|c| c.trim().to_owned())
                    .filter(|c| !c.is_empty()),
            );
        } else {
            headers.insert(name.as_str().to_owned(), value.into());
        }
    }
    let uri = request.uri();
    headers
        .entry("host")
        .or_insert_with(|| uri.authority().map_or("localhost", |a| a.as_str()).into());
    let body = request.body();
    let mut event = json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": uri.path(),
        "rawQueryString": uri.query().unwrap_or(""),
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "api-id",
            "domainName": "api-id.execute-api.us-east-1.amazonaws.com",
            "domainPrefix": "api-id",
            "http": {
                "method": request.method().as_str(),
                "path": uri.path(),
                "protocol": "HTTP/1.1",
                "sourceIp": "192.0.2.1",
                "userAgent": "agent"
            },
            "requestId": "id",
            "routeKey": "$default",
            "stage": "$default",
            "time": "23/Nov/2026:19:03:58 +0000",
            "timeEpoch": 1_795_460_638_390u64
        },
        "isBase64Encoded": !body.is_empty(),
    });
    if !cookies.is_empty() {
        event["cookies"] = json!(cookies);
    }
    if !body.is_empty() {
        event["body"] = base64::engine::general_purpose::STANDARD
            .encode(body)
            .into();
    }
    event
}

/// Deserialize `event` as lambda_http does, answer it with the handler through
/// `lambda_http::Adapter`, and serialize the `LambdaResponse` as the runtime would.
pub async fn lambda_round_trip(handler: &AuthHandler, event: Value) -> Value {
    use lambda_http::{Context, LambdaEvent, Service};
    let request: lambda_http::request::LambdaRequest =
        serde_json::from_value(event).expect("lambda_http reads the event");
    // Exactly what `auth_core::lambda::run` hands to `lambda_http::run`.
    let service = auth_core::lambda::WithoutStage {
        inner: auth_core::lambda::service(handler.clone()),
    };
    let mut adapter = lambda_http::Adapter::from(service);
    let response = adapter
        .call(LambdaEvent::new(request, Context::default()))
        .await
        .unwrap();
    serde_json::to_value(response).unwrap()
}

/// Back from the API Gateway v2 response JSON to an `http::Response`. Fails if a `Set-Cookie`
/// is in the headers instead of the `cookies` array (API Gateway would merge them).
pub fn from_api_gateway_v2_response(response: &Value) -> Response<Bytes> {
    let status = StatusCode::from_u16(response["statusCode"].as_u64().unwrap() as u16).unwrap();
    let mut builder = Response::builder().status(status);
    for (name, value) in response["headers"].as_object().into_iter().flatten() {
        assert_ne!(
            name, "set-cookie",
            "Set-Cookie must travel in the cookies array"
        );
        builder = builder.header(
            HeaderName::try_from(name.as_str()).unwrap(),
            HeaderValue::try_from(value.as_str().unwrap()).unwrap(),
        );
    }
    for (name, values) in response["multiValueHeaders"]
        .as_object()
        .into_iter()
        .flatten()
    {
        assert_ne!(name, "set-cookie");
        assert!(
            values.as_array().is_none_or(Vec::is_empty),
            "v2 responses carry no multiValueHeaders: {name}"
        );
    }
    for cookie in response["cookies"].as_array().into_iter().flatten() {
        builder = builder.header(http::header::SET_COOKIE, cookie.as_str().unwrap());
    }
    let body = match (&response["body"], response["isBase64Encoded"].as_bool()) {
        (Value::String(b), Some(true)) => {
            Bytes::from(base64::engine::general_purpose::STANDARD.decode(b).unwrap())
        }
        (Value::String(b), _) => Bytes::from(b.clone()),
        _ => Bytes::new(),
    };
    builder.body(body).unwrap()
}

/// A vector file from `tests/vectors`.
pub fn vectors(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/vectors")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// `name=token` of a valid session for `sub: user-1, name: Jane`, issued at `at`, under
/// `names` (its format and scheme) and `secret`.
pub fn session_cookie(
    names: &auth_core::session_cookie::CookieNames,
    secret: &str,
    at: time::OffsetDateTime,
) -> String {
    use auth_core::session_cookie::{OsRandom, Secrets, SessionClaims, TokenCodec};
    let mut claims = SessionClaims::new();
    claims.insert("sub", "user-1");
    claims.insert("name", "Jane");
    let token = TokenCodec::for_session(names, &Secrets::single(secret).unwrap())
        .encode(&mut claims, at, &OsRandom)
        .unwrap();
    format!("{}={token}", names.session_token())
}

/// All `Set-Cookie` values of a response, in order.
pub fn set_cookies(response: &Response<Bytes>) -> Vec<String> {
    response
        .headers()
        .get_all(http::header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

/// The body as JSON.
pub fn json_body(response: &Response<Bytes>) -> Value {
    serde_json::from_slice(response.body())
        .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", response.body()))
}

/// Every response that sets a cookie must forbid caching (our addition to next-auth).
pub fn assert_uncacheable_if_cookies(response: &Response<Bytes>, context: &str) {
    if !set_cookies(response).is_empty() {
        assert_eq!(
            response
                .headers()
                .get(http::header::CACHE_CONTROL)
                .map(|v| v.to_str().unwrap()),
            Some("private, no-cache, no-store"),
            "{context}: a response that sets cookies must not be cacheable"
        );
    }
}

/// Instantiate a test suite (a module of `async fn`s taking a `&dyn Transport`) once per entry
/// point.
#[macro_export]
macro_rules! for_each_transport {
    ($($test:ident),* $(,)?) => {
        mod direct {
            $( #[tokio::test] async fn $test() { super::$test(&$crate::common::Direct).await } )*
        }
        mod via_axum {
            $( #[tokio::test] async fn $test() { super::$test(&$crate::common::Axum).await } )*
        }
        mod via_lambda {
            $( #[tokio::test] async fn $test() { super::$test(&$crate::common::Lambda).await } )*
        }
    };
}
