//! Every byte NextAuth.js puts on the wire: session tokens, cookie names, chunking, CSRF and
//! OAuth check cookies — for [`next-auth` 4](WireFormat::NextAuthV4) and
//! [Auth.js 5](WireFormat::AuthJsV5), byte-compatible with what they emit and strict about what
//! they accept.
//!
//! A Rust service that uses this crate reads the session cookie a Next.js app with next-auth
//! wrote, and writes one that next-auth reads back: the browser cannot tell the tiers apart.
//!
//! # Quick start
//!
//! Read the session from a request's `Cookie` header, then roll it over as next-auth does on
//! every `GET /api/auth/session`:
//!
//! ```
//! use session_cookie::{
//!     Clock, OsRandom, RequestCookies, Secrets, SessionClaims, SessionReader, SystemClock,
//!     WireFormat,
//! };
//!
//! // Once, at start-up: keys are derived here, not per request.
//! let secrets = Secrets::single("the value of NEXTAUTH_SECRET")?;
//! let sessions = SessionReader::new(WireFormat::NextAuthV4, &secrets);
//! let secure = false; // an http:// deployment: the plain cookie names
//! # let now = SystemClock.now();
//! # let mut c = SessionClaims::new(); c.insert("sub", "user-1");
//! # let cookie_header = format!("next-auth.session-token={}", sessions.encode(&mut c, secure, now, &OsRandom)?);
//!
//! // Per request: the one reader every tier of the workspace uses.
//! let now = SystemClock.now();
//! let cookies = RequestCookies::parse(&cookie_header);
//! let set_cookie = match sessions.read(&cookies, secure, now) {
//!     Ok(Some(mut claims)) => {
//!         println!("signed in as {:?}", claims.get_str("sub"));
//!         let fresh = sessions.encode(&mut claims, secure, now, &OsRandom)?;
//!         sessions.write(&cookies, secure, &fresh, now + time::Duration::days(30))
//!     }
//!     Ok(None) => Vec::new(),
//!     Err(_) => sessions.clear(&cookies, secure), // expired or tampered: signed out
//! };
//! for cookie in set_cookie {
//!     let _header_value: String = cookie.to_string(); // one `Set-Cookie` header each
//! }
//! # Ok::<(), session_cookie::SessionCookieError>(())
//! ```
//!
//! # What is where
//!
//! | Concern | Items |
//! |---|---|
//! | format, names, origin, settings | [`WireFormat`] (`"v4".parse()`), [`CookieNames`], [`PublicOrigin`], [`parse_flag`] |
//! | secrets and keys | [`AuthSecret`], [`Secrets`], [`kdf`] |
//! | the session of a request | [`SessionReader`]: the one reader every tier uses |
//! | session JWT | [`TokenCodec`] (one decoder, [`TokenCodec::decode_as`]), [`SessionClaims`], strict JSON in [`json`] |
//! | cookies in and out | [`RequestCookies`], [`SetCookie`], [`SessionCookie`] (chunks) |
//! | CSRF | [`CsrfProtection`], [`CsrfToken`] |
//! | OAuth checks | [`OAuthChecks`], [`CheckKind`] |
//! | `Authorization: Bearer` | [`bearer_token`] |
//! | time and randomness | [`Clock`], [`RandomSource`] |
//!
//! # Features
//!
//! | Feature | Default | What it adds |
//! |---|---|---|
//! | `getrandom` | yes | [`OsRandom`], randomness from the operating system. Turn it off for `wasm32-unknown-unknown` and pass your own [`RandomSource`]. |
//! | `thread-rng` | no | `ThreadRandom`, a thread-local CSPRNG seeded from the OS: no system call per token (auth-core's default). |
//!
//! The crate has no async code, no tokio and no OpenSSL: it builds for
//! `wasm32-unknown-unknown` (CloudFront's Lambda@Edge runs it inside Node.js). Nothing in it
//! reads the system clock on its own; every time check takes `now` as an argument.
//!
//! # Security
//!
//! Compatible on the wire, strict on input. Where next-auth accepts something it never emits,
//! this crate refuses it:
//!
//! | next-auth / Auth.js | this crate |
//! |---|---|
//! | v4 decodes any JWE jose 4 supports with a 32-byte key: `A256KW`, `A256GCMKW`, PBES2 (an attacker picks the PBKDF2 cost), `dir` + `A128CBC-HS256` | v4: `dir` + `A256GCM` only; v5: `dir` + `A256CBC-HS512` or `A256GCM`, as Auth.js ([`SessionCookieError::AlgorithmNotAllowed`]) |
//! | v4 inflates `zip: "DEF"` payloads (up to 250 kB) | refused ([`SessionCookieError::CompressionNotAllowed`]) |
//! | v4 decodes base64 leniently (`+`, `/`, junk, spare bits) | canonical unpadded base64url only |
//! | no size limit | tokens above 32 KiB are refused ([`DEFAULT_MAX_TOKEN_LEN`], adjustable) |
//! | chunks: every cookie whose name *starts with* the session name is concatenated | only `<name>` and `<name>.<n>`; gaps and an unchunked cookie next to chunks are errors ([`SessionCookieError::InvalidChunks`]) |
//! | CSRF hash and token compared with `===` | constant-time comparisons; the token must be 64 hex digits |
//! | no secret rotation in v4 | [`Secrets`] is a list in both formats: encode with the first, decode with any |
//!
//! Secrets ([`AuthSecret`]), derived keys and CSRF tokens have redacted `Debug` output and are
//! zeroed on drop; [`SessionClaims`] prints member names only; error messages never contain token
//! bytes or claim values.
//!
//! # Interop
//!
//! Tested against `next-auth` **4.24.15** (jose 4.15.9) and `@auth/core` **0.41.3** (jose 6.2.18,
//! as used by `next-auth` 5.0.0-beta.32): the vectors those packages produced are replayed in
//! this crate's tests, and the workspace's test command round-trips hundreds of random tokens
//! through the real npm packages in both directions.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod b64;
mod bearer;
mod checks;
pub mod chunk;
mod claims;
mod codec;
mod csrf;
mod env;
mod error;
mod format;
pub mod json;
mod jwe;
pub mod kdf;
mod names;
mod origin;
mod request_cookies;
mod secret;
mod session;
mod set_cookie;
mod settings;
mod strict;

