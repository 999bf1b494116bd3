//! Cookie names for v4 and v5, plain and secure, in one place.

use std::borrow::Cow;

use crate::WireFormat;

/// The names of every cookie next-auth sets, for one wire format and one security mode.
///
/// Secure mode (an `https://` deployment) prefixes names with `__Secure-`, except the CSRF cookie,
/// which gets the stricter `__Host-` prefix. Browsers only accept such cookies with `Secure` and,
/// for `__Host-`, `Path=/` and no `Domain` — which is what this crate emits.
///
/// ```
/// use session_cookie::{CookieNames, WireFormat};
///
/// let names = CookieNames::new(WireFormat::NextAuthV4, true);
/// assert_eq!(names.session_token(), "__Secure-next-auth.session-token");
/// assert_eq!(names.csrf_token(), "__Host-next-auth.csrf-token");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieNames {
    format: WireFormat,
    secure: bool,
    session_token: Cow<'static, str>,
    callback_url: &'static str,
    csrf_token: &'static str,
    pkce_code_verifier: &'static str,
    state: &'static str,
    nonce: &'static str,
}

macro_rules! names {
    ($secure:literal, $host:literal, $prefix:literal) => {
        (
            concat!($secure, $prefix, ".session-token"),
            concat!($secure, $prefix, ".callback-url"),
            concat!($host, $prefix, ".csrf-token"),
            concat!($secure, $prefix, ".pkce.code_verifier"),
            concat!($secure, $prefix, ".state"),
            concat!($secure, $prefix, ".nonce"),
        )
    };
}

impl CookieNames {
    /// The default names next-auth uses for `format`; `secure` selects the `__Secure-`/`__Host-`
    /// variants (v4: `NEXTAUTH_URL` starts with `https://`; v5: the request is https).
    pub fn new(format: WireFormat, secure: bool) -> Self {
        let (session, callback, csrf, pkce, state, nonce) = match (format, secure) {
            (WireFormat::NextAuthV4, false) => names!("", "", "next-auth"),
            (WireFormat::NextAuthV4, true) => names!("__Secure-", "__Host-", "next-auth"),
            (WireFormat::AuthJsV5, false) => names!("", "", "authjs"),
            (WireFormat::AuthJsV5, true) => names!("__Secure-", "__Host-", "authjs"),
        };
        CookieNames {
            format,
            secure,
            session_token: Cow::Borrowed(session),
            callback_url: callback,
            csrf_token: csrf,
            pkce_code_verifier: pkce,
            state,
            nonce,
        }
    }

    /// Use a custom session cookie name (next-auth's `cookies.sessionToken.name` option).
    ///
    /// In v5 the name is also the HKDF salt, so both tiers must agree on it.
    #[must_use]
    pub fn with_session_token(mut self, name: impl Into<Cow<'static, str>>) -> Self {
        self.session_token = name.into();
        self
    }

    /// The wire format these names belong to.
    pub fn format(&self) -> WireFormat {
        self.format
    }

    /// Whether these are the secure (`https`) names; cookies then carry `Secure`.
    pub fn secure(&self) -> bool {
        self.secure
    }

    /// The session token cookie; chunks append `.0`, `.1`, ...
    pub fn session_token(&self) -> &str {
        &self.session_token
    }

    /// The callback-url cookie.
    pub fn callback_url(&self) -> &'static str {
        self.callback_url
    }

    /// The CSRF double-submit cookie.
    pub fn csrf_token(&self) -> &'static str {
        self.csrf_token
    }

    /// The PKCE `code_verifier` check cookie.
    pub fn pkce_code_verifier(&self) -> &'static str {
        self.pkce_code_verifier
    }

    /// The OAuth `state` check cookie.
    pub fn state(&self) -> &'static str {
        self.state
    }

    /// The OIDC `nonce` check cookie.
    pub fn nonce(&self) -> &'static str {
        self.nonce
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_table_2_1() {
        let v4 = CookieNames::new(WireFormat::NextAuthV4, false);
        assert_eq!(v4.session_token(), "next-auth.session-token");
        assert_eq!(v4.callback_url(), "next-auth.callback-url");
        assert_eq!(v4.csrf_token(), "next-auth.csrf-token");
        assert_eq!(v4.pkce_code_verifier(), "next-auth.pkce.code_verifier");
        assert_eq!(v4.state(), "next-auth.state");
        assert_eq!(v4.nonce(), "next-auth.nonce");

        let v5s = CookieNames::new(WireFormat::AuthJsV5, true);
        assert_eq!(v5s.session_token(), "__Secure-authjs.session-token");
        assert_eq!(v5s.callback_url(), "__Secure-authjs.callback-url");
        assert_eq!(v5s.csrf_token(), "__Host-authjs.csrf-token");
        assert_eq!(
            v5s.pkce_code_verifier(),
            "__Secure-authjs.pkce.code_verifier"
        );
        assert_eq!(v5s.state(), "__Secure-authjs.state");
        assert_eq!(v5s.nonce(), "__Secure-authjs.nonce");
        assert!(v5s.secure());
    }
}
