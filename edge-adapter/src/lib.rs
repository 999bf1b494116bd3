//! The NextAuth session at CloudFront's edge: typed Lambda@Edge events and three handlers — a
//! session gate on viewer-request, the static-export rewrite for the S3 origin, and header
//! hygiene for the API Gateway origin.
//!
//! Lambda@Edge runs only Node.js and Python, so this crate is built to run as WebAssembly inside
//! a Node.js function (`examples/edge-function` packages it). It has no async code, no tokio, no
//! OpenSSL, never reads the clock (every handler takes `now`) and draws no random numbers
//! (the edge only decodes sessions): it builds for `wasm32-unknown-unknown` as is. The handlers
//! are pure functions of the event, the configuration and `now`.
//!
//! ```text
//! viewer ──▶ CloudFront ── viewer-request: gate::viewer_request ──▶ cache
//!                            │ protected path, no valid session → 302 /api/auth/signin?callbackUrl=…
//!                            │                                    (or 401 JSON under /api)
//!            cache miss ──▶ origin-request
//!                            ├─ S3 origin:     rewrite::origin_request    /docs → /docs/index.html, no cookies
//!                            └─ custom origin: api_origin::origin_request Host, allow-list, X-Forwarded-Host
//! ```
//!
//! # Quick start
//!
//! ```
//! use edge_adapter::{Decision, EdgeConfig, EdgeResult, handle_event_json};
//! use session_cookie::{SessionClaims, CookieNames, Secrets, TokenCodec, WireFormat};
//! # use session_cookie::{RandomSource, SessionCookieError};
//! # #[derive(Debug)] struct Fixed; impl RandomSource for Fixed {
//! #     fn fill(&self, d: &mut [u8]) -> Result<(), SessionCookieError> { d.fill(7); Ok(()) } }
//! # let rng = Fixed;
//!
//! // Once per cold start: keys are derived here.
//! let config = EdgeConfig::from_json(r#"{
//!     "wire_format": "v4",
//!     "secrets": ["the value of NEXTAUTH_SECRET"],
//!     "public_origin": "https://www.example.com",
//!     "protected_paths": ["/account/**"]
//! }"#)?;
//!
//! // A session the other tiers wrote (here: minted by session-cookie, as the Rust tier does).
//! let now = 1_767_225_600;
//! let names = CookieNames::new(WireFormat::NextAuthV4, true);
//! let codec = TokenCodec::for_session(&names, &Secrets::single("the value of NEXTAUTH_SECRET")?);
//! let mut claims = SessionClaims::new();
//! claims.insert("sub", "user-1");
//! let at = session_cookie::time::OffsetDateTime::from_unix_timestamp(now).expect("valid");
//! let token = codec.encode(&mut claims, at, &rng)?;
//!
//! let event = |cookie: &str| format!(r#"{{"Records":[{{"cf":{{
//!     "config":{{"distributionDomainName":"d111111abcdef8.cloudfront.net",
//!                "distributionId":"EDFDVBD6EXAMPLE","eventType":"viewer-request"}},
//!     "request":{{"clientIp":"203.0.113.178","method":"GET","uri":"/account","querystring":"tab=keys",
//!                 "headers":{{"cookie":[{{"key":"Cookie","value":"{cookie}"}}]}}}}}}}}]}}"#);
//!
//! let (_, decision) =
//!     handle_event_json(&config, &event(&format!("__Secure-next-auth.session-token={token}")), now)?;
//! assert_eq!(decision, Decision::SessionValid);
//!
//! let (json, decision) = handle_event_json(&config, &event("other=1"), now)?;
//! assert_eq!(decision, Decision::SignInRedirect { reason: "no_session" });
//! assert!(json.contains(r#""status":"302""#));
//! assert!(json.contains("callbackUrl=https%3A%2F%2Fwww.example.com%2Faccount%3Ftab%3Dkeys"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # What is where
//!
//! | Concern | Items |
//! |---|---|
//! | CloudFront events | [`events`]: [`CloudFrontEvent`], [`Request`], [`Response`], [`Origin`], [`Headers`] |
//! | configuration | [`EdgeConfig`], [`EdgeConfigBuilder`], [`PathPattern`], [`StaticExport`] |
//! | viewer-request | [`gate::viewer_request`] |
//! | origin-request, S3 | [`rewrite::origin_request`] |
//! | origin-request, API Gateway | [`api_origin::origin_request`] |
//! | dispatch | [`handle_event`], [`handle_event_json`], [`Decision`] |
//!
//! # Features
//!
//! | Feature | Default | What it adds |
//! |---|---|---|
//! | *(none)* | | The crate has no Cargo features. It depends on `session-cookie` without its `getrandom` feature, so nothing here can draw random bytes; a handler that ever needs them takes a [`session_cookie::RandomSource`], as the clock is taken as `now`. |
//!
//! # Which cookie is read
//!
//! One session cookie name per configured wire format: `__Secure-next-auth.session-token` /
//! `__Secure-authjs.session-token` when the public origin is `https://` (or none is configured),
//! the plain names for `http://`, as next-auth itself picks them — overridable with
//! [`EdgeConfigBuilder::with_secure_cookies`]. Chunked cookies (`.0`, `.1`, …) are put back
//! together. With both formats configured (a migration), the first format whose cookie is
//! present decides.
//!
//! # Security
//!
//! * Sessions are decoded by `session-cookie`, strict where next-auth is lenient: only the JWE
//!   algorithms next-auth emits, canonical base64url, bounded sizes, no `zip`; `exp` and `nbf`
//!   are checked with next-auth's 15 s tolerance against the `now` the caller passes.
//! * The gate never reads the plain-named cookie on an https site, so a cookie planted over http
//!   or from a sibling domain is ignored — next-auth's `getToken` reads whichever name it is told.
//! * Chunks must be `<name>.0 … <name>.n` without gaps, and an unchunked cookie next to chunks is
//!   refused (next-auth concatenates any cookie whose name starts with the session name).
//! * Paths are matched after percent-decoding and dot-segment removal, and protecting `/x` also
//!   protects its exported files (`/x/index.html`, `/x.html`, `/x/index.txt`, `/x.txt`), so
//!   `/%61ccount` or `/_next/../account` do not get around a rule.
//! * The user-id header is removed from every viewer request and only the gate (and the API
//!   origin handler, after decoding the cookie itself) sets it.
//! * Generated answers carry `Cache-Control: private, no-cache, no-store` and do not say why a
//!   session was refused; [`Decision`] carries the reason for logs.
//! * S3 never receives cookies.
//! * Not protected: the build output under `/_next/` (excluded by default so the sign-in page
//!   can load its scripts). A static export is public by nature; put nothing secret in it and
//!   keep per-user data behind the API.
//!
//! Errors ([`EdgeError`]) and `Debug` output never contain secrets, cookie values or bodies.
//!
//! # Interop
//!
//! The gate is tested with session cookies written by `next-auth` **4.24.15** and `@auth/core`
//! **0.41.3** (the workspace's vector files, chunked ones included) and by this workspace's Rust
//! tier, and, packaged as WebAssembly, by the Node test of `examples/edge-function`. The event
//! types follow the shapes in CloudFront's developer guide ("Lambda@Edge event structure").
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod api_origin;
mod config;
mod error;
pub mod events;
pub mod gate;
mod handler;
mod headers;
mod pattern;
pub mod rewrite;

pub use config::{
    DEFAULT_API_HEADER_ALLOWLIST, DEFAULT_API_PREFIX, DEFAULT_EXCLUDED_PATHS, DEFAULT_SIGNIN_PATH,
    EdgeConfig, EdgeConfigBuilder,
};
pub use error::EdgeError;
pub use events::{CloudFrontEvent, EdgeResult, EventType, Origin, Request, Response};
pub use handler::{Decision, Handled, handle_event, handle_event_json};
pub use headers::{HeaderValue, Headers};
pub use pattern::{CanonicalPath, PathPattern};
pub use rewrite::StaticExport;
/// The public origin type of the workspace (re-exported from [`session_cookie`]).
pub use session_cookie::PublicOrigin;

/// Re-exported so callers name the same types this crate's API uses.
pub use session_cookie;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
