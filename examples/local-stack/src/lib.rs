//! The application behind `/api/*`, shared by the local stack and the Lambda function:
//! next-auth's `/api/auth/*` (auth-core with Cognito), a protected `/api/me` and an
//! `/api/admin` for the `admins` group.
//!
//! Configured by the variables next-auth and Next.js's standalone server read:
//!
//! | Variable | Meaning |
//! |---|---|
//! | `NEXTAUTH_URL`, `NEXTAUTH_SECRET` (or `AUTH_URL`, `AUTH_SECRET`) | as for next-auth; must match the Next.js app |
//! | `COGNITO_ISSUER`, `COGNITO_CLIENT_ID`, `COGNITO_CLIENT_SECRET` | the user pool and app client |
//! | `NEXTAUTH_WIRE_FORMAT` | `v4` (default) or `v5` |
//! | `COGNITO_REFRESH_TOKENS` | `true`: keep and refresh Cognito's tokens in the session |
//! | `COGNITO_HOSTED_UI_LOGOUT` | `true`: sign-out also ends the Cognito hosted-UI session |
//! | `HOSTNAME`, `PORT` | where the local stack listens (default `127.0.0.1:3000`) |
//! | `LOCAL_STACK_HEADER_READ_TIMEOUT_SECS`, `LOCAL_STACK_BODY_READ_TIMEOUT_SECS` | how long a client may take to send its headers, its body (default 10 s each; see [`serve`]) |

pub mod serve;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use auth_core::axum::{RequireSession, Session};
use auth_core::session_cookie::{SessionClaims, parse_flag};
use auth_core::{AuthConfigBuilder, AuthError, AuthHandler};
use axum::extract::FromRef;
use axum::routing::get;
use axum::{Json, Router};
use cognito_provider::{Cognito, CognitoBearer, CognitoJwtVerifier, GroupsInSession, TokenUse};
use serde_json::Value;

/// Errors of the example binaries: one line for the operator.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// `/api/auth/*`, `/api/me` (any session), `/api/admin` (sessions of the `admins` group: 401
/// without a session, 403 outside the group) and `/api/reports` (a Cognito access token as
/// `Authorization: Bearer`, for API clients).
pub fn api_router(state: AppState) -> Router {
    let auth = state.auth.clone();
    Router::new()
        .route("/api/me", get(me))
        .route("/api/reports", get(reports))
        .merge(
            Router::new()
                .route("/api/admin", get(admin))
                .layer(RequireSession::new(auth.clone()).any_group(["admins"])),
        )
        .merge(auth.router())
        .layer(auth.session_layer())
        .with_state(state)
}

/// The session's claims, without the OAuth tokens a refreshing session keeps (they are for the
/// server, not for the page). `401` JSON without a session.
async fn me(Session(claims): Session<SessionClaims>) -> Json<Value> {
    let mut claims = claims.into_map();
    for secret in ["access_token", "refresh_token", "id_token"] {
        claims.shift_remove(secret);
    }
    Json(Value::Object(claims))
}

/// The Bearer API: who the verified Cognito access token belongs to.
async fn reports(CognitoBearer(token): CognitoBearer) -> Json<Value> {
    Json(serde_json::json!({ "sub": token.subject(), "groups": token.groups() }))
}

/// What an administrator's page needs from the session, as a typed view of its claims.
#[derive(Debug, serde::Deserialize, serde::Serialize)]
struct Admin {
    sub: String,
    email: Option<String>,
    groups: Vec<String>,
}

/// `RequireSession` let the request through: the session is there, in the `admins` group.
async fn admin(
    axum::Extension(claims): axum::Extension<SessionClaims>,
) -> Result<Json<Admin>, http::StatusCode> {
    claims
        .deserialize::<Admin>()
        .map(Json)
        .map_err(|_| http::StatusCode::FORBIDDEN)
}

fn flag(
    lookup: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
) -> Result<bool, AuthError> {
    match lookup(variable)
        .as_deref()
        .filter(|v| !v.trim().is_empty())
        .map(parse_flag)
    {
        None => Ok(false),
        Some(Some(flag)) => Ok(flag),
        Some(None) => Err(AuthError::MalformedVariable {
            variable,
            problem: "expected true or false".into(),
        }),
    }
}

/// The Cognito provider from `COGNITO_*`, with the opt-ins.
pub fn cognito_from_env(lookup: &impl Fn(&str) -> Option<String>) -> Result<Cognito, BoxError> {
    let mut builder =
        Cognito::from_lookup(lookup)?.refresh_tokens(flag(lookup, "COGNITO_REFRESH_TOKENS")?);
    if flag(lookup, "COGNITO_HOSTED_UI_LOGOUT")? {
        builder = builder.hosted_ui_logout();
    }
    Ok(builder.build()?)
}

/// What the app's routes need: the `/api/auth/*` handler (sessions) and a verifier of the user
/// pool's access tokens (the Bearer API).
#[derive(Debug, Clone)]
pub struct AppState {
    /// Sessions: `/api/auth/*`, `Session`, `RequireSession`.
    pub auth: AuthHandler,
    /// Cognito access tokens of the same pool and app client, for `CognitoBearer`.
    pub verifier: CognitoJwtVerifier,
}

