//! Reading an incoming `http::Request`: route, query, body, cookies and origin.

use bytes::Bytes;
use http::{HeaderMap, Method, Request, header};
use serde_json::{Map, Value};
use session_cookie::RequestCookies;

use crate::config::AuthConfig;

/// The actions of next-auth's REST surface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    Session,
    Csrf,
    Providers,
    SignIn,
    SignOut,
    Callback,
    Error,
    VerifyRequest,
    /// v4's client logger beacon.
    Log,
}

impl Action {
    fn parse(segment: &str) -> Option<Self> {
        Some(match segment {
            "session" => Action::Session,
            "csrf" => Action::Csrf,
            "providers" => Action::Providers,
            "signin" => Action::SignIn,
            "signout" => Action::SignOut,
            "callback" => Action::Callback,
            "error" => Action::Error,
            "verify-request" => Action::VerifyRequest,
            "_log" => Action::Log,
            _ => return None,
        })
    }
}

/// Where the path points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// `<base>/<action>[/<provider id>]`.
    Action(Action, Option<String>),
    /// Under the base path, but no action we know.
    Unknown,
    /// Not under the base path at all.
    Outside,
}

pub(crate) fn route(path: &str, base_path: &str) -> Route {
    let Some(rest) = path
        .strip_prefix(base_path)
        .and_then(|r| r.strip_prefix('/'))
    else {
        return Route::Outside;
    };
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let mut parts = rest.splitn(2, '/');
    let Some(action) = parts.next().and_then(Action::parse) else {
        return Route::Unknown;
    };
    match parts.next() {
        None => Route::Action(action, None),
        Some(id) if !id.is_empty() && !id.contains('/') => {
            Route::Action(action, Some(id.to_owned()))
        }
        Some(_) => Route::Unknown,
    }
}

/// A parsed request body.
#[derive(Debug, Default)]
pub(crate) enum Body {
    #[default]
    None,
    Form(Vec<(String, String)>),
    Json(Map<String, Value>),
}

/// Why a request cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BadRequest {
    BodyTooLarge,
    MalformedBody,
    BadHost,
}

/// The request, read once.
#[derive(Debug)]
pub(crate) struct Incoming<'r> {
    pub(crate) method: Method,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) body: Body,
    pub(crate) cookies: RequestCookies<'r>,
    pub(crate) headers: &'r HeaderMap,
}

impl<'r> Incoming<'r> {
    pub(crate) fn read(req: &'r Request<Bytes>, max_body: usize) -> Result<Self, BadRequest> {
        let query = req
            .uri()
            .query()
            .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default();
        let body = if req.method() == Method::POST {
            parse_body(req.headers(), req.body(), max_body)?
        } else {
            Body::None
        };
        let cookies = RequestCookies::parse_all_bytes(
            req.headers()
                .get_all(header::COOKIE)
                .iter()
                .map(http::HeaderValue::as_bytes),
        );
        Ok(Incoming {
            method: req.method().clone(),
            query,
            body,
            cookies,
            headers: req.headers(),
        })
    }

    /// A query parameter (the first of that name).
    pub(crate) fn query(&self, name: &str) -> Option<&str> {
        first(&self.query, name)
    }

    /// A string field of the body (form field or JSON string member).
    pub(crate) fn body_str(&self, name: &str) -> Option<&str> {
        match &self.body {
            Body::None => None,
            Body::Form(pairs) => first(pairs, name),
            Body::Json(map) => map.get(name).and_then(Value::as_str),
        }
    }

    /// A JSON member of the body.
    pub(crate) fn body_json(&self, name: &str) -> Option<&Value> {
        match &self.body {
            Body::Json(map) => map.get(name),
            _ => None,
        }
    }

    /// The body's form pairs (the callback's `response_mode=form_post` parameters).
    pub(crate) fn form_pairs(&self) -> &[(String, String)] {
        match &self.body {
            Body::Form(pairs) => pairs,
            _ => &[],
        }
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

fn first<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// next-auth parses `application/x-www-form-urlencoded` and `application/json` bodies and
/// ignores others.
fn parse_body(headers: &HeaderMap, body: &Bytes, max: usize) -> Result<Body, BadRequest> {
    if body.len() > max {
        return Err(BadRequest::BodyTooLarge);
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match content_type.as_str() {
        "application/x-www-form-urlencoded" => Ok(Body::Form(
            form_urlencoded::parse(body).into_owned().collect(),
        )),
        "application/json" if body.is_empty() => Ok(Body::None),
        "application/json" => match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => Ok(Body::Json(map)),
            _ => Err(BadRequest::MalformedBody),
        },
        _ => Ok(Body::None),
    }
}

/// The origin of this request (`scheme://host[:port]`) and whether it is https.
pub(crate) fn request_origin(
    req: &Request<Bytes>,
    config: &AuthConfig,
) -> Result<(String, bool), BadRequest> {
    origin_from_parts(req.headers(), Some(req.uri()), config)
}

/// [`request_origin`] from the headers (and the URI, when there is one: `get_token` is given
/// only the headers). Every reader of the session picks its cookie names from this, so that a
/// plain-named cookie is never read for an https request.
pub(crate) fn origin_from_parts(
    headers: &HeaderMap,
    uri: Option<&http::Uri>,
    config: &AuthConfig,
) -> Result<(String, bool), BadRequest> {
    if let Some(origin) = &config.public_origin {
        return Ok((origin.as_str().to_owned(), origin.is_secure()));
    }
    // Only reached with `trust_forwarded_headers` (the builder refuses neither): the proxy's
    // headers first, then the request itself.
    let value = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(',').next().unwrap_or("").trim())
            .filter(|v| !v.is_empty())
    };
    let host = value("x-forwarded-host")
        .or_else(|| value("host"))
        .or_else(|| uri.and_then(|u| u.authority()).map(|a| a.as_str()))
        .ok_or(BadRequest::BadHost)?;
    let proto = match value("x-forwarded-proto").or(uri.and_then(|u| u.scheme_str())) {
        Some("https") => "https",
        Some("http") | None => "http",
        Some(_) => return Err(BadRequest::BadHost),
    };
    // A host is a name or address with an optional port: nothing that could change the URL.
    let parsed = url::Url::parse(&format!("{proto}://{host}")).map_err(|_| BadRequest::BadHost)?;
    if parsed.path() != "/"
        || parsed.username() != ""
        || parsed.query().is_some()
        || host.contains(['/', '\\', '@', '?', '#'])
    {
        return Err(BadRequest::BadHost);
    }
    Ok((parsed.origin().ascii_serialization(), proto == "https"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        let b = "/api/auth";
        assert_eq!(
            route("/api/auth/session", b),
            Route::Action(Action::Session, None)
        );
        assert_eq!(
            route("/api/auth/session/", b),
            Route::Action(Action::Session, None)
        );
        assert_eq!(
            route("/api/auth/callback/cognito", b),
            Route::Action(Action::Callback, Some("cognito".into()))
        );
        assert_eq!(route("/api/auth/foo", b), Route::Unknown);
        assert_eq!(route("/api/auth/signin/a/b", b), Route::Unknown);
        assert_eq!(route("/api/auth", b), Route::Outside);
        assert_eq!(route("/api/authx/session", b), Route::Outside);
        assert_eq!(route("/other", b), Route::Outside);
    }
}
