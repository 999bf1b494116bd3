//! The CSRF double-submit cookie: `<token>|<sha256-hex(token + secret)>`.

use std::fmt;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::{CookieNames, RandomSource, Secrets, SessionCookieError, SetCookie};

/// A CSRF token: 64 lower-case hex characters. It is handed to the page (`GET /csrf`) and must
/// come back in state-changing POSTs. `Debug` is redacted. There is no `PartialEq`: compare
/// with [`matches`](Self::matches), which runs in constant time.
#[derive(Clone)]
pub struct CsrfToken(Zeroizing<String>);

impl CsrfToken {
    /// The token's text, for the `{"csrfToken": ...}` body and HTML forms.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// Whether `candidate` (from a POST body) equals this token, compared in constant time.
    pub fn matches(&self, candidate: &str) -> bool {
        self.0.as_bytes().ct_eq(candidate.as_bytes()).into()
    }
}

impl fmt::Debug for CsrfToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CsrfToken([redacted])")
    }
}

/// The result of looking at a request's CSRF cookie.
#[derive(Debug, Clone)]
pub struct CsrfOutcome {
    /// The token of the request's valid cookie, or a fresh one.
    pub token: CsrfToken,
    /// `true` only for a POST whose body carried the token of a valid cookie.
    pub verified: bool,
    /// The cookie to set when the request had no valid one.
    pub set_cookie: Option<SetCookie>,
}

/// Creates and verifies next-auth's CSRF double-submit cookie.
///
/// The hash input is `token + S` with `S` the secret's string form (v4: the secret; v5: the
/// secret list joined with `,` — so rotating a v5 secret invalidates CSRF cookies, as in
/// Auth.js). Unlike next-auth, both comparisons (cookie hash and body token) run in constant time,
/// and the token part must be 64 lower-case hex characters.
///
/// ```
/// use session_cookie::{CookieNames, CsrfProtection, OsRandom, Secrets, WireFormat};
///
/// let csrf = CsrfProtection::new(&CookieNames::new(WireFormat::NextAuthV4, false), &Secrets::single("s")?);
/// let (token, cookie) = csrf.issue(&OsRandom)?;
/// // The browser sends the cookie back; a POST body carries the token.
/// let outcome = csrf.check(Some(cookie.value()), true, Some(token.expose_secret()), &OsRandom)?;
/// assert!(outcome.verified);
/// assert!(outcome.set_cookie.is_none());
/// # Ok::<(), session_cookie::SessionCookieError>(())
/// ```
#[derive(Clone)]
pub struct CsrfProtection {
    hash_suffix: Zeroizing<String>,
    cookie_name: &'static str,
    secure: bool,
}

impl CsrfProtection {
    /// CSRF protection for the cookie names (format and security mode) and secrets given.
    pub fn new(names: &CookieNames, secrets: &Secrets) -> Self {
        CsrfProtection {
            hash_suffix: secrets.csrf_hash_suffix(names.format()),
            cookie_name: names.csrf_token(),
            secure: names.secure(),
        }
    }

    /// The CSRF cookie's name.
    pub fn cookie_name(&self) -> &'static str {
        self.cookie_name
    }

    fn hash_hex(&self, token: &str) -> Zeroizing<String> {
        let mut hasher = Sha256::new();
        hasher.update(token.as_bytes());
        hasher.update(self.hash_suffix.as_bytes());
        Zeroizing::new(hex_lower(&hasher.finalize()))
    }

    /// The token of a valid cookie value (`token|hash`, parts beyond the second ignored as in
    /// next-auth), or `None`.
    pub fn verify_cookie(&self, cookie_value: &str) -> Option<CsrfToken> {
        let mut parts = cookie_value.split('|');
        let (token, hash) = (parts.next()?, parts.next()?);
        if token.len() != 64
            || !token
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        {
            return None;
        }
        let expected = self.hash_hex(token);
        bool::from(expected.as_bytes().ct_eq(hash.as_bytes()))
            .then(|| CsrfToken(Zeroizing::new(token.to_owned())))
    }

    /// A fresh token and the cookie that carries it.
    pub fn issue(
        &self,
        rng: &dyn RandomSource,
    ) -> Result<(CsrfToken, SetCookie), SessionCookieError> {
        let bytes = Zeroizing::new(crate::env::random_array::<32>(rng)?);
        let token = Zeroizing::new(hex_lower(&*bytes));
        let hash = self.hash_hex(&token);
        let cookie = SetCookie::new(
            self.cookie_name,
            format!("{}|{}", &*token, &*hash),
            self.secure,
        );
        Ok((CsrfToken(token), cookie))
    }

    /// next-auth's `createCSRFToken`: reuse the token of a valid cookie (verified when `is_post`
    /// and the body carried it), or issue a new one with a cookie (never verified).
    pub fn check(
        &self,
        cookie_value: Option<&str>,
        is_post: bool,
        body_token: Option<&str>,
        rng: &dyn RandomSource,
    ) -> Result<CsrfOutcome, SessionCookieError> {
        if let Some(token) = cookie_value.and_then(|v| self.verify_cookie(v)) {
            let verified = is_post && body_token.is_some_and(|b| token.matches(b));
            return Ok(CsrfOutcome {
                token,
                verified,
                set_cookie: None,
            });
        }
        let (token, cookie) = self.issue(rng)?;
        Ok(CsrfOutcome {
            token,
            verified: false,
            set_cookie: Some(cookie),
        })
    }
}

impl fmt::Debug for CsrfProtection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CsrfProtection")
            .field("cookie_name", &self.cookie_name)
            .field("secure", &self.secure)
            .finish_non_exhaustive()
    }
}

pub(crate) fn hex_lower(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}
