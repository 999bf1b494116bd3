//! [`Cognito`]: auth-core's `Provider` for a Cognito user pool.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use auth_core::provider::{
    Account, AuthorizationRequest, CallbackRequest, OAuthToken, Provider, SignedIn, TokenSet,
    authorization_url,
};
use auth_core::session_cookie::{CheckKind, Clock, WireFormat};
use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthType, AuthorizationCode, ClientId, ClientSecret, EndpointNotSet, EndpointSet,
    ExtraTokenFields, PkceCodeVerifier, RedirectUrl, RefreshToken, RequestTokenError,
    StandardRevocableToken, StandardTokenResponse, TokenResponse, TokenUrl,
};
use openidconnect::{IssuerUrl, JsonWebKeySetUrl, reqwest};
use serde::{Deserialize, Serialize};
use tokio::sync::OnceCell;

use crate::discovery::{Discovery, Endpoints};
use crate::error::{HttpCause, without_query};
use crate::jwks::JwksCache;
use crate::{CognitoError, id_token, profile};

/// How the client authenticates at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClientAuthMethod {
    /// `client_secret_basic`: HTTP Basic with the client id and secret (the default, as
    /// next-auth's).
    #[default]
    Basic,
    /// `client_secret_post`: id and secret in the form body.
    Post,
}

/// Amazon Cognito (or any OpenID Connect issuer) as a sign-in provider for auth-core.
///
/// Every check is on by default: `state`, PKCE (`S256`) and `nonce`, each sealed in a check
/// cookie bound to this provider; the id_token's RS256 signature is verified against the pool's
/// JWKS, with `iss`, `aud`, `exp`/`iat` (30 s leeway), `nonce` and `token_use` = `id`. Compare:
/// next-auth 4 checks only `state`, Auth.js only PKCE and never verifies the signature.
///
/// Cheap to clone; discovery and keys are fetched once and shared.
#[derive(Clone)]
pub struct Cognito {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) issuer: IssuerUrl,
    pub(crate) client_id: ClientId,
    pub(crate) client_secret: Option<ClientSecret>,
    pub(crate) auth_method: ClientAuthMethod,
    pub(crate) scopes: Option<String>,
    pub(crate) checks: Vec<CheckKind>,
    pub(crate) leeway_secs: i64,
    pub(crate) http: reqwest::Client,
    pub(crate) discovery: Discovery,
    pub(crate) jwks: OnceCell<JwksCache>,
    pub(crate) jwks_refetch_interval: Duration,
    pub(crate) refresh_tokens: bool,
    pub(crate) hosted_ui_logout: Option<Option<String>>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) refreshes: crate::refresh::InFlight,
}

impl std::fmt::Debug for Cognito {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cognito")
            .field("issuer", &self.inner.issuer.as_str())
            .field("client_id", &self.inner.client_id.as_str())
            .field(
                "client_secret",
                &self.inner.client_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("checks", &self.inner.checks)
            .finish_non_exhaustive()
    }
}

/// The token response's extra field: the raw id_token, verified by this crate.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct IdTokenField {
    #[serde(default)]
    pub(crate) id_token: Option<String>,
}

impl ExtraTokenFields for IdTokenField {}

pub(crate) type CognitoTokenResponse = StandardTokenResponse<IdTokenField, BasicTokenType>;

/// An OAuth client with only the token endpoint set.
type TokenClient = oauth2::Client<
    BasicErrorResponse,
    CognitoTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

impl Cognito {
    /// The issuer.
    pub fn issuer(&self) -> &str {
        self.inner.issuer.as_str()
    }

    /// The app client id.
    pub fn client_id(&self) -> &str {
        self.inner.client_id.as_str()
    }

    pub(crate) fn now(&self) -> i64 {
        self.inner.clock.now().unix_timestamp()
    }

