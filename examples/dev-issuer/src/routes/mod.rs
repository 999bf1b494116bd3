//! The HTTP surface, at Cognito's paths, and the responses every route shares.
//!
//! | Path | File |
//! |---|---|
//! | `GET /<pool>/.well-known/openid-configuration`, `GET /<pool>/.well-known/jwks.json` | `discovery.rs` |
//! | `GET`, `POST /oauth2/authorize` | `authorize.rs` |
//! | `POST /oauth2/token`, `POST /oauth2/revoke` | `token.rs` |
//! | `GET`, `POST /oauth2/userInfo` | `userinfo.rs` |
//! | `GET /logout` | `logout.rs` |

mod authorize;
mod discovery;
mod logout;
mod token;
mod userinfo;

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http::{HeaderValue, StatusCode, header};
use serde_json::Value;

use crate::html;
use crate::state::AppState;

pub(crate) const AUTHORIZE_PATH: &str = "/oauth2/authorize";
pub(crate) const TOKEN_PATH: &str = "/oauth2/token";
pub(crate) const REVOKE_PATH: &str = "/oauth2/revoke";
pub(crate) const USERINFO_PATH: &str = "/oauth2/userInfo";
pub(crate) const LOGOUT_PATH: &str = "/logout";

pub(crate) fn router(state: Arc<AppState>) -> Router {
    let pool = &state.config.pool_id;
    Router::new()
        .route(
            &format!("/{pool}/.well-known/openid-configuration"),
            get(discovery::openid_configuration),
        )
        .route(
            &format!("/{pool}/.well-known/jwks.json"),
            get(discovery::jwks),
        )
        .route(
            AUTHORIZE_PATH,
            get(authorize::authorize_get).post(authorize::authorize_post),
        )
        .route(TOKEN_PATH, post(token::token))
        .route(REVOKE_PATH, post(token::revoke))
        .route(
            USERINFO_PATH,
            get(userinfo::userinfo).post(userinfo::userinfo),
        )
        .route(LOGOUT_PATH, get(logout::logout))
        .fallback(not_found)
        .with_state(state)
        .layer(middleware::from_fn(trace_request))
}

/// One debug line per request: method, path (never the query: it carries codes and state),
/// status and time.
async fn trace_request(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    tracing::debug!(
        target: "dev_issuer",
        %method,
        %path,
        status = response.status().as_u16(),
        elapsed_us = started.elapsed().as_micros() as u64,
        "request"
    );
    response
}

async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found").into_response()
}

/// An HTML page with the headers every hosted-UI page gets.
pub(crate) fn html_response(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        // No form-action: Chrome applies it to the redirect that follows the form post.
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'",
        ),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Not `no-referrer`: with it, browsers send `Origin: null` on the form post, which the
    // origin check refuses. `same-origin` keeps the authorization URL out of the `Referer` sent
    // to the client's callback.
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    response
}

/// An error shown to the user on the issuer (for problems that must not be redirected).
pub(crate) fn error_page(status: StatusCode, message: &str) -> Response {
    tracing::debug!(target: "dev_issuer", status = status.as_u16(), message, "error page");
    html_response(status, html::error_page(message))
}

/// A JSON body.
pub(crate) fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json;charset=UTF-8"),
    );
    response
}

/// `302 Found` to `location`.
pub(crate) fn redirect(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => {
            let mut response = StatusCode::FOUND.into_response();
            response.headers_mut().insert(header::LOCATION, value);
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(_) => error_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "could not build the redirect",
        ),
    }
}

/// Append a `Set-Cookie` header.
pub(crate) fn set_cookie(response: &mut Response, cookie: String) {
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

/// A `Set-Cookie` value for the issuer's cookies: HttpOnly, on the issuer's path; no `Secure`
/// since the issuer is plain `http://` on loopback.
pub(crate) fn cookie(
    state: &AppState,
    name: &str,
    value: &str,
    max_age: u64,
    same_site: &str,
) -> String {
    format!(
        "{name}={value}; Path={}; Max-Age={max_age}; HttpOnly; SameSite={same_site}",
        state.urls.cookie_path
    )
}

/// Does this request carry an `application/x-www-form-urlencoded` body?
pub(crate) fn is_form(headers: &http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}
