//! `POST /_log` (next-auth 4 only): the client logger's beacon.
//!
//! The body comes from any browser; only the level and code are logged, shortened, at debug.

use http::StatusCode;

use crate::request::Incoming;
use crate::response::Reply;

pub(crate) fn record(req: &Incoming<'_>) -> Reply {
    let short = |name: &str| -> String {
        req.body_str(name)
            .unwrap_or("")
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .take(64)
            .collect()
    };
    tracing::debug!(level = %short("level"), code = %short("code"), "next-auth client log");
    Reply::empty(StatusCode::OK)
}
