//! Origin-request for the API Gateway origin (auth-core's Lambda behind an HTTP API).
//!
//! * `Host` becomes the origin's own domain name. API Gateway picks the API by `Host`; the
//!   viewer's `Host` (the site's domain) would get the request rejected or routed nowhere.
//! * Only allow-listed headers go on ([`EdgeConfig::api_header_allowed`]), plus the ones
//!   CloudFront makes read-only at this stage (removing one of those makes CloudFront answer
//!   502).
//! * `X-Forwarded-Host` is set to the public host, so auth-core — started with
//!   `AUTH_TRUST_HOST` and no `NEXTAUTH_URL` — builds its URLs on the site's domain rather than
//!   on API Gateway's. `X-Forwarded-Proto` cannot be set: Lambda@Edge refuses functions that add
//!   it; the public scheme goes into `CloudFront-Forwarded-Proto` instead, which functions may
//!   set.
//! * The user-id header, when configured, is removed and set again from the session cookie,
//!   decoded here a second time: the API never relies on a header a viewer could have sent
//!   through a behaviour without the gate.
//!
//! Cookies go on untouched: auth-core needs the session, CSRF and OAuth check cookies.

use session_cookie::time::OffsetDateTime;

use crate::events::{EventConfig, Origin, Request};
use crate::gate::{SessionCheck, check_session, header_safe, public_origin};
use crate::headers::{Stage, is_read_only};
use crate::{Decision, EdgeConfig, Handled};

/// The origin-request handler of the API origin.
pub fn origin_request(
    config: &EdgeConfig,
    event: &EventConfig,
    mut request: Request,
    now: OffsetDateTime,
) -> Handled {
    // Decode before the allow-list could drop the cookie.
    let user = match config.user_id_header() {
        Some(_) => match check_session(config, &request.headers, now) {
            SessionCheck::Valid(sub) => sub.filter(|s| header_safe(s)),
            SessionCheck::Missing | SessionCheck::Invalid(_) => None,
        },
        None => None,
    };

    // `host` stays in its place; it is overwritten just below.
    request.headers.retain(|name| {
        name == "host"
            || config.api_header_allowed(name)
            || is_read_only(name, Stage::OriginRequest)
    });

    let origin_host = match &request.origin {
        Some(Origin::Custom(custom)) => Some(custom.domain_name.clone()),
        Some(Origin::S3(s3)) => Some(s3.domain_name.clone()),
        None => None,
    };
    if let Some(host) = origin_host {
        request.headers.set("host", host);
    }
    let public = public_origin(config, event);
    if let Some((scheme, host)) = public.split_once("://") {
        request.headers.set("x-forwarded-host", host);
        request.headers.set("cloudfront-forwarded-proto", scheme);
    }

    let mut user_header = false;
    if let Some(name) = config.user_id_header() {
        request.headers.remove(name);
        if let Some(sub) = user {
            request.headers.set(name, sub);
            user_header = true;
        }
    }
    Handled::request(request, Decision::ApiOrigin { user_header })
}
