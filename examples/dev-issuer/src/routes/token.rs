//! `/oauth2/token` (authorization code and refresh token grants) and `/oauth2/revoke`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use http::{HeaderMap, HeaderValue, StatusCode, header};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{is_form, json_response};
use crate::DevClient;
use crate::params::{Params, Repeated};
use crate::state::{AppState, REFRESH_TTL_SECS, RedeemedCode, RefreshGrant, random_token};
use crate::tokens::mint;

/// An OAuth error answer of the token endpoint (RFC 6749 §5.2).
#[derive(Debug)]
struct TokenError {
    error: &'static str,
    description: String,
}

impl TokenError {
    fn new(error: &'static str, description: impl Into<String>) -> Self {
        Self {
            error,
            description: description.into(),
        }
    }

    fn invalid_client(description: impl Into<String>) -> Self {
        Self::new("invalid_client", description)
    }

    fn invalid_grant(description: impl Into<String>) -> Self {
        Self::new("invalid_grant", description)
    }

    fn into_response(self) -> Response {
        tracing::debug!(target: "dev_issuer", error = self.error, description = %self.description, "token endpoint error");
        let status = if self.error == "invalid_client" {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::BAD_REQUEST
        };
        let mut response = no_store(json_response(
            status,
            &json!({ "error": self.error, "error_description": self.description }),
        ));
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"dev-issuer\""),
            );
        }
        response
    }
}

impl From<Repeated> for TokenError {
    fn from(Repeated(name): Repeated) -> Self {
        Self::new("invalid_request", format!("{name} was sent more than once"))
    }
}

fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

/// `POST /oauth2/token`.
pub(super) async fn token(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match token_inner(&state, &headers, &body) {
        Ok(body) => no_store(json_response(StatusCode::OK, &Value::Object(body))),
        Err(error) => error.into_response(),
    }
}

fn token_inner(
    state: &AppState,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Map<String, Value>, TokenError> {
    if !is_form(headers) {
        return Err(TokenError::new(
            "invalid_request",
            "the body must be application/x-www-form-urlencoded",
        ));
    }
    let params = Params::parse(body);
    let client = authenticate_client(state, headers, &params)?;
    match params.get("grant_type")? {
        None => Err(TokenError::new("invalid_request", "grant_type is missing")),
        Some("authorization_code") => authorization_code(state, client, &params),
        Some("refresh_token") => refresh_token(state, client, &params),
        Some(_) => Err(TokenError::new(
            "unsupported_grant_type",
            "grant_type must be authorization_code or refresh_token",
        )),
    }
}

/// Client authentication: `client_secret_basic` or `client_secret_post` for confidential clients,
/// `client_id` alone for public ones; never two methods at once.
fn authenticate_client<'a>(
    state: &'a AppState,
    headers: &HeaderMap,
    params: &Params,
) -> Result<&'a DevClient, TokenError> {
    let body_id = params.get("client_id")?;
    let body_secret = params.get("client_secret")?;
    let (client_id, secret) = match headers.get(header::AUTHORIZATION) {
        Some(value) => {
            let (id, secret) = parse_basic(value)
                .ok_or_else(|| TokenError::invalid_client("malformed Authorization header"))?;
            if body_secret.is_some() {
                return Err(TokenError::new(
                    "invalid_request",
                    "more than one client authentication method",
                ));
            }
            if body_id.is_some_and(|b| b != id) {
                return Err(TokenError::invalid_client(
                    "client_id differs from the Authorization header",
                ));
            }
            (id, Some(secret))
        }
        None => {
            let id =
                body_id.ok_or_else(|| TokenError::invalid_client("no client authentication"))?;
            (id.to_owned(), body_secret.map(str::to_owned))
        }
    };
    let client = state
        .config
        .client(&client_id)
        .ok_or_else(|| TokenError::invalid_client("unknown client"))?;
    let authenticated = match (&client.secret, &secret) {
        (Some(expected), Some(presented)) => expected.matches(presented),
        (None, None) => true,
        (Some(_), None) | (None, Some(_)) => false,
    };
    if authenticated {
        Ok(client)
    } else {
        Err(TokenError::invalid_client("client authentication failed"))
    }
}

