//! Building the `http::Response`: next-auth's response conventions in one place.

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode, header};
use serde_json::{Value, json};
use session_cookie::{SetCookie, WireFormat};

/// What an action answers, before the conventions below are applied.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) redirect: Option<String>,
    pub(crate) body: ReplyBody,
    pub(crate) cookies: Vec<SetCookie>,
    /// An error answer: Auth.js sends no cookies at all with those.
    pub(crate) is_error: bool,
    /// The body carries a session or a CSRF token: never cacheable.
    pub(crate) private: bool,
}

#[derive(Debug)]
pub(crate) enum ReplyBody {
    Empty,
    Json(Value),
    Html(String),
    Text(&'static str, String),
}

impl Reply {
    pub(crate) fn json(value: Value) -> Self {
        Reply {
            status: StatusCode::OK,
            redirect: None,
            body: ReplyBody::Json(value),
            cookies: Vec::new(),
            is_error: false,
            private: false,
        }
    }

    pub(crate) fn html(status: StatusCode, html: String) -> Self {
        Reply {
            status,
            body: ReplyBody::Html(html),
            ..Reply::json(Value::Null)
        }
    }

    pub(crate) fn redirect(url: String) -> Self {
        Reply {
            status: StatusCode::FOUND,
            redirect: Some(url),
            body: ReplyBody::Empty,
            ..Reply::json(Value::Null)
        }
    }

    pub(crate) fn error_redirect(url: String) -> Self {
        Reply {
            is_error: true,
            ..Reply::redirect(url)
        }
    }

    pub(crate) fn empty(status: StatusCode) -> Self {
        Reply {
            status,
            body: ReplyBody::Empty,
            ..Reply::json(Value::Null)
        }
    }

    /// next-auth's answer to a request it cannot route: v4 400 plain text, v5 400 JSON.
    pub(crate) fn unsupported(
        format: WireFormat,
        method: &http::Method,
        status: StatusCode,
    ) -> Self {
        let body = match format {
            WireFormat::NextAuthV4 => ReplyBody::Text(
                "text/plain;charset=UTF-8",
                format!("Error: This action with HTTP {method} is not supported by NextAuth.js"),
            ),
            WireFormat::AuthJsV5 => ReplyBody::Json(json!("Bad request.")),
        };
        Reply {
            status,
            body,
            is_error: true,
            ..Reply::json(Value::Null)
        }
    }

    #[must_use]
    pub(crate) fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    #[must_use]
    pub(crate) fn with_cookies(mut self, cookies: impl IntoIterator<Item = SetCookie>) -> Self {
        self.cookies.extend(cookies);
        self
    }

    #[must_use]
    pub(crate) fn private(mut self) -> Self {
        self.private = true;
        self
    }
}

/// How the client wants redirects: next-auth 4's `json=true` body field, Auth.js's
/// `X-Auth-Return-Redirect` header, or a plain `302`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RedirectMode {
    Location,
    /// v4: `200 {"url"}`, no `Location`.
    JsonV4,
    /// v5: `200 {"url"}`, `Location` kept.
    JsonV5,
}

/// `Cache-Control` of every response built from a session, a CSRF token or the request's host.
pub(crate) const PRIVATE_NO_STORE: &str = "private, no-cache, no-store";

/// Mark a response as for this viewer only and never stored: `Cache-Control` (with `Pragma` and
/// `Expires` for HTTP/1.0 caches), and `Vary: Cookie` for caches that ignore `no-store` but
/// honour `Vary`.
pub(crate) fn make_private(headers: &mut http::HeaderMap) {
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(PRIVATE_NO_STORE),
    );
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    headers.insert(header::EXPIRES, HeaderValue::from_static("0"));
    if !headers
        .get_all(header::VARY)
        .iter()
        .any(|v| v.as_bytes().eq_ignore_ascii_case(b"cookie") || v.as_bytes() == b"*")
    {
        headers.append(header::VARY, HeaderValue::from_static("Cookie"));
    }
}

/// Apply the conventions and produce the response:
///
/// * preamble cookies (CSRF, callback-url) first, then the action's, one `Set-Cookie` each;
/// * redirects become `302 Location`, or `{"url"}` JSON in the client's JSON-redirect mode;
/// * Auth.js error answers carry no cookies (and, in JSON mode, no `Location`);
/// * **our addition:** every response that sets a cookie or carries a session or CSRF token has
///   `Cache-Control: private, no-cache, no-store` (plus `Pragma: no-cache`, `Expires: 0` and
///   `Vary: Cookie`), so no CDN can ever cache one. next-auth sends these only on `GET /session`
///   and `GET /csrf`.
pub(crate) fn finish(
    reply: Reply,
    preamble: Vec<SetCookie>,
    format: WireFormat,
    mode: RedirectMode,
) -> Response<Bytes> {
    let mut cookies = if reply.is_error && format == WireFormat::AuthJsV5 {
        Vec::new()
    } else {
        preamble
    };
    if !(reply.is_error && format == WireFormat::AuthJsV5) {
        cookies.extend(reply.cookies);
    }

    let mut status = reply.status;
    let mut location = None;
    let mut body = reply.body;
    if let Some(url) = reply.redirect {
        match mode {
            RedirectMode::Location => location = Some(url),
            RedirectMode::JsonV4 => {
                status = if status == StatusCode::FOUND {
                    StatusCode::OK
                } else {
                    status
                };
                body = ReplyBody::Json(json!({ "url": url }));
            }
            RedirectMode::JsonV5 => {
                status = StatusCode::OK;
                body = ReplyBody::Json(json!({ "url": url.clone() }));
                // Auth.js keeps `Location` on successful redirects only; its error answers are
                // built afresh as `{"url"}`.
                if !reply.is_error {
                    location = Some(url);
                }
            }
        }
    }

    let (content_type, bytes) = match body {
        ReplyBody::Empty => (None, Bytes::new()),
        ReplyBody::Json(value) => (
            Some("application/json"),
            Bytes::from(serde_json::to_vec(&value).unwrap_or_else(|_| b"null".to_vec())),
        ),
        ReplyBody::Html(html) => (Some("text/html"), Bytes::from(html)),
        ReplyBody::Text(content_type, text) => (Some(content_type), Bytes::from(text)),
    };
    // Built directly rather than with `Response::builder()`, which parses every header name
    // again: this runs on every request.
    let mut response = Response::new(bytes);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    // Content-Type, Cache-Control, Pragma, Expires, Vary, Location and the cookies.
    headers.reserve(6 + cookies.len());
    if let Some(content_type) = content_type {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    }
    if reply.private || !cookies.is_empty() {
        make_private(headers);
    }
    if let Some(location) = location {
        match HeaderValue::try_from(location) {
            Ok(value) => {
                headers.insert(header::LOCATION, value);
            }
            Err(_) => return internal_error(),
        }
    }
    for cookie in cookies {
        match HeaderValue::try_from(cookie.to_header_string()) {
            Ok(value) => {
                headers.append(header::SET_COOKIE, value);
            }
            Err(_) => return internal_error(),
        }
    }
    response
}

/// The last resort, for header values that cannot be represented (never expected: every URL and
/// cookie we emit is validated or percent-encoded ASCII).
fn internal_error() -> Response<Bytes> {
    let mut response = Response::new(Bytes::from_static(b"Internal Server AuthError"));
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    response
}
