//! OAuth check cookies: `state`, PKCE `code_verifier` and OIDC `nonce`.
//!
//! Each value travels to the IdP in the authorization request and back in the callback; the
//! cookie keeps the expected value, sealed as a JWE with HKDF salt = the cookie's own name,
//! `{"value", "provider", "iat", "exp", "jti"}`, 15 minutes. A cookie is only valid for the
//! provider that created it (next-auth ≥ 4.24.15 checks this too).

use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

use crate::{
    CookieNames, RandomSource, RequestCookies, Secrets, SessionClaims, SessionCookieError,
    SetCookie, TokenCodec, b64,
};

/// Lifetime of a check cookie, in seconds (15 minutes, as next-auth).
pub const CHECK_MAX_AGE_SECS: i64 = 900;

/// Which check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CheckKind {
    /// The `state` parameter (login CSRF).
    State,
    /// The PKCE `code_verifier` (RFC 7636).
    PkceCodeVerifier,
    /// The OIDC `nonce`, echoed inside the id_token.
    Nonce,
}

impl CheckKind {
    /// A short label for messages.
    pub fn label(self) -> &'static str {
        match self {
            CheckKind::State => "state",
            CheckKind::PkceCodeVerifier => "pkce",
            CheckKind::Nonce => "nonce",
        }
    }
}

/// Seals and opens the three check cookies for one wire format and security mode.
///
/// ```
/// use session_cookie::{CheckKind, CookieNames, OAuthChecks, OsRandom, RequestCookies, Secrets, WireFormat};
/// use time::OffsetDateTime;
///
/// let names = CookieNames::new(WireFormat::NextAuthV4, false);
/// let checks = OAuthChecks::new(&names, &Secrets::single("s")?);
/// let now = OffsetDateTime::now_utc();
///
/// let state = OAuthChecks::random_value(&OsRandom)?;
/// let cookie = checks.seal(CheckKind::State, &state, "cognito", now, &OsRandom)?;
///
/// let header = format!("{}={}", cookie.name(), cookie.value());
/// let cookies = RequestCookies::parse(&header);
/// assert_eq!(checks.open(CheckKind::State, &cookies, "cognito", now)?, state);
/// assert!(checks.open(CheckKind::State, &cookies, "github", now).is_err());
/// # Ok::<(), session_cookie::SessionCookieError>(())
/// ```
#[derive(Debug, Clone)]
pub struct OAuthChecks {
    names: CookieNames,
    state: TokenCodec,
    pkce: TokenCodec,
    nonce: TokenCodec,
    state_param: TokenCodec,
}

impl OAuthChecks {
    /// Check cookies for the names (format and security mode) and secrets given.
    pub fn new(names: &CookieNames, secrets: &Secrets) -> Self {
        let format = names.format();
        let codec =
            |salt: &str| TokenCodec::new(format, secrets, salt).with_max_age(CHECK_MAX_AGE_SECS);
        OAuthChecks {
            names: names.clone(),
            state: codec(names.state()),
            pkce: codec(names.pkce_code_verifier()),
            nonce: codec(names.nonce()),
            state_param: codec("encodedState"),
        }
    }

    /// 32 random bytes as base64url (43 characters): a state, verifier or nonce value.
    pub fn random_value(rng: &dyn RandomSource) -> Result<String, SessionCookieError> {
        Ok(b64::encode(crate::env::random_array::<32>(rng)?))
    }

    /// The PKCE `S256` challenge of a verifier: `b64u(SHA-256(verifier))`.
    pub fn pkce_challenge(verifier: &str) -> String {
        b64::encode(Sha256::digest(verifier.as_bytes()))
    }

    /// The name of the cookie for `kind`.
    pub fn cookie_name(&self, kind: CheckKind) -> &'static str {
        match kind {
            CheckKind::State => self.names.state(),
            CheckKind::PkceCodeVerifier => self.names.pkce_code_verifier(),
            CheckKind::Nonce => self.names.nonce(),
        }
    }

    fn codec(&self, kind: CheckKind) -> &TokenCodec {
        match kind {
            CheckKind::State => &self.state,
            CheckKind::PkceCodeVerifier => &self.pkce,
            CheckKind::Nonce => &self.nonce,
        }
    }

    /// The cookie that remembers `value` for `provider_id` for 15 minutes.
    ///
    /// As next-auth: `state` and PKCE cookies carry `Max-Age=900` and `Expires`, the nonce
    /// cookie only `Expires`.
    pub fn seal(
        &self,
        kind: CheckKind,
        value: &str,
        provider_id: &str,
        now: OffsetDateTime,
        rng: &dyn RandomSource,
    ) -> Result<SetCookie, SessionCookieError> {
        let mut claims = SessionClaims::new();
        claims.insert("value", value);
        claims.insert("provider", provider_id);
        let sealed = self.codec(kind).encode(&mut claims, now, rng)?;
        let cookie = SetCookie::new(self.cookie_name(kind), sealed, self.names.secure())
            .with_expires(now + Duration::seconds(CHECK_MAX_AGE_SECS));
        Ok(match kind {
            CheckKind::Nonce => cookie,
            CheckKind::State | CheckKind::PkceCodeVerifier => {
                cookie.with_max_age(CHECK_MAX_AGE_SECS)
            }
        })
    }

    /// The value sealed in the request's `kind` cookie, if it was made for `provider_id` and has
    /// not expired.
    pub fn open(
        &self,
        kind: CheckKind,
        cookies: &RequestCookies<'_>,
        provider_id: &str,
        now: OffsetDateTime,
    ) -> Result<String, SessionCookieError> {
        let sealed = cookies
            .get(self.cookie_name(kind))
            .filter(|v| !v.is_empty())
            .ok_or(SessionCookieError::CheckMissing(kind.label()))?;
        let claims = self.codec(kind).decode(sealed, now)?;
        if claims.get_str("provider") != Some(provider_id) {
            return Err(SessionCookieError::CheckProviderMismatch(kind.label()));
        }
        match claims.get_str("value") {
            Some(value) if !value.is_empty() => Ok(value.to_owned()),
            _ => Err(SessionCookieError::CheckValueMissing(kind.label())),
        }
    }

    /// The cookie that deletes the `kind` cookie once the callback used it.
    pub fn clear(&self, kind: CheckKind) -> SetCookie {
        SetCookie::clearing(self.cookie_name(kind), self.names.secure())
    }

    /// Auth.js v5 sends an encrypted `state` parameter: a JWE (salt `encodedState`, 15 minutes)
    /// of `{"random": <43 chars>[, "origin": ...]}`; its cookie then seals that whole string.
    pub fn encode_state_param(
        &self,
        origin: Option<&str>,
        now: OffsetDateTime,
        rng: &dyn RandomSource,
    ) -> Result<String, SessionCookieError> {
        let mut claims = SessionClaims::new();
        claims.insert("random", Self::random_value(rng)?);
        if let Some(origin) = origin {
            claims.insert("origin", origin);
        }
        self.state_param.encode(&mut claims, now, rng)
    }

    /// Decode an Auth.js v5 `state` parameter made by
    /// [`encode_state_param`](Self::encode_state_param).
    pub fn decode_state_param(
        &self,
        state: &str,
        now: OffsetDateTime,
    ) -> Result<SessionClaims, SessionCookieError> {
        self.state_param.decode(state, now)
    }
}
