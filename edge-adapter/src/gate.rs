//! Viewer-request: the session gate.
//!
//! On a protected path the request goes on only with a valid session cookie — exactly the cookie
//! next-auth (v4 or v5, chunked or not) or the Rust tier wrote. Without one, a page request is
//! redirected to next-auth's sign-in page with `callbackUrl` set to the URL the viewer asked
//! for, and an API request gets `401` JSON. Neither answer is cached anywhere
//! (`Cache-Control: private, no-cache, no-store`), and neither says *why* the session was
//! refused: the reason goes to the decision (logs), not to the viewer.
//!
//! The gate runs on viewer-request, before the cache: a cached page is never served to a viewer
//! without a session.

use serde::Deserialize;
use session_cookie::time::OffsetDateTime;
use session_cookie::{RequestCookies, encode_uri_component};

use crate::events::{EventConfig, Request, Response};
use crate::pattern::CanonicalPath;
use crate::{Decision, EdgeConfig, Handled, Headers};

/// `Cache-Control` of every answer the gate generates: per viewer, never stored.
pub const NO_STORE: &str = "private, no-cache, no-store";

/// The reason code of a request without any session cookie.
pub const NO_SESSION: &str = "no_session";

/// The only claim the edge reads, deserialized straight from the decrypted payload by the one
/// session reader (which checks `exp`/`nbf` on the way, 15 s tolerance, as next-auth). `sub` is
/// taken as any JSON value, so that a session the handler accepts (a `jwt` callback may write a
/// numeric `sub`) is accepted here too; only a string is forwarded.
#[derive(Deserialize)]
struct SessionSubject {
    #[serde(default)]
    sub: Option<serde_json::Value>,
}

/// What the request's session cookie says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SessionCheck {
    /// A valid session; its `sub`, if it has one.
    Valid(Option<String>),
    /// No session cookie at all.
    Missing,
    /// A session cookie that does not decode (reason in the vectors' vocabulary).
    Invalid(&'static str),
}

/// Read the session from the `Cookie` header(s), trying each configured wire format in order:
/// the first format whose cookie is present decides.
///
/// Only one cookie name per format is read — `__Secure-` or plain, as configured — never both:
/// on an https site a plain-named cookie can be planted over http or from a sibling domain, which
/// the `__Secure-` prefix exists to prevent.
pub(crate) fn check_session(
    config: &EdgeConfig,
    headers: &Headers,
    now: OffsetDateTime,
) -> SessionCheck {
    let cookies = RequestCookies::parse_all(headers.values("cookie"));
    match config
        .sessions()
        .read_as::<SessionSubject>(&cookies, config.secure_cookies(), now)
    {
        Ok(Some(subject)) => SessionCheck::Valid(match subject.sub {
            Some(serde_json::Value::String(sub)) => Some(sub),
            _ => None,
        }),
        Ok(None) => SessionCheck::Missing,
        Err(e) => SessionCheck::Invalid(e.reason()),
    }
}

/// Whether a `sub` can go into a header as is: visible ASCII and spaces, at most 256 bytes.
/// Anything else (it would be odd in a token we decrypted ourselves) is not forwarded.
pub(crate) fn header_safe(value: &str) -> bool {
    value.len() <= 256 && value.bytes().all(|b| (0x20..0x7f).contains(&b))
}

/// The viewer-request handler.
///
/// 1. Removes any header named like the configured user-id header: only the gate sets it.
/// 2. Lets unprotected and excluded paths through ([`EdgeConfig::is_protected`]).
/// 3. On a protected path, decodes the session cookie at `now`. Valid: the request goes on (with
///    the user-id header, if configured). Missing or invalid: `302` to the sign-in page for
///    pages, `401` for API paths.
///
/// `event` supplies the distribution's domain when no public origin is configured.
pub fn viewer_request(
    config: &EdgeConfig,
    event: &EventConfig,
    mut request: Request,
    now: OffsetDateTime,
) -> Handled {
    if let Some(name) = config.user_id_header() {
        request.headers.remove(name);
    }
    let path = CanonicalPath::new(&request.uri);
    if !config.is_protected(&path) {
        return Handled::request(request, Decision::Public);
    }
    let reason = match check_session(config, &request.headers, now) {
        SessionCheck::Valid(sub) => {
            if let (Some(name), Some(sub)) = (config.user_id_header(), sub)
                && header_safe(&sub)
            {
                request.headers.set(name, sub);
            }
            return Handled::request(request, Decision::SessionValid);
        }
        SessionCheck::Missing => NO_SESSION,
        SessionCheck::Invalid(reason) => reason,
    };
    if config.is_api(&path) {
        Handled::response(unauthorized(), Decision::Unauthorized { reason })
    } else {
        Handled::response(
            signin_redirect(config, event, &request),
            Decision::SignInRedirect { reason },
        )
    }
}

/// The origin the viewer sees: the configured one, else `https://<distribution domain>`.
pub(crate) fn public_origin(config: &EdgeConfig, event: &EventConfig) -> String {
    match config.public_origin() {
        Some(origin) => origin.as_str().to_owned(),
        None => format!("https://{}", event.distribution_domain_name),
    }
}

/// `302` to `<origin><signin_path>?callbackUrl=<encodeURIComponent(origin + path + query)>`.
///
/// The callback URL is absolute on the public origin — what next-auth's own `signIn()` sends —
/// so next-auth's redirect check (same origin, or a relative path) accepts it, and a request
/// path such as `//evil.example` stays a path on our origin.
fn signin_redirect(config: &EdgeConfig, event: &EventConfig, request: &Request) -> Response {
    let origin = public_origin(config, event);
    let callback = format!("{origin}{}", request.path_and_query());
    let location = format!(
        "{origin}{}?callbackUrl={}",
        config.signin_path(),
        encode_uri_component(&callback)
    );
    let mut response = Response::new(302, "Found");
    response.headers.set("location", location);
    response.headers.set("cache-control", NO_STORE);
    response
}

/// `401` with a small JSON body.
fn unauthorized() -> Response {
    let mut response = Response::new(401, "Unauthorized");
    response
        .headers
        .set("content-type", "application/json; charset=utf-8");
    response.headers.set("cache-control", NO_STORE);
    response.body = Some(r#"{"error":"unauthorized","message":"Sign in first."}"#.to_owned());
    response.body_encoding = Some("text".to_owned());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_uri_component_like_javascript() {
        let enc = |s: &str| encode_uri_component(s).into_owned();
        assert_eq!(
            enc("https://a.example/x y?q=1&r=é#f"),
            "https%3A%2F%2Fa.example%2Fx%20y%3Fq%3D1%26r%3D%C3%A9%23f"
        );
        assert_eq!(enc("-_.!~*'()"), "-_.!~*'()");
        assert_eq!(enc("%20"), "%2520");
    }

    #[test]
    fn header_safety() {
        assert!(header_safe("3f0c1a52-8f7e-4a3e-9d51-0a6c8e2b7d11"));
        assert!(!header_safe("a\r\nx-injected: 1"));
        assert!(!header_safe("é"));
        assert!(!header_safe(&"a".repeat(300)));
    }
}
