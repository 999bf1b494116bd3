//! Test helpers: a provider that needs no identity provider.
//!
//! Used by this crate's own tests (the recorded next-auth flows are replayed with it) and handy
//! in applications' tests. Not for production: it signs in whoever asks.

use async_trait::async_trait;
use serde_json::{Map, Value};
use session_cookie::{CheckKind, WireFormat};

use crate::AuthError;
use crate::provider::{
    Account, AuthorizationRequest, CallbackRequest, Provider, SignedIn, TokenSet, User,
    authorization_url,
};

/// A provider with a fixed authorization endpoint and a fixed user: every callback that carries
/// a `code` signs that user in.
#[derive(Debug, Clone)]
pub struct StaticProvider {
    /// Provider id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Authorization endpoint the browser is sent to.
    pub authorize_endpoint: String,
    /// `client_id` in the authorization URL.
    pub client_id: String,
    /// Checks for next-auth 4 and for Auth.js 5.
    pub checks_v4: Vec<CheckKind>,
    /// Checks for Auth.js 5.
    pub checks_v5: Vec<CheckKind>,
    /// Who signs in.
    pub profile: Map<String, Value>,
}

impl StaticProvider {
    /// Shaped like next-auth's Cognito provider: id `cognito`, v4 checks `state`, v5 checks
    /// PKCE, scope `openid` (v4) / `openid profile email` (v5), user Jane Doe.
    pub fn cognito_like() -> Self {
        let profile = serde_json::json!({
            "sub": "7a1e4f0c-0000-4000-8000-00000000c0c0",
            "name": "Jane Doe",
            "email": "jane.doe@example.com",
            "picture": "https://example.com/p.png",
        });
        StaticProvider {
            id: "cognito".into(),
            name: "Cognito".into(),
            authorize_endpoint: "http://127.0.0.1:9/oauth2/authorize".into(),
            client_id: "4example0clientid0abcdefgh".into(),
            checks_v4: vec![CheckKind::State],
            checks_v5: vec![CheckKind::PkceCodeVerifier],
            profile: profile.as_object().cloned().unwrap_or_default(),
        }
    }
}

#[async_trait]
impl Provider for StaticProvider {
    fn id(&self) -> &str {
        &self.id
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn kind(&self, format: WireFormat) -> &'static str {
        match format {
            WireFormat::NextAuthV4 => "oauth",
            WireFormat::AuthJsV5 => "oidc",
        }
    }

    fn checks(&self, format: WireFormat) -> &[CheckKind] {
        match format {
            WireFormat::NextAuthV4 => &self.checks_v4,
            WireFormat::AuthJsV5 => &self.checks_v5,
        }
    }

    async fn authorization_url(
        &self,
        request: AuthorizationRequest<'_>,
    ) -> Result<String, AuthError> {
        let scope = match request.format {
            WireFormat::NextAuthV4 => "openid",
            WireFormat::AuthJsV5 => "openid profile email",
        };
        Ok(authorization_url(
            &self.authorize_endpoint,
            &self.client_id,
            scope,
            &request,
        ))
    }

    async fn callback(&self, request: CallbackRequest<'_>) -> Result<SignedIn, AuthError> {
        if request.param("code").is_none_or(str::is_empty) {
            return Err(AuthError::provider(
                &self.id,
                "the callback carries no code",
            ));
        }
        let text = |k: &str| {
            self.profile
                .get(k)
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let user = User {
            id: text("sub").unwrap_or_default(),
            name: text("name"),
            email: text("email"),
            image: text("picture"),
        };
        Ok(SignedIn {
            account: Account {
                provider: self.id.clone(),
                kind: "oauth".into(),
                provider_account_id: user.id.clone(),
                tokens: TokenSet::default(),
            },
            user,
            profile: self.profile.clone(),
        })
    }
}

/// An [`AuthorizationRequest`] for doc examples and tests.
pub fn authorization_request<'a>(
    format: WireFormat,
    redirect_uri: &'a str,
    state: Option<&'a str>,
) -> AuthorizationRequest<'a> {
    AuthorizationRequest {
        redirect_uri,
        state,
        code_challenge: None,
        nonce: None,
        extra_params: &[],
        format,
    }
}
