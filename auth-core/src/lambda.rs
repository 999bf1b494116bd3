//! AWS Lambda adapter: the handler, or any router, behind API Gateway (HTTP API payload 2.0,
//! REST API 1.0), Function URLs and ALB, via `lambda_http`.
//!
//! `lambda_http` does all of the event translation: the v2 request's `cookies` array becomes the
//! `Cookie` header, several `Set-Cookie` headers go out in the v2 response's `cookies` array
//! (`multiValueHeaders` for REST APIs), and a body is sent as text or base64 by its
//! `Content-Type`. This module adds one thing, [`without_stage`], so that routes are matched on
//! the path the browser asked for.
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
//!
//! An app with routes of its own (an axum `Router` with `auth.router()` merged in) runs the same
//! way with [`run_service`]: `lambda_http::Request` is an `http::Request` whose body axum reads
//! as is.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::Full;
use lambda_http::Service;

use crate::AuthHandler;

/// The error type of the Lambda runtime.
pub type LambdaError = lambda_http::Error;

/// Serve `handler`'s `/api/auth/*` on the Lambda runtime until it shuts the process down:
/// [`run_service`] over [`service`].
pub async fn run(handler: AuthHandler) -> Result<(), LambdaError> {
    run_service(service(handler)).await
}

/// Serve any tower service — an axum `Router`, [`service`] — on the Lambda runtime, routing on
/// the stage-free path ([`without_stage`]). This is `lambda_http::run`, nothing added but the
/// path.
pub async fn run_service<S, R, E>(inner: S) -> Result<(), LambdaError>
where
    S: Service<lambda_http::Request, Response = R, Error = E> + Send,
    S::Future: Send + 'static,
    R: lambda_http::IntoResponse,
    E: std::fmt::Debug + Into<lambda_http::lambda_runtime::Diagnostic>,
{
    lambda_http::run(WithoutStage { inner }).await
}

/// `handler` as a service of `lambda_http` requests (the body read whole, as API Gateway
/// delivers it). Wrap it in [`WithoutStage`] or pass it to [`run_service`].
pub fn service(
    handler: AuthHandler,
) -> impl Service<
    lambda_http::Request,
    Response = Response<Full<Bytes>>,
    Error = Infallible,
    Future: Send,
> + Clone {
    lambda_http::service_fn(move |request: lambda_http::Request| {
        let handler = handler.clone();
        async move {
            let (parts, body) = request.into_parts();
            let bytes = Bytes::copy_from_slice(body.as_ref());
            let response = handler.handle(Request::from_parts(parts, bytes)).await;
            Ok(response.map(Full::new))
        }
    })
}

/// A service that sees requests through [`without_stage`]: what [`run_service`] runs, and
/// what a test drives through `lambda_http::Adapter` to exercise the same path.
#[derive(Debug, Clone)]
pub struct WithoutStage<S> {
    /// The service routed on the stage-free path.
    pub inner: S,
}

impl<S> Service<lambda_http::Request> for WithoutStage<S>
where
    S: Service<lambda_http::Request>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: lambda_http::Request) -> Self::Future {
        Box::pin(self.inner.call(without_stage(request)))
    }
}

/// The request with its URI path as the client sent it: `lambda_http` prefixes the path of a
/// REST API (or a named HTTP API stage) with the stage (`/prod/api/auth/...`), so that a base
/// path would have to name the stage. [`run_service`] and [`WithoutStage`] apply it.
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
