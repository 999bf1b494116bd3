//! `/.well-known/openid-configuration` and `/.well-known/jwks.json` under the issuer path.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use http::StatusCode;
use serde_json::json;

use super::{AUTHORIZE_PATH, REVOKE_PATH, TOKEN_PATH, USERINFO_PATH, json_response};
use crate::state::AppState;

/// Cognito's discovery document, with its gaps: no `code_challenge_methods_supported` (PKCE
/// S256 works all the same) and no `end_session_endpoint` (sign-out is `/logout`).
pub(super) async fn openid_configuration(State(state): State<Arc<AppState>>) -> Response {
    let urls = &state.urls;
    let body = json!({
        "authorization_endpoint": urls.endpoint(AUTHORIZE_PATH),
        "claims_supported": [
            "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "token_use",
            "email", "email_verified", "name", "picture", "phone_number",
            "phone_number_verified", "cognito:username", "cognito:groups",
        ],
        "id_token_signing_alg_values_supported": ["RS256"],
        "issuer": urls.issuer,
        "jwks_uri": format!("{}/.well-known/jwks.json", urls.issuer),
        "response_types_supported": ["code"],
        "revocation_endpoint": urls.endpoint(REVOKE_PATH),
        "scopes_supported": ["openid", "email", "phone", "profile"],
        "subject_types_supported": ["public"],
        "token_endpoint": urls.endpoint(TOKEN_PATH),
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "userinfo_endpoint": urls.endpoint(USERINFO_PATH),
    });
    json_response(StatusCode::OK, &body)
}

/// The public signing key.
pub(super) async fn jwks(State(state): State<Arc<AppState>>) -> Response {
    json_response(
        StatusCode::OK,
        &json!({ "keys": [state.config.key.public_jwk()] }),
    )
}