/// `Basic base64(urlencode(id):urlencode(secret))` (RFC 6749 §2.3.1).
fn parse_basic(value: &HeaderValue) -> Option<(String, String)> {
    let value = value.to_str().ok()?;
    let (scheme, credentials) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(credentials.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((form_decode(id)?, form_decode(secret)?))
}

fn form_decode(s: &str) -> Option<String> {
    let plus_as_space = s.replace('+', " ");
    percent_encoding::percent_decode_str(&plus_as_space)
        .decode_utf8()
        .ok()
        .map(|c| c.into_owned())
}

fn authorization_code(
    state: &AppState,
    client: &DevClient,
    params: &Params,
) -> Result<Map<String, Value>, TokenError> {
    let code = params
        .get("code")?
        .ok_or_else(|| TokenError::new("invalid_request", "code is missing"))?;
    let redirect_uri = params
        .get("redirect_uri")?
        .ok_or_else(|| TokenError::new("invalid_request", "redirect_uri is missing"))?;
    let verifier = params.get("code_verifier")?;

    let mut stores = state.stores();
    // Single use: the code is gone whatever happens next.
    let Some(grant) = stores.codes.remove(code) else {
        if let Some(redeemed) = stores.redeemed_codes.get_mut(code) {
            // A replayed code revokes what it issued (RFC 6749 §4.1.2).
            if let Some(refresh) = redeemed.refresh_token.take() {
                stores.refresh_tokens.remove(&refresh);
            }
            return Err(TokenError::invalid_grant("the code was already used"));
        }
        return Err(TokenError::invalid_grant("unknown or expired code"));
    };
    stores.redeemed_codes.insert(
        code.to_owned(),
        RedeemedCode {
            refresh_token: None,
            forget_at: grant.expires_at,
        },
    );
    if grant.grant.client_id != client.id {
        return Err(TokenError::invalid_grant(
            "the code was issued to another client",
        ));
    }
    if grant.redirect_uri != redirect_uri {
        return Err(TokenError::invalid_grant("redirect_uri does not match"));
    }
    match (&grant.code_challenge, verifier) {
        (None, None) => {}
        (None, Some(_)) => {
            return Err(TokenError::invalid_grant(
                "code_verifier sent, but the authorization request had no code_challenge",
            ));
        }
        (Some(_), None) => {
            return Err(TokenError::invalid_grant("code_verifier is missing"));
        }
        (Some(challenge), Some(verifier)) => {
            let valid_shape = (43..=128).contains(&verifier.len())
                && verifier
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
            let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
            if !valid_shape || !bool::from(computed.as_bytes().ct_eq(challenge.as_bytes())) {
                return Err(TokenError::invalid_grant("code_verifier does not match"));
            }
        }
    }

    let minted = mint(state, &grant.grant, grant.nonce.as_deref())
        .ok_or_else(|| TokenError::invalid_grant("the user no longer exists"))?;
    let refresh_token = random_token();
    let now = state.config.now();
    stores.refresh_tokens.insert(
        refresh_token.clone(),
        RefreshGrant {
            grant: grant.grant,
            expires_at: now + REFRESH_TTL_SECS,
        },
    );
    if let Some(redeemed) = stores.redeemed_codes.get_mut(code) {
        redeemed.refresh_token = Some(refresh_token.clone());
    }
    Ok(token_body(
        state,
        minted.id_token,
        minted.access_token,
        Some(refresh_token),
    ))
}

fn refresh_token(
    state: &AppState,
    client: &DevClient,
    params: &Params,
) -> Result<Map<String, Value>, TokenError> {
    let token = params
        .get("refresh_token")?
        .ok_or_else(|| TokenError::new("invalid_request", "refresh_token is missing"))?;
    let mut grant = {
        let stores = state.stores();
        let refresh = stores.refresh_tokens.get(token).ok_or_else(|| {
            TokenError::invalid_grant("unknown, revoked or expired refresh token")
        })?;
        if refresh.grant.client_id != client.id {
            return Err(TokenError::invalid_grant(
                "the refresh token was issued to another client",
            ));
        }
        refresh.grant.clone()
    };
    if let Some(scope) = params.get("scope")? {
        let requested: Vec<String> = scope
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        if requested.iter().any(|s| !grant.has_scope(s)) {
            return Err(TokenError::new(
                "invalid_scope",
                "scope exceeds what was granted",
            ));
        }
        grant.scopes.retain(|s| requested.contains(s));
    }
    let minted = mint(state, &grant, None)
        .ok_or_else(|| TokenError::invalid_grant("the user no longer exists"))?;
    // Like Cognito by default: no new refresh token (no rotation).
    Ok(token_body(
        state,
        minted.id_token,
        minted.access_token,
        None,
    ))
}

fn token_body(
    state: &AppState,
    id_token: Option<String>,
    access_token: String,
    refresh_token: Option<String>,
) -> Map<String, Value> {
    let mut body = Map::new();
    if let Some(id_token) = id_token {
        body.insert("id_token".into(), json!(id_token));
    }
    body.insert("access_token".into(), json!(access_token));
    if let Some(refresh_token) = refresh_token {
        body.insert("refresh_token".into(), json!(refresh_token));
    }
    body.insert("expires_in".into(), json!(state.config.token_validity_secs));
    body.insert("token_type".into(), json!("Bearer"));
    body
}

/// `POST /oauth2/revoke` (RFC 7009): revokes a refresh token of the authenticated client.
/// Answers 200 for unknown tokens too, as the RFC asks.
pub(super) async fn revoke(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = (|| {
        if !is_form(&headers) {
            return Err(TokenError::new(
                "invalid_request",
                "the body must be application/x-www-form-urlencoded",
            ));
        }
        let params = Params::parse(&body);
        let client = authenticate_client(&state, &headers, &params)?;
        let token = params
            .get("token")?
            .ok_or_else(|| TokenError::new("invalid_request", "token is missing"))?;
        let mut stores = state.stores();
        if stores
            .refresh_tokens
            .get(token)
            .is_some_and(|r| r.grant.client_id == client.id)
        {
            stores.refresh_tokens.remove(token);
        }
        Ok(())
    })();
    match result {
        Ok(()) => no_store(json_response(StatusCode::OK, &json!({}))),
        Err(error) => error.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_form_decoded() {
        let header =
            HeaderValue::from_str(&format!("Basic {}", STANDARD.encode("my%20id:a+b%3Ac")))
                .expect("header");
        assert_eq!(
            parse_basic(&header),
            Some(("my id".to_owned(), "a b:c".to_owned()))
        );
        let bearer = HeaderValue::from_static("Bearer abc");
        assert_eq!(parse_basic(&bearer), None);
        let no_colon =
            HeaderValue::from_str(&format!("basic {}", STANDARD.encode("x"))).expect("h");
        assert_eq!(parse_basic(&no_colon), None);
    }
}