impl FromRef<AppState> for AuthHandler {
    fn from_ref(state: &AppState) -> Self {
        state.auth.clone()
    }
}

impl FromRef<AppState> for CognitoJwtVerifier {
    fn from_ref(state: &AppState) -> Self {
        state.verifier.clone()
    }
}

/// The handler for `config` with `cognito` and the app's callbacks, and a verifier of the same
/// pool's access tokens.
pub fn auth_handler(config: AuthConfigBuilder, cognito: Cognito) -> Result<AppState, BoxError> {
    let verifier =
        CognitoJwtVerifier::builder(cognito.issuer(), TokenUse::Access, [cognito.client_id()])
            .build()?;
    let config = config
        .callbacks(cognito.refreshing_callbacks(GroupsInSession::new()))
        .provider(cognito)
        .build()?;
    Ok(AppState {
        auth: AuthHandler::new(config),
        verifier,
    })
}

/// The app configured entirely from the environment (a real user pool).
pub fn auth_from_env(lookup: &impl Fn(&str) -> Option<String>) -> Result<AppState, BoxError> {
    let cognito = cognito_from_env(lookup)?;
    auth_handler(auth_core::AuthConfig::from_lookup(lookup)?, cognito)
}

/// `HOSTNAME`:`PORT`, the address Next.js's standalone server listens on (default
/// `127.0.0.1:3000`). `localhost` means `127.0.0.1`.
pub fn listen_address(lookup: &impl Fn(&str) -> Option<String>) -> Result<SocketAddr, AuthError> {
    let host = lookup("HOSTNAME")
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty());
    let ip = match host.as_deref() {
        None | Some("localhost") => IpAddr::V4(Ipv4Addr::LOCALHOST),
        Some(host) => {
            host.trim_matches(['[', ']'])
                .parse()
                .map_err(|_| AuthError::MalformedVariable {
                    variable: "HOSTNAME",
                    problem: "expected an IP address or localhost".into(),
                })?
        }
    };
    let port = match lookup("PORT")
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
    {
        None => 3000,
        Some(port) => port.parse().map_err(|_| AuthError::MalformedVariable {
            variable: "PORT",
            problem: "expected a port number (0-65535)".into(),
        })?,
    };
    Ok(SocketAddr::new(ip, port))
}

/// `LOCAL_STACK_ALLOW_NON_LOOPBACK`: the explicit opt-in to listen beyond loopback.
pub fn allow_non_loopback(lookup: &impl Fn(&str) -> Option<String>) -> Result<bool, AuthError> {
    flag(lookup, "LOCAL_STACK_ALLOW_NON_LOOPBACK")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        let pairs = pairs.to_vec();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn listen_address_like_next_standalone() {
        assert_eq!(
            listen_address(&vars(&[])).unwrap(),
            "127.0.0.1:3000".parse().unwrap()
        );
        assert_eq!(
            listen_address(&vars(&[("HOSTNAME", "0.0.0.0"), ("PORT", "8080")])).unwrap(),
            "0.0.0.0:8080".parse().unwrap()
        );
        assert_eq!(
            listen_address(&vars(&[("HOSTNAME", "::1")])).unwrap(),
            "[::1]:3000".parse().unwrap()
        );
        let err = listen_address(&vars(&[("PORT", "http")])).unwrap_err();
        assert!(err.to_string().starts_with("PORT is malformed"), "{err}");
        let err = listen_address(&vars(&[("HOSTNAME", "my-host.example")])).unwrap_err();
        assert!(
            err.to_string().starts_with("HOSTNAME is malformed"),
            "{err}"
        );
    }

    #[test]
    fn missing_cognito_settings_are_named() {
        let err = auth_from_env(&vars(&[(
            "COGNITO_ISSUER",
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_x",
        )]))
        .unwrap_err();
        assert!(
            err.to_string().starts_with("COGNITO_CLIENT_ID is not set"),
            "{err}"
        );
        let err = auth_from_env(&vars(&[
            ("COGNITO_ISSUER", "http://example.com/pool"),
            ("COGNITO_CLIENT_ID", "c"),
        ]))
        .unwrap_err();
        assert!(
            err.to_string().starts_with("COGNITO_ISSUER is malformed"),
            "{err}"
        );
        let err = auth_from_env(&vars(&[
            (
                "COGNITO_ISSUER",
                "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_x",
            ),
            ("COGNITO_CLIENT_ID", "c"),
            ("COGNITO_REFRESH_TOKENS", "yes"),
        ]))
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("COGNITO_REFRESH_TOKENS is malformed"),
            "{err}"
        );
        let err = auth_from_env(&vars(&[
            (
                "COGNITO_ISSUER",
                "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_x",
            ),
            ("COGNITO_CLIENT_ID", "c"),
            ("NEXTAUTH_URL", "https://app.example.com"),
        ]))
        .unwrap_err();
        assert!(
            err.to_string().starts_with("NEXTAUTH_SECRET is not set"),
            "{err}"
        );
        assert!(
            auth_from_env(&vars(&[
                (
                    "COGNITO_ISSUER",
                    "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_x"
                ),
                ("COGNITO_CLIENT_ID", "c"),
                ("NEXTAUTH_URL", "https://app.example.com"),
                ("NEXTAUTH_SECRET", "s"),
            ]))
            .is_ok()
        );
    }
}
