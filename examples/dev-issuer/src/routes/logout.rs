//! `/logout`: end the browser's hosted-UI session and go to a registered sign-out URL.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::response::Response;
use http::{HeaderMap, StatusCode};

use super::{cookie, error_page, redirect, set_cookie};
use crate::params::{Params, cookie_values};
use crate::state::AppState;

/// `GET /logout?client_id=…&logout_uri=…`. As Cognito, `logout_uri` must be one of the client's
/// registered sign-out URLs; anything else is an error page, never a redirect.
pub(super) async fn logout(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let params = Params::parse(query.unwrap_or_default().as_bytes());
    let (Ok(client_id), Ok(logout_uri)) = (params.get("client_id"), params.get("logout_uri"))
    else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "A parameter was sent more than once.",
        );
    };
    let Some(client) = client_id.and_then(|id| state.config.client(id)) else {
        return error_page(StatusCode::BAD_REQUEST, "Unknown or missing client_id.");
    };
    let Some(logout_uri) = logout_uri else {
        return error_page(StatusCode::BAD_REQUEST, "The request has no logout_uri.");
    };
    if !client.logout_uris.iter().any(|u| u == logout_uri) {
        return error_page(
            StatusCode::BAD_REQUEST,
            &format!(
                "{logout_uri:?} is not a sign-out URL of client {:?}.",
                client.id
            ),
        );
    }

    {
        let mut stores = state.stores();
        for id in cookie_values(&headers, &state.session_cookie) {
            stores.sessions.remove(id);
        }
    }
    tracing::debug!(target: "dev_issuer", client_id = %client.id, "signed out");
    let mut response = redirect(logout_uri);
    set_cookie(
        &mut response,
        cookie(&state, &state.session_cookie, "", 0, "Lax"),
    );
    response
}
