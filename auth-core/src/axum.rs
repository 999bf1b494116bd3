//! axum 0.8 adapter: a service for the base path, session extractors and a protecting layer.
//!
//! ```no_run
//! use auth_core::axum::{MaybeSession, RequireSession, Session};
//! use auth_core::session_cookie::Claims;
//! use auth_core::{AuthConfig, AuthHandler};
//! use axum::{Json, Router, routing::get};
//!
//! #[derive(serde::Deserialize)]
//! struct User { sub: String }
//!
//! async fn me(Session(user): Session<User>) -> String { user.sub }
//! async fn hello(MaybeSession(user): MaybeSession<User>) -> String {
//!     user.map_or("hello, stranger".into(), |u| format!("hello, {}", u.sub))
//! }
//! async fn admin(axum::Extension(claims): axum::Extension<Claims>) -> Json<serde_json::Value> {
//!     Json(claims.into_map().into())
//! }
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let auth = AuthHandler::new(AuthConfig::from_env()?.build()?);
//! let app = Router::new()
//!     .route("/api/me", get(me))
//!     .route("/api/hello", get(hello))
//!     .merge(Router::new().route("/api/admin", get(admin)).layer(RequireSession::new(auth.clone())))
//!     .merge(auth.router()) // /api/auth/*
//!     .with_state(auth);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! axum::serve(listener, app).await?;
//! # Ok(()) }
//! ```

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::extract::{FromRef, FromRequestParts, OriginalUri};
use axum::response::{IntoResponse, Response};
use http::request::Parts;
use http::{HeaderValue, Request, StatusCode, header};
use serde::de::DeserializeOwned;
use session_cookie::Claims;

use crate::AuthHandler;

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

impl AuthHandler {
    /// A tower service answering `<base path>/*`, for `Router::route_service` or
    /// `Router::nest_service` (the original path is recovered from [`OriginalUri`]).
    pub fn service(&self) -> AuthService {
        AuthService {
            handler: self.clone(),
        }
    }

    /// A router with the handler at `<base path>/{*action}`, to `merge` into the app's router.
    pub fn router<S: Clone + Send + Sync + 'static>(&self) -> axum::Router<S> {
        let path = format!("{}/{{*action}}", self.config().base_path());
        axum::Router::new().route_service(&path, self.service())
    }
}

/// The handler as a tower service (see [`AuthHandler::service`]).
#[derive(Clone, Debug)]
pub struct AuthService {
    handler: AuthHandler,
}

impl tower_service::Service<Request<Body>> for AuthService {
    type Response = Response;
    type Error = Infallible;
    type Future = BoxFuture<Result<Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<Body>) -> Self::Future {
        let handler = self.handler.clone();
        Box::pin(async move {
            let (mut parts, body) = req.into_parts();
            // Nested services see a stripped path; the handler routes on the full one.
            if let Some(OriginalUri(uri)) = parts.extensions.get::<OriginalUri>() {
                parts.uri = uri.clone();
            }
            let limit = handler.config().max_body_bytes;
            let bytes = match axum::body::to_bytes(body, limit).await {
                Ok(bytes) => bytes,
                Err(_) => {
                    return Ok((StatusCode::PAYLOAD_TOO_LARGE, "Payload Too Large").into_response());
                }
            };
            let response = handler.handle(Request::from_parts(parts, bytes)).await;
            Ok(response.map(Body::from))
        })
    }
}

/// The rejection of [`Session`] and [`RequireSession`]: `401` with a JSON body, never cached.
#[derive(Debug, Clone, Copy)]
pub struct Unauthorized;

impl IntoResponse for Unauthorized {
    fn into_response(self) -> Response {
        let mut response = (
            StatusCode::UNAUTHORIZED,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            r#"{"error":"unauthorized","message":"sign in to use this endpoint"}"#,
        )
            .into_response();
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-cache, no-store"),
        );
        response
    }
}

/// The session of the request, required: `401` JSON when there is none or it is invalid.
///
/// `T` is any deserializable view of the session token's claims (default: [`Claims`]). Needs
/// `AuthHandler: FromRef<S>` (the handler in the router's state).
#[derive(Debug, Clone)]
pub struct Session<T = Claims>(pub T);

impl<S, T> FromRequestParts<S> for Session<T>
where
    AuthHandler: FromRef<S>,
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = Unauthorized;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        AuthHandler::from_ref(state)
            .get_token(&parts.headers)
            .map(Session)
            .ok_or(Unauthorized)
    }
}

/// The session of the request, if there is a valid one.
#[derive(Debug, Clone)]
pub struct MaybeSession<T = Claims>(pub Option<T>);

impl<S, T> FromRequestParts<S> for MaybeSession<T>
where
    AuthHandler: FromRef<S>,
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeSession(
            AuthHandler::from_ref(state).get_token(&parts.headers),
        ))
    }
}

/// A layer that lets only requests with a valid session through (others get [`Unauthorized`]),
/// and puts the session's [`Claims`] into the request extensions.
#[derive(Debug, Clone)]
pub struct RequireSession {
    auth: AuthHandler,
}

impl RequireSession {
    /// Protect with `auth`'s sessions.
    pub fn new(auth: AuthHandler) -> Self {
        RequireSession { auth }
    }
}

impl<S> tower_layer::Layer<S> for RequireSession {
    type Service = RequireSessionService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RequireSessionService {
            auth: self.auth.clone(),
            inner,
        }
    }
}

/// The service of [`RequireSession`].
#[derive(Debug, Clone)]
pub struct RequireSessionService<S> {
    auth: AuthHandler,
    inner: S,
}

impl<S> tower_service::Service<Request<Body>> for RequireSessionService<S>
where
    S: tower_service::Service<Request<Body>, Response = Response, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = BoxFuture<Result<Response, Infallible>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<Body>) -> Self::Future {
        match self.auth.session_claims(req.headers()) {
            Some(claims) => {
                req.extensions_mut().insert(claims);
                // Call the instance that was polled ready; leave a fresh clone in its place.
                let clone = self.inner.clone();
                let mut ready = std::mem::replace(&mut self.inner, clone);
                Box::pin(async move { ready.call(req).await })
            }
            None => Box::pin(async { Ok(Unauthorized.into_response()) }),
        }
    }
}
