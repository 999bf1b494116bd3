//! AWS Lambda adapter: the handler behind API Gateway (HTTP API payload 2.0, REST API 1.0),
//! Function URLs and ALB, via `lambda_http`.
//!
//! `lambda_http` does the event translation: the v2 request's `cookies` array becomes the
//! `Cookie` header, and several `Set-Cookie` headers go out in the v2 response's `cookies` array
//! (`multiValueHeaders` for REST APIs). This module only moves bodies between the two types.
//!
//! ```no_run
//! use auth_core::{AuthConfig, AuthHandler};
//!
//! #[tokio::main]
//! async fn main() -> Result<(), auth_core::lambda::LambdaError> {
//!     let auth = AuthHandler::new(AuthConfig::from_env()?.build()?);
//!     auth_core::lambda::run(auth).await
//! }
//! ```

use std::convert::Infallible;

use bytes::Bytes;
use http::{Request, Response, header};
use lambda_http::Body;

use crate::AuthHandler;

/// The error type of the Lambda runtime.
pub type LambdaError = lambda_http::Error;

/// Serve `handler` on the Lambda runtime until it shuts the process down.
pub async fn run(handler: AuthHandler) -> Result<(), LambdaError> {
    lambda_http::run(lambda_http::service_fn(
        move |request: lambda_http::Request| {
            let handler = handler.clone();
            async move { Ok::<_, Infallible>(handle(&handler, request).await) }
        },
    ))
    .await
}

/// Answer one Lambda HTTP request.
///
/// Routing uses the path as the client sent it, without API Gateway's stage (see
/// [`without_stage`]).
pub async fn handle(handler: &AuthHandler, request: lambda_http::Request) -> Response<Body> {
    let (parts, body) = without_stage(request).into_parts();
    let bytes = match body {
        Body::Empty => Bytes::new(),
        Body::Text(text) => Bytes::from(text),
        Body::Binary(bytes) => Bytes::from(bytes),
        _ => Bytes::new(),
    };
    into_lambda_response(handler.handle(Request::from_parts(parts, bytes)).await)
}

/// The request with its URI path as the client sent it: `lambda_http` prefixes the path of a
/// REST API (or a named HTTP API stage) with the stage (`/prod/api/auth/...`), so that a base
/// path would have to name the stage. Use it in front of any router:
/// `tower::ServiceBuilder::new().map_request(without_stage).service(router)`.
pub fn without_stage(request: lambda_http::Request) -> lambda_http::Request {
    use lambda_http::RequestExt;
    let (mut parts, body) = request.into_parts();
    let raw_path = parts.raw_http_path();
    if !raw_path.is_empty() && raw_path != parts.uri.path() {
        let path_and_query = match parts.uri.query() {
            Some(query) => format!("{raw_path}?{query}"),
            None => raw_path.to_owned(),
        };
        let mut uri = parts.uri.clone().into_parts();
        if let Ok(pq) = path_and_query.parse() {
            uri.path_and_query = Some(pq);
            if let Ok(rebuilt) = http::Uri::from_parts(uri) {
                parts.uri = rebuilt;
            }
        }
    }
    lambda_http::Request::from_parts(parts, body)
}

/// Text bodies stay text (no base64 in the API Gateway response); anything else is binary.
pub fn into_lambda_response(response: Response<Bytes>) -> Response<Body> {
    let is_text = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/") || t.starts_with("application/json"));
    response.map(|bytes| {
        if bytes.is_empty() {
            Body::Empty
        } else if is_text {
            match String::from_utf8(bytes.to_vec()) {
                Ok(text) => Body::Text(text),
                Err(e) => Body::Binary(e.into_bytes()),
            }
        } else {
            Body::Binary(bytes.to_vec())
        }
    })
}
