//! Cognito groups in the session: the callback every Cognito app writes, in the library.

use async_trait::async_trait;
use auth_core::callbacks::{Callbacks, DefaultCallbacks, JwtParams, JwtTrigger, SignInDecision};
use auth_core::provider::{Account, User};
use auth_core::session_cookie::SessionClaims;
use serde_json::{Map, Value};

/// The session token claim [`GroupsInSession`] writes by default: `groups`, as the Next.js
/// apps of the interop suite name it in their `jwt` callback.
pub const DEFAULT_GROUPS_CLAIM: &str = "groups";

/// Callbacks that copy the user's Cognito groups (`cognito:groups` of the id token) into the
/// session token on sign-in, around the application's own callbacks (which run first).
///
/// The Node tier must do the same in its `jwt` callback for sessions to look alike on both
/// tiers (`token.groups = profile["cognito:groups"]`). Only an array of strings is copied; a
/// user in no group gets no claim (Cognito then sends none). Read it back with
/// `auth_core::axum::RequireSession::any_group`, or from the claims.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use auth_core::{AuthConfig, AuthHandler};
/// use cognito_provider::{Cognito, GroupsInSession};
///
/// let cognito = Cognito::from_env()?.build()?;
/// let config = AuthConfig::from_env()?
///     .callbacks(GroupsInSession::new())
///     .provider(cognito)
///     .build()?;
/// let auth = AuthHandler::new(config);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct GroupsInSession<C = DefaultCallbacks> {
    inner: C,
    claim: String,
}

impl GroupsInSession {
    /// Groups into `groups`, next-auth's default callbacks otherwise.
    pub fn new() -> Self {
        GroupsInSession::around(DefaultCallbacks)
    }
}

impl Default for GroupsInSession {
    fn default() -> Self {
        Self::new()
    }
}

impl<C: Callbacks> GroupsInSession<C> {
    /// Groups into `groups`, after the application's own `inner` callbacks.
    pub fn around(inner: C) -> Self {
        GroupsInSession {
            inner,
            claim: DEFAULT_GROUPS_CLAIM.to_owned(),
        }
    }

    /// Write the groups into `claim` instead of `groups`.
    #[must_use]
    pub fn claim(mut self, claim: impl Into<String>) -> Self {
        self.claim = claim.into();
        self
    }
}

#[async_trait]
impl<C: Callbacks> Callbacks for GroupsInSession<C> {
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
        let signing_in = matches!(params.trigger, JwtTrigger::SignIn | JwtTrigger::SignUp);
        let groups = params
            .profile
            .and_then(|p| p.get("cognito:groups"))
            .filter(|g| g.as_array().is_some_and(|l| l.iter().all(Value::is_string)))
            .cloned();
        let Some(mut token) = self.inner.jwt(params).await? else {
            return Ok(None);
        };
        if signing_in && let Some(groups) = groups {
            token.insert(self.claim.clone(), groups);
        }
        Ok(Some(token))
    }

    async fn session(
        &self,
        session: Value,
        token: &SessionClaims,
    ) -> Result<Value, auth_core::AuthError> {
        self.inner.session(session, token).await
    }
}