    /// Fetch the issuer's discovery document now (it is otherwise fetched at the first sign-in)
    /// and check it: a startup check that fails fast, with an error naming the URL and the
    /// cause (connection refused, DNS, TLS, HTTP status, bad JSON). A success is cached; a
    /// failure is retried at the next use.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let cognito = cognito_provider::Cognito::from_env()?.build()?;
    /// cognito.check_issuer().await?; // before serving any request
    /// # Ok(()) }
    /// ```
    pub async fn check_issuer(&self) -> Result<(), CognitoError> {
        self.endpoints().await.map(|_| ())
    }

    pub(crate) async fn endpoints(&self) -> Result<Arc<Endpoints>, CognitoError> {
        self.inner.discovery.get(&self.inner.http).await
    }

    pub(crate) async fn jwks(&self) -> Result<&JwksCache, CognitoError> {
        let endpoints = self.endpoints().await?;
        self.inner
            .jwks
            .get_or_try_init(|| async {
                let url = JsonWebKeySetUrl::from_url(endpoints.jwks.clone());
                // Not seeded with the keys discovery fetched: openidconnect read those leniently
                // (see `first_entry_per_kid`); the first verification fetches them again.
                Ok::<_, CognitoError>(JwksCache::new(url, self.inner.jwks_refetch_interval))
            })
            .await
    }

    pub(crate) async fn token_client(&self) -> Result<TokenClient, CognitoError> {
        let endpoints = self.endpoints().await?;
        let mut client = oauth2::Client::new(self.inner.client_id.clone())
            .set_token_uri(TokenUrl::from_url(endpoints.token.clone()))
            .set_auth_type(match self.inner.auth_method {
                ClientAuthMethod::Basic => AuthType::BasicAuth,
                ClientAuthMethod::Post => AuthType::RequestBody,
            });
        if let Some(secret) = &self.inner.client_secret {
            client = client.set_client_secret(secret.clone());
        }
        Ok(client)
    }

    pub(crate) fn token_set(&self, response: &CognitoTokenResponse) -> TokenSet {
        TokenSet {
            access_token: Some(OAuthToken::new(response.access_token().secret().clone())),
            refresh_token: response
                .refresh_token()
                .map(|t| OAuthToken::new(t.secret().clone())),
            id_token: response
                .extra_fields()
                .id_token
                .clone()
                .map(OAuthToken::new),
            expires_at: response
                .expires_in()
                // Saturating: an IdP's absurd `expires_in` must not overflow.
                .map(|d| {
                    let secs = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
                    self.now().saturating_add(secs)
                }),
            token_type: Some(
                match response.token_type() {
                    BasicTokenType::Bearer => "bearer",
                    BasicTokenType::Mac => "mac",
                    BasicTokenType::Extension(other) => other.as_str(),
                }
                .to_owned(),
            ),
            scope: response
                .scopes()
                .map(|s| s.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ")),
        }
    }

    /// Refresh at the token endpoint. Cognito does not rotate refresh tokens by default, so the
    /// result keeps the one passed in unless a new one came back.
    pub async fn refresh(&self, refresh_token: &str) -> Result<TokenSet, CognitoError> {
        let client = self.token_client().await?;
        let endpoints = self.endpoints().await?;
        let response = client
            .exchange_refresh_token(&RefreshToken::new(refresh_token.to_owned()))
            .request_async(&self.inner.http)
            .await
            .map_err(|e| token_error(&endpoints.token, e))?;
        let mut tokens = self.token_set(&response);
        if tokens.refresh_token.is_none() {
            tokens.refresh_token = Some(OAuthToken::new(refresh_token.to_owned()));
        }
        Ok(tokens)
    }

    /// Whether sessions keep and refresh the OAuth tokens (see `refresh_tokens`).
    pub fn refreshes_tokens(&self) -> bool {
        self.inner.refresh_tokens
    }

    fn scope(&self, format: WireFormat) -> &str {
        match (&self.inner.scopes, format) {
            (Some(scopes), _) => scopes,
            (None, WireFormat::NextAuthV4) => "openid",
            (None, WireFormat::AuthJsV5) => "openid profile email",
        }
    }
}

/// The token endpoint's refusal, without response bodies.
pub(crate) fn token_error<RE: std::error::Error + 'static>(
    url: &url::Url,
    e: RequestTokenError<RE, BasicErrorResponse>,
) -> CognitoError {
    match e {
        RequestTokenError::ServerResponse(response) => CognitoError::TokenRefused {
            code: response.error().to_string(),
        },
        RequestTokenError::Request(inner) => CognitoError::Http {
            url: without_query(url),
            cause: HttpCause::of(&inner),
        },
        RequestTokenError::Parse(_, _) | RequestTokenError::Other(_) => {
            CognitoError::TokenResponseUnreadable
        }
    }
}

