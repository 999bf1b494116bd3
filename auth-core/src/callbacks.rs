//! Application callbacks (`signIn`, `redirect`, `jwt`, `session`) and event hooks, with
//! next-auth's defaults.

use async_trait::async_trait;
use serde_json::{Map, Value};
use session_cookie::SessionClaims;

use crate::AuthError;
use crate::provider::{Account, User};

/// What the `sign_in` callback decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInDecision {
    /// Sign the user in.
    Allow,
    /// Refuse: the browser ends at `/error?error=AccessDenied`.
    Deny,
    /// Refuse and send the browser to this URL instead.
    Redirect(String),
}

/// Why the `jwt` callback runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum JwtTrigger {
    /// A sign-in of a known user (next-auth's `"signIn"`).
    SignIn,
    /// A sign-in of a new user (`"signUp"`; only with a database, so never without one).
    SignUp,
    /// `useSession().update(data)` (`POST /session`).
    Update,
    /// A session read (`GET /session`, next-auth's trigger `undefined`).
    Read,
}

/// The arguments of the `jwt` callback.
#[derive(Debug)]
#[non_exhaustive]
pub struct JwtParams<'a> {
    /// The token: on sign-in `{name, email, picture, sub}`, afterwards the decoded session.
    pub token: SessionClaims,
    /// Why the callback runs.
    pub trigger: JwtTrigger,
    /// On sign-in: the user.
    pub user: Option<&'a User>,
    /// On sign-in: the account and its OAuth tokens.
    pub account: Option<&'a Account>,
    /// On sign-in: the provider profile (for Cognito, the id_token claims, including
    /// `cognito:groups` and `cognito:username`).
    pub profile: Option<&'a Map<String, Value>>,
    /// On update: the `data` the client sent.
    pub session: Option<&'a Value>,
}

/// The application's callbacks. Every method has next-auth's default behaviour, so implement
/// only what you need.
///
/// ```
/// use async_trait::async_trait;
/// use auth_core::callbacks::{Callbacks, JwtParams, JwtTrigger};
/// use auth_core::session_cookie::SessionClaims;
/// use auth_core::AuthError;
/// use serde_json::{json, Value};
///
/// /// Keep the Cognito groups in the session token and show them in the session.
/// struct WithGroups;
///
/// #[async_trait]
/// impl Callbacks for WithGroups {
///     async fn jwt(&self, params: JwtParams<'_>) -> Result<Option<SessionClaims>, AuthError> {
///         let mut token = params.token;
///         if params.trigger == JwtTrigger::SignIn {
///             if let Some(groups) = params.profile.and_then(|p| p.get("cognito:groups")) {
///                 token.insert("groups", groups.clone());
///             }
///         }
///         Ok(Some(token))
///     }
///
///     async fn session(
///         &self,
///         mut session: Value,
///         token: &SessionClaims,
///     ) -> Result<Value, AuthError> {
///         session["user"]["groups"] = token.get("groups").cloned().unwrap_or(json!([]));
///         Ok(session)
///     }
/// }
/// ```
#[async_trait]
pub trait Callbacks: Send + Sync + 'static {
    /// Whether this user may sign in. Default: yes.
    async fn sign_in(
        &self,
        user: &User,
        account: &Account,
        profile: &Map<String, Value>,
    ) -> Result<SignInDecision, AuthError> {
        let _ = (user, account, profile);
        Ok(SignInDecision::Allow)
    }

    /// Where to send the browser, given a requested `url` and the app's origin `base_url`.
    /// Default: [`crate::redirect::default_redirect`] — same-origin URLs and relative paths only.
    async fn redirect(&self, url: &str, base_url: &str) -> String {
        crate::redirect::default_redirect(url, base_url)
    }

    /// Shape the session token. Return `None` to end the session. Default: the token unchanged.
    async fn jwt(&self, params: JwtParams<'_>) -> Result<Option<SessionClaims>, AuthError> {
        Ok(Some(params.token))
    }

    /// Shape what `GET /api/auth/session` returns. `session` is
    /// `{"user": {"name", "email", "image"}, "expires"}`. Default: unchanged.
    async fn session(&self, session: Value, token: &SessionClaims) -> Result<Value, AuthError> {
        let _ = token;
        Ok(session)
    }
}

/// next-auth's default callbacks.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultCallbacks;

impl Callbacks for DefaultCallbacks {}

/// Event hooks: told about sign-ins and sign-outs, they cannot change them.
///
/// ```
/// use async_trait::async_trait;
/// use auth_core::callbacks::Events;
/// use auth_core::provider::{Account, User};
/// use auth_core::session_cookie::SessionClaims;
/// use serde_json::{Map, Value};
///
/// struct Audit;
///
/// #[async_trait]
/// impl Events for Audit {
///     async fn sign_in(&self, user: &User, account: &Account, _profile: &Map<String, Value>) {
///         tracing::info!(user = %user.id, provider = %account.provider, "signed in");
///     }
///     async fn sign_out(&self, token: Option<&SessionClaims>) {
///         tracing::info!(user = ?token.and_then(|t| t.get_str("sub")), "signed out");
///     }
/// }
/// ```
#[async_trait]
pub trait Events: Send + Sync + 'static {
    /// A user signed in.
    async fn sign_in(&self, user: &User, account: &Account, profile: &Map<String, Value>) {
        let _ = (user, account, profile);
    }

    /// A user signed out; `token` is the session token if it could be read.
    async fn sign_out(&self, token: Option<&SessionClaims>) {
        let _ = token;
    }
}

/// No event hooks.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoEvents;

impl Events for NoEvents {}