/// What our readers refuse although next-auth or @auth/core would read it, and why: the
/// allow-list of the differential suite (`interop/differential`), quoted here as the suite
/// reads it.
#[doc = include_str!("../strict-on-input.md")]
pub mod strict_on_input {}

pub use bearer::bearer_token;
pub use checks::{CHECK_MAX_AGE_SECS, CheckKind, OAuthChecks};
pub use chunk::SessionCookie;
pub use claims::{CLOCK_TOLERANCE_SECS, SessionClaims};
pub use codec::{DEFAULT_MAX_AGE_SECS, DEFAULT_MAX_TOKEN_LEN, TokenCodec};
pub use csrf::{CsrfOutcome, CsrfProtection, CsrfToken};
#[cfg(feature = "getrandom")]
pub use env::OsRandom;
#[cfg(feature = "thread-rng")]
pub use env::ThreadRandom;
pub use env::{Clock, FixedClock, RandomSource, SystemClock};
pub use error::{ChunkProblem, Malformed, SessionCookieError};
pub use format::WireFormat;
pub use names::CookieNames;
pub use origin::PublicOrigin;
pub use request_cookies::{MAX_REQUEST_COOKIES, RequestCookies};
pub use secret::{AuthSecret, Secrets};
pub use session::SessionReader;
pub use set_cookie::{SameSite, SetCookie, encode_uri_component};
pub use settings::parse_flag;

/// Re-exported so callers name the same `time` types this crate's API uses.
pub use time;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
