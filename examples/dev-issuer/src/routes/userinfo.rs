//! `/oauth2/userInfo`: the user's attributes for a valid access token with the `openid` scope.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use http::{HeaderMap, HeaderValue, StatusCode, header};
use serde_json::{Value, json};

use super::json_response;
use crate::state::AppState;
use crate::tokens;

/// `GET` or `POST /oauth2/userInfo` with `Authorization: Bearer <access token>`.
pub(super) async fn userinfo(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    let Some(token) = token else {
        return bearer_error(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "Access token is missing",
        );
    };
    let Some(claims) = state.config.key.verify(token) else {
        return bearer_error(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "Invalid access token",
        );
    };
    let str_claim = |name: &str| claims.get(name).and_then(Value::as_str);
    let now = state.config.now();
    let valid = str_claim("iss") == Some(state.urls.issuer.as_str())
        && str_claim("token_use") == Some("access")
        && claims
            .get("exp")
            .and_then(Value::as_u64)
            .is_some_and(|exp| exp > now)
        && str_claim("client_id").is_some_and(|c| state.config.client(c).is_some());
    let user = str_claim("username").and_then(|u| state.config.user(u));
    let (true, Some(user)) = (valid, user) else {
        return bearer_error(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "Access token is expired or not valid here",
        );
    };
    if str_claim("sub") != user.sub.as_deref() {
        return bearer_error(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "Access token is not valid here",
        );
    }
    let scopes: Vec<&str> = str_claim("scope").unwrap_or_default().split(' ').collect();
    if !scopes.contains(&"openid") {
        return bearer_error(
            StatusCode::FORBIDDEN,
            "insufficient_scope",
            "Access token does not have the openid scope",
        );
    }
    let mut response = json_response(
        StatusCode::OK,
        &Value::Object(tokens::userinfo(user, &scopes)),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn bearer_error(status: StatusCode, error: &'static str, description: &'static str) -> Response {
    tracing::debug!(target: "dev_issuer", error, description, "userInfo error");
    let mut response = json_response(
        status,
        &json!({ "error": error, "error_description": description }),
    );
    if let Ok(value) = HeaderValue::from_str(&format!(
        "Bearer error=\"{error}\", error_description=\"{description}\""
    )) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response
}
