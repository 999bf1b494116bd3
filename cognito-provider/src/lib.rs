//! Sign in with Amazon Cognito through [`auth_core`], with every OpenID Connect check on — and
//! verify Cognito's tokens in Rust APIs.
//!
//! * [`Cognito`]: auth-core's `Provider` for a user pool: discovery (fetched once), PKCE `S256`,
//!   `state` and `nonce` sealed in provider-bound check cookies, the code exchange with
//!   `client_secret_basic` (or `_post`, or a public client), and an id_token verified against the
//!   pool's JWKS (RS256 only; `iss`, `aud`, `exp`/`nbf` with 30 s leeway, `nonce`,
//!   `token_use: "id"`). Opt in to token refresh ([`Cognito::refreshing_callbacks`]) and to
//!   hosted-UI logout ([`CognitoBuilder::hosted_ui_logout`]).
//! * [`CognitoJwtVerifier`]: for APIs that receive Cognito access or id tokens as `Bearer`, the
//!   checks `aws-jwt-verify` makes, with typed errors; with the `axum` feature,
//!   `CognitoBearer` extracts and verifies the `Authorization: Bearer` token of a request.
//!
//! # Features
//!
//! | Feature | Default | What it adds |
//! |---|---|---|
//! | `axum` | no | `CognitoBearer`: the axum extractor (401 / 403 with `WWW-Authenticate` as RFC 6750 says) |
//!
//! # Quick start
//!
//! ```no_run
//! use auth_core::{AuthConfig, AuthHandler};
//! use cognito_provider::Cognito;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // COGNITO_ISSUER, COGNITO_CLIENT_ID, COGNITO_CLIENT_SECRET; NEXTAUTH_URL, NEXTAUTH_SECRET.
//! let cognito = Cognito::from_env()?.refresh_tokens(true).hosted_ui_logout().build()?;
//! let config = AuthConfig::from_env()?
//!     .callbacks(cognito.refreshing_callbacks(auth_core::DefaultCallbacks))
//!     .provider(cognito)
//!     .build()?;
//! let auth = AuthHandler::new(config);
//! # let _ = auth; Ok(()) }
//! ```
//!
//! # What each failure becomes
//!
//! In the sign-in flow every failure below ends on next-auth's error redirect
//! (`/api/auth/error?error=OAuthCallback` with next-auth 4, `...signin?error=OAuthCallbackError`
//! or `...error?error=Configuration` with Auth.js) and never in a session: a missing, expired,
//! mismatched or foreign `state`/PKCE/`nonce` check cookie (auth-core), and from this crate
//! [`CognitoError::TokenRefused`] (a PKCE verifier the IdP refuses, a reused code),
//! [`CognitoError::Http`] (naming the URL and the [`HttpCause`]),
//! [`CognitoError::AlgorithmNotAllowed`] (`none`, HS256), [`CognitoError::InvalidSignature`],
//! [`CognitoError::UnknownKey`], [`CognitoError::WrongIssuer`], [`CognitoError::WrongAudience`],
//! [`CognitoError::WrongTokenUse`], [`CognitoError::Expired`], [`CognitoError::NonceMismatch`].
//!
//! # Security
//!
//! * The issuer, and every endpoint a discovery document names, must be `https` — plain `http`
//!   is accepted only on loopback hosts (127.0.0.0/8, `::1`, `localhost`), so local stand-ins
//!   work without a flag and nothing else can downgrade.
//! * HTTP requests to the IdP have bounded timeouts (3 s connect, 5 s total by default) and do
//!   not follow redirects.
//! * An unknown `kid` refetches the JWKS at most once per 10 s, which also spaces retries after a
//!   failed fetch.
//!
//! # Interop
//!
//! The provider answers next-auth 4.24.15's and @auth/core 0.41.3's Cognito provider on the
//! wire: same id (`cognito`), `type` (`oauth` / `oidc`), authorization parameters in their
//! order, default scopes, and profile mapping (`sub` → id, `name`, `email`, `picture` → image).

#[cfg(feature = "axum")]
mod bearer;
mod config;
mod discovery;
mod error;
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing;
mod groups;
mod http;
mod id_token;
mod jwks;
mod jwt;
mod profile;
mod provider;
mod refresh;
mod verifier;

/// What [`CognitoJwtVerifier`] refuses although aws-jwt-verify would accept it, and why: the
/// allow-list of the differential suite (`interop/differential`), quoted here as the suite
/// reads it.
#[doc = include_str!("../strict-on-input.md")]
pub mod strict_on_input {}

#[cfg(feature = "axum")]
pub use bearer::{BearerRejection, CognitoBearer};
pub use config::{CognitoBuilder, DEFAULT_LEEWAY_SECS};
pub use error::{CognitoError, HttpCause};
pub use groups::{DEFAULT_GROUPS_CLAIM, GroupsInSession};
pub use http::Timeouts;
pub use jwks::DEFAULT_JWKS_REFETCH_INTERVAL;
pub use provider::{ClientAuthMethod, Cognito};
pub use refresh::{REFRESH_ERROR, RefreshingCallbacks};
pub use verifier::{CognitoJwtVerifier, CognitoJwtVerifierBuilder, TokenUse, VerifiedToken};

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
