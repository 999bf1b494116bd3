//! Serve the `/api/auth/*` REST surface of NextAuth.js from Rust, so that a Next.js page using
//! `next-auth/react` (`useSession`, `signIn`, `signOut`) cannot tell whether Node or Rust answered.
//!
//! One framework-agnostic handler, [`AuthHandler`]: an `http::Request` in, an `http::Response`
//! out. Providers ([`Provider`]) and application callbacks ([`Callbacks`]) are traits. The
//! `axum` and `lambda` adapters (features of the same names) only translate.
//!
//! # Quick start
//!
//! ```
//! use auth_core::{AuthConfig, AuthHandler};
//! use auth_core::session_cookie::{Secrets, WireFormat};
//!
//! # fn main() -> Result<(), auth_core::AuthError> {
//! // The same variables next-auth reads: NEXTAUTH_SECRET, NEXTAUTH_URL (see `AuthConfig::from_env`).
//! let config = AuthConfig::builder(WireFormat::NextAuthV4, Secrets::single("same as the Next.js app")?)
//!     .public_url("https://app.example.com")?
//!     // .provider(cognito) with e.g. cognito_provider::Cognito
//!     .build()?;
//! let auth = AuthHandler::new(config);
//! // auth.handle(request).await answers /api/auth/session, /csrf, /providers, /signin, ...
//! // auth.get_token::<MyClaims>(request.headers()) reads the session in your own routes.
//! # let _ = auth; Ok(()) }
//! ```
//!
//! # Endpoints
//!
//! | Request | Answer |
//! |---|---|
//! | `GET /session` | the session JSON (`{}` v4 / `null` v5 without one); the token is re-issued (rolling expiry) |
//! | `POST /session` | `update(data)`: CSRF-checked, `jwt` callback with trigger `Update` |
//! | `GET /csrf` | `{"csrfToken"}` |
//! | `GET /providers` | the providers with their sign-in and callback URLs |
//! | `GET /signin`, `POST /signin/<id>` | sign-in page; start an OAuth sign-in (CSRF-checked) |
//! | `GET`/`POST /callback/<id>` | finish it: checks, code exchange, `sign_in` and `jwt` callbacks, session cookie |
//! | `GET /signout`, `POST /signout` | confirmation page; end the session (CSRF-checked) |
//! | `GET /error` | error page (v4 bounces sign-in errors to the sign-in page) |
//! | `POST /_log` | v4's client log beacon |
//!
//! Redirects follow the client's mode: a plain `302`, next-auth 4's `json=true` body field
//! (`200 {"url"}`) or Auth.js's `X-Auth-Return-Redirect` header.
//!
//! # Features
//!
//! | Feature | What it adds |
//! |---|---|
//! | `axum` | `axum::AuthService` to nest at the base path, `axum::Session` / `axum::MaybeSession` extractors, the `axum::SessionLayer` that keeps their answers out of caches, the `axum::RequireSession` layer |
//! | `lambda` | `lambda::run` (the handler) and `lambda::run_service` (any router): AWS Lambda behind API Gateway (HTTP and REST APIs) and Function URLs |
//!
//! # Where we differ from next-auth on purpose
//!
//! Compatible on the wire, strict on input:
//!
//! * Every response that sets a cookie or carries a session or CSRF token has
//!   `Cache-Control: private, no-cache, no-store` and `Vary: Cookie` (next-auth sends
//!   `Cache-Control` only on `GET /session` and `GET /csrf`), so a CDN can never cache one.
//!   Without a public URL (behind a trusted proxy) every answer is built from the request's host
//!   and is marked so too. The app's own axum routes get the same through
//!   `AuthHandler::session_layer` (feature `axum`).
//! * `callbackUrl` (body, query or cookie) is validated by parsing it as a browser would: same
//!   origin or a relative path that stays on it ([`redirect::default_redirect`]). next-auth
//!   tests string prefixes.
//! * An invalid `callbackUrl` or callback-url cookie is ignored and the cookie replaced; next-auth
//!   answers `500` (and keeps answering `500` while the cookie exists).
//! * Methods other than GET and POST get `405` with `Allow`; next-auth answers `400`.
//! * A bad-CSRF `POST /session` answers `400` with `{}` (v4) — next-auth 4's App Router handler
//!   sends the text `[object Object]`.
//! * Bodies above 64 KiB get `413`; malformed JSON bodies get `400`.
//! * Session and CSRF comparisons run in constant time; session chunks are read strictly (see
//!   [`session_cookie`]).
//! * `X-Forwarded-Host` / `X-Forwarded-Proto` are used only when configured
//!   ([`AuthConfigBuilder::trust_forwarded_headers`]).
//!
//! # Interop
//!
//! The recorded HTTP flows of `next-auth` 4.24.15 and `@auth/core` 0.41.3 are replayed through
//! this handler, directly and through both adapters; the workspace's interop suite runs a real
//! Next.js app and browser against it.

mod actions;
pub mod callbacks;
mod config;
mod context;
mod error;
mod handler;
mod pages;
pub mod provider;
pub mod redirect;
mod request;
mod response;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;
mod token;

#[cfg(feature = "axum")]
pub mod axum;
#[cfg(feature = "lambda")]
pub mod lambda;

/// Re-exported: implementing [`Callbacks`], [`Events`] or [`Provider`] needs it.
pub use async_trait::async_trait;
pub use callbacks::{
    Callbacks, DefaultCallbacks, Events, JwtParams, JwtTrigger, NoEvents, SignInDecision,
};
pub use config::{
    AuthConfig, AuthConfigBuilder, DEFAULT_MAX_BODY_BYTES, MAX_SESSION_MAX_AGE_SECS, Pages,
};
pub use error::{AuthError, BoxError};
pub use handler::AuthHandler;
pub use provider::Provider;
pub use session_cookie;
/// The public origin type of the workspace (re-exported from [`session_cookie`]).
pub use session_cookie::PublicOrigin;

/// The default base path, as next-auth's (`/api/auth`).
pub const DEFAULT_BASE_PATH: &str = "/api/auth";

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