#[async_trait]
impl Provider for Cognito {
    fn id(&self) -> &str {
        "cognito"
    }

    fn name(&self) -> &str {
        "Cognito"
    }

    fn kind(&self, format: WireFormat) -> &'static str {
        match format {
            WireFormat::NextAuthV4 => "oauth",
            WireFormat::AuthJsV5 => "oidc",
        }
    }

    fn checks(&self, _format: WireFormat) -> &[CheckKind] {
        &self.inner.checks
    }

    async fn authorization_url(
        &self,
        request: AuthorizationRequest<'_>,
    ) -> Result<String, auth_core::AuthError> {
        let endpoints = self.endpoints().await?;
        Ok(authorization_url(
            endpoints.authorization.as_str(),
            self.inner.client_id.as_str(),
            self.scope(request.format),
            &request,
        ))
    }

    async fn callback(
        &self,
        request: CallbackRequest<'_>,
    ) -> Result<SignedIn, auth_core::AuthError> {
        let code = request
            .param("code")
            .filter(|c| !c.is_empty())
            .ok_or(CognitoError::MissingCode)?;
        let redirect_uri = RedirectUrl::new(request.redirect_uri.to_owned())
            .map_err(|e| CognitoError::Config(format!("redirect URI: {e}")))?;
        let client = self.token_client().await?;
        let endpoints = self.endpoints().await?;
        let mut exchange = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .set_redirect_uri(Cow::Owned(redirect_uri));
        if let Some(verifier) = request.code_verifier {
            exchange = exchange.set_pkce_verifier(PkceCodeVerifier::new(verifier.to_owned()));
        }
        let response = exchange
            .request_async(&self.inner.http)
            .await
            .map_err(|e| token_error(&endpoints.token, e))?;
        let raw_id_token = response
            .extra_fields()
            .id_token
            .as_deref()
            .ok_or(CognitoError::MissingIdToken)?;
        let claims = id_token::verify(self, raw_id_token, request.nonce).await?;

        let user = profile::user(&claims, request.format)?;
        let account = Account {
            provider: "cognito".into(),
            kind: self.kind(request.format).into(),
            provider_account_id: user.id.clone(),
            tokens: self.token_set(&response),
        };
        Ok(SignedIn {
            user,
            account,
            profile: claims,
        })
    }

    async fn sign_out_url(&self, return_to: &str) -> Option<String> {
        let logout_uri = match &self.inner.hosted_ui_logout {
            None => return None,
            Some(Some(fixed)) => fixed.as_str(),
            Some(None) => return_to,
        };
        match self.endpoints().await {
            Ok(endpoints) => {
                let mut url = endpoints.logout.clone();
                url.query_pairs_mut()
                    .append_pair("client_id", self.inner.client_id.as_str())
                    .append_pair("logout_uri", logout_uri);
                Some(url.into())
            }
            Err(e) => {
                // The app's session is gone either way; the browser lands on the callback URL.
                tracing::warn!(error = %e, "cannot build the hosted-UI logout URL");
                None
            }
        }
    }
}
