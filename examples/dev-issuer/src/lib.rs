//! A development-only OpenID Connect issuer shaped like an Amazon Cognito user pool, so the local
//! stack can sign users in with no AWS account.
//!
//! **Local development only.** It keeps demo users with published passwords in memory, serves
//! plain `http://`, and refuses to listen anywhere but loopback unless told otherwise with a
//! loudly named option. Never deploy it.
//!
//! # Quick start
//!
//! ```no_run
//! use dev_issuer::{DevClient, DevIssuer, DevUser};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let issuer = DevIssuer::builder()
//!     .pool_id("local_DevPool")
//!     .client(
//!         DevClient::confidential("local-client", "local-client-secret")
//!             .redirect_uri("http://127.0.0.1:3000/api/auth/callback/cognito")
//!             .logout_uri("http://127.0.0.1:3000/"),
//!     )
//!     .users(DevUser::demo_users())
//!     .build()?; // generates a fresh 2048-bit RSA key
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let running = issuer.serve(listener)?;
//! for line in running.describe() {
//!     println!("{line}");
//! }
//! // Give `running.issuer_url()` to the Cognito provider as its issuer.
//! // ...
//! running.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! Or take an [`axum::Router`] and serve it yourself: `issuer.router("http://127.0.0.1:9000")?`.
//!
//! # What it serves (Cognito's paths and shapes)
//!
//! | Endpoint | Notes |
//! |---|---|
//! | `GET /<pool>/.well-known/openid-configuration` | Cognito's document: no `code_challenge_methods_supported`, no `end_session_endpoint` |
//! | `GET /<pool>/.well-known/jwks.json` | one RS256 key (`kty`, `alg`, `use`, `kid`, `n`, `e`) |
//! | `GET`, `POST /oauth2/authorize` | code flow only; sign-in form; PKCE `S256`; `nonce`; `prompt=login`/`none`; remembers the browser for an hour (cookie `dev-issuer.<pool>`) |
//! | `POST /oauth2/token` | `authorization_code` (single use, 5 minutes, PKCE) and `refresh_token` (no rotation, as Cognito by default); `client_secret_basic`, `client_secret_post`, or public clients |
//! | `POST /oauth2/revoke` | revokes a refresh token |
//! | `GET`, `POST /oauth2/userInfo` | Cognito's response, with `email_verified` as the string `"true"`/`"false"` as Cognito sends it |
//! | `GET /logout?client_id&logout_uri` | clears the browser session; redirects only to a registered sign-out URL |
//!
//! Id tokens carry `sub`, `aud`, `iss`, `token_use: "id"`, `auth_time`, `iat`, `exp`, `nonce`,
//! `at_hash`, `jti`, `origin_jti`, `email`, `email_verified`, `name`, `picture`, `phone_number`,
//! `cognito:username` and `cognito:groups` (when the user has groups). Access tokens carry `sub`,
//! `iss`, `client_id`, `token_use: "access"`, `scope`, `username`, `cognito:groups`,
//! `auth_time`, `iat`, `exp`, `jti`, `origin_jti`, `version: 2`, and no `aud`, as Cognito's.
//!
//! # Security
//!
//! Even for development it is strict where a relying party's bugs would otherwise hide:
//!
//! - `client_id` and `redirect_uri` are checked first (exact string match) and their errors are
//!   shown as a page, never redirected; so are unregistered `logout_uri`s.
//! - Codes are single-use, expire after 5 minutes, are bound to client and `redirect_uri`; a
//!   replayed code also revokes the refresh token it produced. PKCE accepts `S256` only, requires
//!   the verifier when a challenge was sent, and rejects a verifier when none was.
//! - The sign-in form has a double-submit CSRF token and refuses cross-origin posts; pages are
//!   `no-store` and cannot be framed. Token responses are `no-store`.
//! - Passwords and client secrets are compared in constant time; `Debug` never prints them.
//! - The signing key is generated in memory at start-up and never written anywhere.
//!
//! # Interop
//!
//! Written against Cognito's documented hosted-UI and OIDC behaviour (November 2026); the id
//! tokens are checked in this crate's tests with `josekit` against the served JWKS.
//!
//! # Key generation time
//!
//! RSA key generation uses the pure-Rust `rsa` crate, whose big-integer arithmetic is slow
//! unoptimised: a 2048-bit key takes a few seconds in a debug build, ~0.1 s optimised. Workspaces
//! that run this in debug builds should optimise that one dependency:
//!
//! ```toml
//! [profile.dev.package.num-bigint-dig]
//! opt-level = 3
//! ```
//!
//! Tests that build many issuers can generate one [`DevSigningKey`] and pass it to each with
//! [`DevIssuerBuilder::signing_key`].

mod config;
mod error;
mod html;
mod issuer;
mod keys;
mod params;
mod routes;
mod state;
mod tokens;

pub use config::{ClientSecret, DevClient, DevUser, Password};
pub use error::DevIssuerError;
pub use issuer::{
    DEFAULT_POOL_ID, DEFAULT_TOKEN_VALIDITY, DevIssuer, DevIssuerBuilder, RunningIssuer,
};
pub use keys::{DevSigningKey, KEY_BITS};

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
