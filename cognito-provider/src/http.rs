//! The HTTP client and the rule every IdP URL must follow.

use std::time::Duration;

use openidconnect::reqwest;
use url::{Host, Url};

use crate::CognitoError;

/// Timeouts of every request to the IdP.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// Connecting (TCP + TLS).
    pub connect: Duration,
    /// A whole request, connection included.
    pub request: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(3),
            request: Duration::from_secs(5),
        }
    }
}

/// The client for discovery, JWKS, token and refresh requests: bounded timeouts, and no
/// redirects (an OAuth endpoint that redirects is misconfigured or hostile, and following it
/// could carry the code or client credentials elsewhere).
pub(crate) fn client(timeouts: Timeouts) -> Result<reqwest::Client, CognitoError> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(timeouts.connect)
        .timeout(timeouts.request)
        .user_agent(concat!("cognito-provider/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| CognitoError::Config(format!("cannot build the HTTP client: {e}")))
}

/// 127.0.0.0/8, `::1` or `localhost`.
pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// `https`, or plain `http` on a loopback host (local stand-ins) — nothing else, so that no
/// setting or discovery document can downgrade the connection to the IdP.
pub(crate) fn require_secure(url: &Url, what: &str) -> Result<(), CognitoError> {
    match url.scheme() {
        "https" if url.host().is_some() => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => Err(CognitoError::Config(format!(
            "{what} must use https (plain http is only allowed on loopback hosts), got {}",
            url.origin().ascii_serialization()
        ))),
        other => Err(CognitoError::Config(format!(
            "{what} must be an https URL, got scheme {other:?}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback_http() {
        let ok = [
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc",
            "http://127.0.0.1:9000/local_Pool",
            "http://127.8.9.10/x",
            "http://localhost:4000/p",
            "http://[::1]:4000/p",
        ];
        for url in ok {
            assert!(
                require_secure(&Url::parse(url).unwrap(), "issuer").is_ok(),
                "{url}"
            );
        }
        let bad = [
            "http://cognito-idp.eu-west-1.amazonaws.com/pool",
            "http://10.0.0.1/p",
            "http://localhost.evil.example/p",
            "http://[::2]/p",
            "ftp://127.0.0.1/p",
            "file:///etc/passwd",
        ];
        for url in bad {
            assert!(
                require_secure(&Url::parse(url).unwrap(), "issuer").is_err(),
                "{url}"
            );
        }
    }
}
