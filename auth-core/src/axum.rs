//! axum 0.8 adapter: a service for the base path, session extractors and a protecting layer.
//!
//! # Responses built from a session are never stored by a cache
//!
//! A response that depends on who is signed in (claims, e-mail, groups) must not be kept by a
//! CDN or a shared proxy and handed to the next viewer. [`SessionLayer`]
//! ([`AuthHandler::session_layer`]) makes that structural: every response to a request whose
//! session a [`Session`] or [`MaybeSession`] extractor read gets
//! `Cache-Control: private, no-cache, no-store` and `Vary: Cookie`, whatever the handler wrote.
//! The extractors refuse to work without it (a `500` naming the missing layer, as axum's own
//! `Extension` does for a missing extension), so a route cannot forget it. [`RequireSession`]
//! does the same for the routes it protects.
//!
//! # Slow and oversized requests
//!
//! [`AuthService`] answers a declared `Content-Length` above
//! [`max_body_bytes`](crate::AuthConfigBuilder::max_body_bytes) with `413` before reading the
//! body. Timeouts belong to the server, which `axum::serve` does not set: serve the router with
//! a header read timeout (hyper's `http1::Builder::header_read_timeout`) and a body read timeout
//! (such as tower-http's `RequestBodyTimeoutLayer`), or a slow client holds a connection as long
//! as it likes. The local stack's `serve` module shows one way, with 10 s for each.
//!
//! ```no_run
//! use auth_core::axum::{MaybeSession, RequireSession, Session};
//! use auth_core::session_cookie::SessionClaims;
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
//! async fn admin(
//!     axum::Extension(claims): axum::Extension<SessionClaims>,
//! ) -> Json<serde_json::Value> {
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
//!     .layer(auth.session_layer()) // responses built from a session are never cached
//!     .with_state(auth);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! axum::serve(listener, app).await?;
//! # Ok(()) }
//! ```

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use axum::body::Body;
use axum::extract::{FromRef, FromRequestParts, OriginalUri};
use axum::response::{IntoResponse, Response};
use http::request::Parts;
use http::{HeaderValue, Request, StatusCode, header};
use serde::de::DeserializeOwned;
use session_cookie::SessionClaims;

use crate::AuthHandler;
use crate::response::make_private;

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

impl AuthHandler {
    /// A tower service answering `<base path>/*`, for `Router::route_service` or
    /// `Router::nest_service` (the original path is recovered from [`OriginalUri`]).
    pub fn service(&self) -> AuthService {
        AuthService {
            handler: self.clone(),
        }
    }

    /// The layer that marks responses built from a session as private (see the
    /// [module docs](self)); [`Session`] and [`MaybeSession`] need it around their routes.
    pub fn session_layer(&self) -> SessionLayer {
        SessionLayer { _private: () }
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
            // A declared length above the limit is answered before a byte of the body is read:
            // waiting for 100 MB that never come would pin the connection.
            if declared_length(&parts.headers).is_some_and(|length| length > limit as u64) {
                return Ok(too_large());
            }
            let bytes = match axum::body::to_bytes(body, limit).await {
                Ok(bytes) => bytes,
                Err(e) if is_length_limit(&e) => return Ok(too_large()),
                // The client went away or the server's body read timeout fired.
                Err(_) => {
                    return Ok((StatusCode::BAD_REQUEST, "Bad Request").into_response());
                }
            };
            let response = handler.handle(Request::from_parts(parts, bytes)).await;
            Ok(response.map(Body::from))
        })
    }
}

/// The request's `Content-Length`, when it is one well-formed number.
fn declared_length(headers: &http::HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

fn is_length_limit(error: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = e.source();
    }
    false
}

