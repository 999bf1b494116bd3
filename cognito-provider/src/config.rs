//! Building a [`Cognito`] provider.

use std::sync::Arc;
use std::time::Duration;

use auth_core::session_cookie::{CheckKind, Clock, SystemClock};
use oauth2::{ClientId, ClientSecret};
use openidconnect::IssuerUrl;
use url::Url;

use crate::CognitoError;
use crate::discovery::Discovery;
use crate::http::{Timeouts, client, require_secure};
use crate::jwks::DEFAULT_JWKS_REFETCH_INTERVAL;
use crate::provider::{ClientAuthMethod, Cognito, Inner};

/// Default clock leeway for `exp`, `iat` and `nbf`: 30 seconds.
pub const DEFAULT_LEEWAY_SECS: i64 = 30;

/// Builds a [`Cognito`] provider; start with [`Cognito::builder`] or [`Cognito::from_env`].
#[must_use]
pub struct CognitoBuilder {
    issuer: String,
    client_id: String,
    client_secret: Option<ClientSecret>,
    auth_method: ClientAuthMethod,
    scopes: Option<String>,
    checks: Vec<CheckKind>,
    leeway_secs: i64,
    timeouts: Timeouts,
    jwks_refetch_interval: Duration,
    refresh_tokens: bool,
    hosted_ui_logout: Option<Option<String>>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for CognitoBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CognitoBuilder")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[redacted]"),
            )
            .finish_non_exhaustive()
    }
}

impl Cognito {
    /// A provider for the user pool at `issuer`
    /// (`https://cognito-idp.<region>.amazonaws.com/<pool id>`, or any OIDC issuer) and the app
    /// client `client_id`.
    pub fn builder(issuer: impl Into<String>, client_id: impl Into<String>) -> CognitoBuilder {
        CognitoBuilder {
            issuer: issuer.into(),
            client_id: client_id.into(),
            client_secret: None,
            auth_method: ClientAuthMethod::Basic,
            scopes: None,
            checks: vec![
                CheckKind::State,
                CheckKind::PkceCodeVerifier,
                CheckKind::Nonce,
            ],
            leeway_secs: DEFAULT_LEEWAY_SECS,
            timeouts: Timeouts::default(),
            jwks_refetch_interval: DEFAULT_JWKS_REFETCH_INTERVAL,
            refresh_tokens: false,
            hosted_ui_logout: None,
            clock: Arc::new(SystemClock),
        }
    }

    /// A builder from the variables next-auth's Cognito setup uses: `COGNITO_ISSUER`,
    /// `COGNITO_CLIENT_ID` and, for confidential clients, `COGNITO_CLIENT_SECRET`. Errors name
    /// the variable.
    pub fn from_env() -> Result<CognitoBuilder, auth_core::AuthError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) with variables from `lookup`.
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<CognitoBuilder, auth_core::AuthError> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let issuer = get("COGNITO_ISSUER").ok_or(auth_core::AuthError::MissingVariable {
            variable: "COGNITO_ISSUER",
            hint: "the user pool's issuer, https://cognito-idp.<region>.amazonaws.com/<pool id>",
        })?;
        let client_id = get("COGNITO_CLIENT_ID").ok_or(auth_core::AuthError::MissingVariable {
            variable: "COGNITO_CLIENT_ID",
            hint: "the app client id of the user pool",
        })?;
        if let Err(e) = check_issuer(&issuer) {
            return Err(auth_core::AuthError::MalformedVariable {
                variable: "COGNITO_ISSUER",
                problem: e.to_string(),
            });
        }
        let mut builder = Cognito::builder(issuer, client_id);
        if let Some(secret) = get("COGNITO_CLIENT_SECRET") {
            builder = builder.client_secret(secret);
        }
        Ok(builder)
    }
}

fn check_issuer(issuer: &str) -> Result<Url, CognitoError> {
    let url = Url::parse(issuer)
        .map_err(|e| CognitoError::Config(format!("the issuer is not a URL ({e})")))?;
    require_secure(&url, "the issuer")?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(CognitoError::Config(
            "the issuer must not have a query or fragment".into(),
        ));
    }
    Ok(url)
}

impl CognitoBuilder {
    /// The app client's secret (confidential clients). Without it the client is public and
    /// relies on PKCE.
    pub fn client_secret(mut self, secret: impl Into<String>) -> Self {
        self.client_secret = Some(ClientSecret::new(secret.into()));
        self
    }

    /// How to authenticate at the token endpoint (default `client_secret_basic`).
    pub fn client_auth(mut self, method: ClientAuthMethod) -> Self {
        self.auth_method = method;
        self
    }

