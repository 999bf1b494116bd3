//! The public origin of a deployment: what the browser's address bar shows.

use std::fmt;
use std::str::FromStr;

use crate::SessionCookieError;

/// `scheme://host[:port]` as the browser sees the site, lower-cased, without a path: the one
/// origin type of the workspace (auth-core's `NEXTAUTH_URL`, the edge's `public_origin`).
///
/// Its scheme decides the cookie names: `https` means `__Secure-` / `__Host-` names and
/// `Secure` cookies.
///
/// ```
/// use session_cookie::PublicOrigin;
///
/// let origin: PublicOrigin = "https://App.Example.com/".parse()?;
/// assert_eq!(origin.as_str(), "https://app.example.com");
/// assert_eq!(origin.host(), "app.example.com");
/// assert!(origin.is_secure());
/// assert!("ftp://example.com".parse::<PublicOrigin>().is_err());
/// assert!("https://example.com/path".parse::<PublicOrigin>().is_err());
/// # Ok::<(), session_cookie::SessionCookieError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PublicOrigin {
    origin: String,
    secure: bool,
}

impl PublicOrigin {
    /// Parse `http(s)://host[:port]`; one trailing `/` is tolerated, nothing else after the
    /// authority. The host is an ASCII name (punycode for IDNs), an IPv4 or a bracketed IPv6
    /// address; no user info.
    pub fn parse(origin: &str) -> Result<Self, SessionCookieError> {
        let lower = origin.to_ascii_lowercase();
        let (secure, authority) = if let Some(rest) = lower.strip_prefix("https://") {
            (true, rest)
        } else if let Some(rest) = lower.strip_prefix("http://") {
            (false, rest)
        } else {
            return Err(SessionCookieError::MalformedOrigin);
        };
        let authority = authority.strip_suffix('/').unwrap_or(authority);
        let valid = !authority.is_empty()
            && !authority.starts_with(':')
            && authority
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b));
        if !valid {
            return Err(SessionCookieError::MalformedOrigin);
        }
        let scheme = if secure { "https" } else { "http" };
        Ok(PublicOrigin {
            origin: format!("{scheme}://{authority}"),
            secure,
        })
    }

    /// `https://www.example.com`.
    pub fn as_str(&self) -> &str {
        &self.origin
    }

    /// `www.example.com` (with `:port` if there is one).
    pub fn host(&self) -> &str {
        self.origin
            .split_once("://")
            .map_or(self.origin.as_str(), |(_, host)| host)
    }

    /// Whether the scheme is `https` (cookies are then `Secure` and `__Secure-`/`__Host-`).
    pub fn is_secure(&self) -> bool {
        self.secure
    }
}

impl FromStr for PublicOrigin {
    type Err = SessionCookieError;

    fn from_str(s: &str) -> Result<Self, SessionCookieError> {
        Self::parse(s)
    }
}

impl fmt::Display for PublicOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.origin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        for (input, expected) in [
            ("http://localhost:3000", "http://localhost:3000"),
            ("HTTPS://[::1]:8443/", "https://[::1]:8443"),
            ("https://xn--caf-dma.example", "https://xn--caf-dma.example"),
        ] {
            assert_eq!(PublicOrigin::parse(input).unwrap().as_str(), expected);
        }
        for bad in [
            "",
            "localhost:3000",
            "https://",
            "https://:443",
            "https://a.example/x",
            "https://user@a.example",
            "https://a.example?x",
            "https://café.example",
            "https://a.example//",
        ] {
            assert_eq!(
                PublicOrigin::parse(bad),
                Err(SessionCookieError::MalformedOrigin),
                "{bad:?}"
            );
        }
    }
}