fn too_large() -> Response {
    let mut response = (StatusCode::PAYLOAD_TOO_LARGE, "Payload Too Large").into_response();
    // The rest of the body is not read: the connection cannot be reused.
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// The rejection of [`Session`] and [`RequireSession`]: `401` with a JSON body, never cached.
#[derive(Debug, Clone, Copy)]
pub struct Unauthorized;

impl IntoResponse for Unauthorized {
    fn into_response(self) -> Response {
        private_answer(
            StatusCode::UNAUTHORIZED,
            Some("application/json"),
            r#"{"error":"unauthorized","message":"sign in to use this endpoint"}"#,
        )
    }
}

/// An answer of this adapter's own (a rejection): never cached, like every session answer.
fn private_answer(
    status: StatusCode,
    content_type: Option<&'static str>,
    body: &'static str,
) -> Response {
    let mut response = (status, body).into_response();
    if let Some(content_type) = content_type {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    }
    make_private(response.headers_mut());
    response
}

/// Why [`Session`] or [`MaybeSession`] gave no value.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum SessionRejection {
    /// No valid session: [`Unauthorized`] (`401`).
    Unauthorized,
    /// The route is not inside [`AuthHandler::session_layer`]: a mistake in the app's router,
    /// answered `500` with a message naming the layer (axum's `Extension` answers a missing
    /// extension the same way). Without the layer the response could be cached.
    MissingSessionLayer,
}

impl IntoResponse for SessionRejection {
    fn into_response(self) -> Response {
        match self {
            SessionRejection::Unauthorized => Unauthorized.into_response(),
            SessionRejection::MissingSessionLayer => {
                tracing::error!(
                    "a Session/MaybeSession extractor ran outside AuthHandler::session_layer()"
                );
                private_answer(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    None,
                    "Missing auth_core::axum::SessionLayer: add `.layer(auth.session_layer())` \
                     to the router of this route",
                )
            }
        }
    }
}

/// Put into the request's extensions by [`SessionLayer`]; the extractors raise it when they
/// read the session, and the layer then marks the response private.
#[derive(Clone)]
struct SessionRead(Arc<AtomicBool>);

/// Flag the request as answered from its session; `Err` without the layer.
fn note_session_read(parts: &Parts) -> Result<(), SessionRejection> {
    let read = parts
        .extensions
        .get::<SessionRead>()
        .ok_or(SessionRejection::MissingSessionLayer)?;
    read.0.store(true, Ordering::Relaxed);
    Ok(())
}

/// The session of the request, required: `401` JSON when there is none or it is invalid.
///
/// Read by [`AuthHandler::get_token`]: the session cookie, or — when the request has none — a
/// next-auth session token in `Authorization: Bearer` (next-auth's `getToken` reads both; turn
/// the Bearer form off with [`bearer_sessions(false)`](crate::AuthConfigBuilder::bearer_sessions)
/// in a service whose Bearer tokens are Cognito's).
///
/// `T` is any deserializable view of the session token's claims (default: [`SessionClaims`]). Needs
/// `AuthHandler: FromRef<S>` (the handler in the router's state) and the route inside
/// [`AuthHandler::session_layer`], which keeps the response out of every cache.
#[derive(Debug, Clone)]
pub struct Session<T = SessionClaims>(pub T);

impl<S, T> FromRequestParts<S> for Session<T>
where
    AuthHandler: FromRef<S>,
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = SessionRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        note_session_read(parts)?;
        AuthHandler::from_ref(state)
            .get_token(&parts.headers)
            .map(Session)
            .ok_or(SessionRejection::Unauthorized)
    }
}

/// The session of the request, if there is a valid one. Like [`Session`], it needs
/// [`AuthHandler::session_layer`] around the route: the answer differs per viewer either way.
#[derive(Debug, Clone)]
pub struct MaybeSession<T = SessionClaims>(pub Option<T>);

impl<S, T> FromRequestParts<S> for MaybeSession<T>
where
    AuthHandler: FromRef<S>,
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = SessionRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        note_session_read(parts)?;
        Ok(MaybeSession(
            AuthHandler::from_ref(state).get_token(&parts.headers),
        ))
    }
}

/// The layer of [`AuthHandler::session_layer`]: responses to requests whose session an
/// extractor read get `Cache-Control: private, no-cache, no-store` and `Vary: Cookie`.
#[derive(Debug, Clone)]
pub struct SessionLayer {
    _private: (),
}

impl<S> tower_layer::Layer<S> for SessionLayer {
    type Service = SessionLayerService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        SessionLayerService { inner }
    }
}

/// The service of [`SessionLayer`].
#[derive(Debug, Clone)]
pub struct SessionLayerService<S> {
    inner: S,
}