    /// The requested scopes, space-separated. Default as next-auth's Cognito provider: `openid`
    /// with next-auth 4, `openid profile email` with Auth.js. (Cognito puts every readable user
    /// attribute into the id_token for `openid`.)
    pub fn scopes(mut self, scopes: impl Into<String>) -> Self {
        self.scopes = Some(scopes.into());
        self
    }

    /// The checks to run. Default: state, PKCE (S256) and nonce — all three. Turning one off
    /// weakens sign-in; next-auth 4 runs only state, Auth.js only PKCE.
    pub fn checks(mut self, checks: impl IntoIterator<Item = CheckKind>) -> Self {
        self.checks = checks.into_iter().collect();
        self
    }

    /// Clock leeway for `exp`, `iat` and `nbf` (default 30 s).
    pub fn leeway_secs(mut self, secs: i64) -> Self {
        self.leeway_secs = secs;
        self
    }

    /// Timeouts of requests to Cognito (default 3 s to connect, 5 s per request).
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Minimum time between JWKS fetches caused by unknown key ids (default 10 s).
    pub fn jwks_refetch_interval(mut self, interval: Duration) -> Self {
        self.jwks_refetch_interval = interval;
        self
    }

    /// Keep the access token, refresh token and expiry in the session, and refresh them at the
    /// token endpoint when a session is read after expiry. Needs
    /// [`Cognito::refreshing_callbacks`] as the handler's callbacks.
    pub fn refresh_tokens(mut self, enabled: bool) -> Self {
        self.refresh_tokens = enabled;
        self
    }

    /// After signing out of the app, send the browser to the hosted UI's `/logout` to end the
    /// Cognito session too, then on to the sign-out's callback URL.
    ///
    /// Cognito redirects back only to a `logout_uri` listed *exactly* in the app client's
    /// "Allowed sign-out URLs"; anything else shows its error page and leaves the Cognito
    /// session alive, so the next "Sign in" would let the same person in without a password.
    /// The `logout_uri` sent is therefore always the same one, auth-core's
    /// `<NEXTAUTH_URL><base path>/signout/cognito`, e.g.
    /// `https://app.example.com/api/auth/signout/cognito`: **register exactly that URL**. The
    /// handler answers it by sending the browser on to the callback URL of the sign-out
    /// (next-auth/react's `signOut({ callbackUrl })`, or the page it was called on).
    pub fn hosted_ui_logout(mut self) -> Self {
        self.hosted_ui_logout = Some(None);
        self
    }

    /// Like [`hosted_ui_logout`](Self::hosted_ui_logout), but Cognito sends the browser to
    /// `logout_uri` (which must be registered exactly) and the sign-out's callback URL is not
    /// used.
    pub fn hosted_ui_logout_to(mut self, logout_uri: impl Into<String>) -> Self {
        self.hosted_ui_logout = Some(Some(logout_uri.into()));
        self
    }

    /// The clock (tests freeze it).
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Check and build.
    pub fn build(self) -> Result<Cognito, CognitoError> {
        let issuer_url = check_issuer(&self.issuer)?;
        // Cognito's issuer has no trailing slash; keep the configured spelling for `iss` checks.
        let issuer = IssuerUrl::new(self.issuer.trim_end_matches('/').to_owned())
            .map_err(|e| CognitoError::Config(format!("the issuer is not a URL ({e})")))?;
        if self.client_id.is_empty() {
            return Err(CognitoError::Config("the client id is empty".into()));
        }
        if self.leeway_secs < 0 || self.leeway_secs > 300 {
            return Err(CognitoError::Config(
                "the leeway must be between 0 and 300 seconds".into(),
            ));
        }
        if let Some(Some(uri)) = &self.hosted_ui_logout {
            Url::parse(uri)
                .map_err(|e| CognitoError::Config(format!("the logout URI is not a URL ({e})")))?;
        }
        let _ = issuer_url;
        Ok(Cognito {
            inner: Arc::new(Inner {
                discovery: Discovery::new(issuer.clone()),
                issuer,
                client_id: ClientId::new(self.client_id),
                client_secret: self.client_secret,
                auth_method: self.auth_method,
                scopes: self.scopes,
                checks: self.checks,
                leeway_secs: self.leeway_secs,
                http: client(self.timeouts)?,
                jwks: tokio::sync::OnceCell::new(),
                jwks_refetch_interval: self.jwks_refetch_interval,
                refresh_tokens: self.refresh_tokens,
                hosted_ui_logout: self.hosted_ui_logout,
                clock: self.clock,
                refreshes: crate::refresh::InFlight::default(),
            }),
        })
    }
}
