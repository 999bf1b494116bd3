//! Dispatch: one event in, one result out, by trigger and origin.

use std::fmt;

use session_cookie::time::OffsetDateTime;

use crate::events::{CloudFrontEvent, EdgeResult, EventType, Origin, Request, Response};
use crate::{EdgeConfig, EdgeError, api_origin, gate, rewrite};

/// A handler's answer: what to give CloudFront, and what was decided (for logs and tests).
#[derive(Debug, Clone, PartialEq)]
pub struct Handled {
    /// The request to continue with, or the response to send.
    pub result: EdgeResult,
    /// Why.
    pub decision: Decision,
}

impl Handled {
    pub(crate) fn request(request: Request, decision: Decision) -> Self {
        Handled {
            result: EdgeResult::Request(Box::new(request)),
            decision,
        }
    }

    pub(crate) fn response(response: Response, decision: Decision) -> Self {
        Handled {
            result: EdgeResult::Response(Box::new(response)),
            decision,
        }
    }
}

/// What a handler decided. Carries reason codes only (the vectors' vocabulary: `expired`,
/// `decryption_failed`, ..., or `no_session`), never cookie values or claims, so it can be
/// logged as is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Decision {
    /// Viewer-request on a path the gate does not protect.
    Public,
    /// Viewer-request on a protected path with a valid session.
    SessionValid,
    /// Viewer-request on a protected page without a valid session: redirected to sign in.
    SignInRedirect {
        /// Why the session was refused.
        reason: &'static str,
    },
    /// Viewer-request on a protected API path without a valid session: 401.
    Unauthorized {
        /// Why the session was refused.
        reason: &'static str,
    },
    /// Origin-request to S3: cookies dropped, URI mapped to the exported file (or kept).
    StaticRewrite {
        /// Whether the URI changed.
        rewritten: bool,
    },
    /// Origin-request to the API origin: headers filtered, `Host` and `X-Forwarded-Host` set.
    ApiOrigin {
        /// Whether the user-id header was set.
        user_header: bool,
    },
    /// A response trigger: the response goes on unchanged.
    PassThrough,
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Decision::Public => f.write_str("public"),
            Decision::SessionValid => f.write_str("session-valid"),
            Decision::SignInRedirect { reason } => write!(f, "sign-in-redirect ({reason})"),
            Decision::Unauthorized { reason } => write!(f, "unauthorized ({reason})"),
            Decision::StaticRewrite { rewritten } => {
                write!(f, "static-rewrite (rewritten: {rewritten})")
            }
            Decision::ApiOrigin { user_header } => {
                write!(f, "api-origin (user header: {user_header})")
            }
            Decision::PassThrough => f.write_str("pass-through"),
        }
    }
}

/// Run the handler the event calls for.
///
/// | `eventType` | origin | handler |
/// |---|---|---|
/// | `viewer-request` | — | [`gate::viewer_request`] |
/// | `origin-request` | `s3` | [`rewrite::origin_request`] (static export) |
/// | `origin-request` | `custom` | [`api_origin::origin_request`] |
/// | `origin-response`, `viewer-response` | — | the response, unchanged |
///
/// The origin kind tells the two origin-request handlers apart because the reference layout has
/// exactly one of each: the export on S3 (REST endpoint, Origin Access Control) and next-auth
/// on API Gateway. Attach the function only to behaviours with those origins.
pub fn handle_event(
    config: &EdgeConfig,
    event: CloudFrontEvent,
    now: OffsetDateTime,
) -> Result<Handled, EdgeError> {
    let cf = event
        .into_cf()
        .ok_or_else(|| EdgeError::Event("no record".into()))?;
    match cf.config.event_type {
        EventType::ViewerRequest => Ok(gate::viewer_request(config, &cf.config, cf.request, now)),
        EventType::OriginRequest => match &cf.request.origin {
            Some(Origin::S3(_)) => Ok(rewrite::origin_request(config.static_export(), cf.request)),
            Some(Origin::Custom(_)) => Ok(api_origin::origin_request(
                config, &cf.config, cf.request, now,
            )),
            None => Err(EdgeError::Event(
                "an origin-request event without an origin".into(),
            )),
        },
        EventType::OriginResponse | EventType::ViewerResponse => match cf.response {
            Some(response) => Ok(Handled::response(response, Decision::PassThrough)),
            None => Err(EdgeError::Event(
                "a response event without a response".into(),
            )),
        },
    }
}

/// [`handle_event`] on JSON: the event as CloudFront passes it, `now` in Unix seconds; returns the
/// JSON CloudFront expects back and the decision.
pub fn handle_event_json(
    config: &EdgeConfig,
    event: &str,
    now_unix: i64,
) -> Result<(String, Decision), EdgeError> {
    let now = OffsetDateTime::from_unix_timestamp(now_unix).map_err(|_| EdgeError::Clock)?;
    let event: CloudFrontEvent = serde_json::from_str(event)
        .map_err(|e| EdgeError::Event(EdgeError::from_json("event", &e)))?;
    let handled = handle_event(config, event, now)?;
    let json = serde_json::to_string(&handled.result)
        .map_err(|e| EdgeError::Event(EdgeError::from_json("result", &e)))?;
    Ok((json, handled.decision))
}