impl<S, B> tower_service::Service<Request<B>> for SessionLayerService<S>
where
    S: tower_service::Service<Request<B>, Response = Response> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = BoxFuture<Result<Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<B>) -> Self::Future {
        let read = Arc::new(AtomicBool::new(false));
        req.extensions_mut().insert(SessionRead(read.clone()));
        // Call the instance that was polled ready; leave a fresh clone in its place.
        let clone = self.inner.clone();
        let mut ready = std::mem::replace(&mut self.inner, clone);
        Box::pin(async move {
            let mut response = ready.call(req).await?;
            if read.load(Ordering::Relaxed) {
                make_private(response.headers_mut());
            }
            Ok(response)
        })
    }
}

/// A layer that lets only requests with a valid session through (others get [`Unauthorized`]),
/// puts the session's [`SessionClaims`] into the request extensions, and marks every response
/// private (`Cache-Control: private, no-cache, no-store`, `Vary: Cookie`).
///
/// With [`any_group`](Self::any_group), a session must also name one of the groups in its
/// `groups` claim (what `cognito_provider::GroupsInSession` writes): `401` without a session,
/// `403` with one that lacks the groups.
///
/// ```
/// # use auth_core::{AuthConfig, AuthHandler};
/// # use auth_core::session_cookie::{Secrets, WireFormat};
/// use auth_core::axum::RequireSession;
/// use axum::{Router, routing::get};
///
/// # let auth = AuthHandler::new(AuthConfig::builder(WireFormat::NextAuthV4, Secrets::single("s").unwrap())
/// #     .public_url("http://localhost:3000").unwrap().build().unwrap());
/// let admin: Router = Router::new()
///     .route("/api/admin", get(|| async { "admins only" }))
///     .layer(RequireSession::new(auth.clone()).any_group(["admins"]));
/// ```
#[derive(Debug, Clone)]
pub struct RequireSession {
    auth: AuthHandler,
    groups: Option<Arc<[String]>>,
    claim: Arc<str>,
}

impl RequireSession {
    /// Protect with `auth`'s sessions.
    pub fn new(auth: AuthHandler) -> Self {
        RequireSession {
            auth,
            groups: None,
            claim: Arc::from("groups"),
        }
    }

    /// Also require one of `groups` in the session's `groups` claim (`403` otherwise).
    #[must_use]
    pub fn any_group<I: IntoIterator<Item = S>, S: Into<String>>(mut self, groups: I) -> Self {
        self.groups = Some(groups.into_iter().map(Into::into).collect());
        self
    }

    /// Read the groups from `claim` instead of `groups`.
    #[must_use]
    pub fn groups_claim(mut self, claim: &str) -> Self {
        self.claim = Arc::from(claim);
        self
    }

    fn allows(&self, claims: &SessionClaims) -> bool {
        let Some(required) = &self.groups else {
            return true;
        };
        claims
            .get(&self.claim)
            .and_then(serde_json::Value::as_array)
            .is_some_and(|held| {
                held.iter()
                    .filter_map(serde_json::Value::as_str)
                    .any(|g| required.iter().any(|r| r == g))
            })
    }
}

/// The answer of [`RequireSession::any_group`] to a session without the groups: `403` JSON,
/// never cached.
#[derive(Debug, Clone, Copy)]
pub struct Forbidden;

impl IntoResponse for Forbidden {
    fn into_response(self) -> Response {
        private_answer(
            StatusCode::FORBIDDEN,
            Some("application/json"),
            r#"{"error":"forbidden","message":"your account may not use this endpoint"}"#,
        )
    }
}

impl<S> tower_layer::Layer<S> for RequireSession {
    type Service = RequireSessionService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RequireSessionService {
            rule: self.clone(),
            inner,
        }
    }
}

/// The service of [`RequireSession`].
#[derive(Debug, Clone)]
pub struct RequireSessionService<S> {
    rule: RequireSession,
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
        match self.rule.auth.session_claims(req.headers()) {
            Some(claims) if !self.rule.allows(&claims) => {
                Box::pin(async { Ok(Forbidden.into_response()) })
            }
            Some(claims) => {
                req.extensions_mut().insert(claims);
                // Call the instance that was polled ready; leave a fresh clone in its place.
                let clone = self.inner.clone();
                let mut ready = std::mem::replace(&mut self.inner, clone);
                Box::pin(async move {
                    let mut response = ready.call(req).await?;
                    make_private(response.headers_mut());
                    Ok(response)
                })
            }
            None => Box::pin(async { Ok(Unauthorized.into_response()) }),
        }
    }
}
