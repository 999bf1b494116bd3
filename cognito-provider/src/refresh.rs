//! Opt-in token refresh: keep Cognito's tokens in the session and renew them when they expire.
//!
//! # Concurrent refreshes
//!
//! A page often fires several requests at once; when the access token has just expired, each of
//! them reads the session and would refresh it. Within one process, refreshes of the same
//! refresh token share one token request, and its result is reused for a minute, so every
//! response carries the same new tokens. Across processes (several Lambda instances) each
//! refreshes on its own: with Cognito's default app client settings refresh tokens are not
//! rotated, so every request succeeds and the browser keeps whichever `Set-Cookie` arrives last
//! — all of them valid. With refresh-token rotation turned on, Cognito accepts the old token
//! again only within its grace period; a request that loses the race gets
//! `error: "RefreshAccessTokenError"` in its session, and the next session read repairs it if
//! another response has stored the rotated token, or asks the user to sign in again.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use auth_core::callbacks::{Callbacks, DefaultCallbacks, JwtParams, JwtTrigger, SignInDecision};
use auth_core::provider::{Account, TokenSet, User};
use auth_core::session_cookie::SessionClaims;
use serde_json::{Map, Value};
use sha2::Digest as _;
use tokio::sync::{Mutex, OnceCell};

use crate::{Cognito, CognitoError};

/// The session's `error` when a refresh failed, as in next-auth's refresh guide.
pub const REFRESH_ERROR: &str = "RefreshAccessTokenError";

/// Refresh this long before the access token expires, so requests in flight do not use a token
/// that expires on the way.
const EARLY_SECS: i64 = 10;

/// How long a refresh result is shared with other requests holding the same refresh token, in
/// seconds of the provider's clock.
const SHARE_FOR_SECS: i64 = 60;

type Shared = Arc<OnceCell<Result<TokenSet, Refused>>>;

/// Refreshes in flight (and just finished), by a digest of the refresh token, with when they
/// started (the provider's clock, Unix seconds).
#[derive(Default)]
pub(crate) struct InFlight {
    map: Mutex<HashMap<[u8; 32], (i64, Shared)>>,
}

#[derive(Debug, Clone)]
struct Refused {
    /// The refresh token is dead (`invalid_grant`): stop trying it.
    invalid_grant: bool,
}

impl Cognito {
    /// Callbacks that keep Cognito's tokens in the session token and refresh them on read, around
    /// the application's own `inner` callbacks. Enable with `refresh_tokens(true)` on the builder.
    ///
    /// On sign-in the token gets `access_token`, `refresh_token` and `expires_at` (Unix
    /// seconds). When a session is read or updated after `expires_at`, the tokens are refreshed;
    /// if that fails the token and the session JSON get `error: "RefreshAccessTokenError"`.
    pub fn refreshing_callbacks<C: Callbacks>(&self, inner: C) -> RefreshingCallbacks<C> {
        RefreshingCallbacks {
            cognito: self.clone(),
            inner,
        }
    }

    async fn refresh_shared(&self, refresh_token: &str) -> Result<TokenSet, Refused> {
        let key: [u8; 32] = sha2::Sha256::digest(refresh_token.as_bytes()).into();
        let now = self.now();
        let cell = {
            let mut map = self.inner.refreshes.map.lock().await;
            map.retain(|_, (started, _)| now - *started < SHARE_FOR_SECS);
            map.entry(key)
                .or_insert_with(|| (now, Arc::new(OnceCell::new())))
                .1
                .clone()
        };
        cell.get_or_init(|| async {
            self.refresh(refresh_token).await.map_err(|e| {
                tracing::warn!(error = %e, "refreshing the Cognito tokens failed");
                let invalid_grant =
                    matches!(&e, CognitoError::TokenRefused { code } if code == "invalid_grant");
                Refused { invalid_grant }
            })
        })
        .await
        .clone()
    }
}

/// See [`Cognito::refreshing_callbacks`].
pub struct RefreshingCallbacks<C = DefaultCallbacks> {
    cognito: Cognito,
    inner: C,
}

impl<C> std::fmt::Debug for RefreshingCallbacks<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RefreshingCallbacks")
            .finish_non_exhaustive()
    }
}

fn store(token: &mut SessionClaims, tokens: &TokenSet) {
    if let Some(access) = &tokens.access_token {
        token.insert("access_token", access.expose_secret());
    }
    if let Some(refresh) = &tokens.refresh_token {
        token.insert("refresh_token", refresh.expose_secret());
    }
    if let Some(expires_at) = tokens.expires_at {
        token.insert("expires_at", expires_at);
    }
    token.remove("error");
}

#[async_trait]
impl<C: Callbacks> Callbacks for RefreshingCallbacks<C> {
    async fn sign_in(
        &self,
        user: &User,
        account: &Account,
        profile: &Map<String, Value>,
    ) -> Result<SignInDecision, auth_core::AuthError> {
        self.inner.sign_in(user, account, profile).await
    }

    async fn redirect(&self, url: &str, base_url: &str) -> String {
        self.inner.redirect(url, base_url).await
    }

    async fn jwt(
        &self,
        params: JwtParams<'_>,
    ) -> Result<Option<SessionClaims>, auth_core::AuthError> {
        let (trigger, account) = (params.trigger, params.account);
        let Some(mut token) = self.inner.jwt(params).await? else {
            return Ok(None);
        };
        if !self.cognito.refreshes_tokens() {
            return Ok(Some(token));
        }
        match trigger {
            JwtTrigger::SignIn | JwtTrigger::SignUp => {
                if let Some(account) = account {
                    store(&mut token, &account.tokens);
                }
            }
            _ => {
                let expires_at = token.get("expires_at").and_then(Value::as_i64);
                let refresh_token = token.get_str("refresh_token").map(str::to_owned);
                if let (Some(expires_at), Some(refresh_token)) = (expires_at, refresh_token)
                    && self.cognito.now() >= expires_at.saturating_sub(EARLY_SECS)
                {
                    match self.cognito.refresh_shared(&refresh_token).await {
                        Ok(tokens) => store(&mut token, &tokens),
                        Err(refused) => {
                            token.insert("error", REFRESH_ERROR);
                            if refused.invalid_grant {
                                token.remove("refresh_token");
                            }
                        }
                    }
                }
            }
        }
        Ok(Some(token))
    }

    async fn session(
        &self,
        session: Value,
        token: &SessionClaims,
    ) -> Result<Value, auth_core::AuthError> {
        let mut session = self.inner.session(session, token).await?;
        if let (Some(error), Value::Object(map)) = (token.get("error"), &mut session) {
            map.insert("error".into(), error.clone());
        }
        Ok(session)
    }
}
