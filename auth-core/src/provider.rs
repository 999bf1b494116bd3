//! Sign-in providers: the IdP side of an OAuth / OIDC sign-in.
//!
//! auth-core owns the browser side — check cookies, redirects, the session — and asks the
//! provider two things: where to send the browser (`authorization_url`) and who came back
//! (`callback`). The `state`, PKCE and `nonce` values are generated and checked by auth-core; the
//! provider puts them into its requests and validates the `nonce` inside its id_token.

use std::fmt;

use async_trait::async_trait;
use serde_json::{Map, Value};
use session_cookie::{CheckKind, WireFormat};
use zeroize::Zeroizing;

use crate::AuthError;

/// Everything a provider needs to build its authorization request.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct AuthorizationRequest<'a> {
    /// Where the IdP must send the browser back: `<origin><base path>/callback/<provider id>`.
    pub redirect_uri: &'a str,
    /// The `state` parameter, when the provider uses the state check.
    pub state: Option<&'a str>,
    /// The PKCE `code_challenge` (method `S256`), when the provider uses PKCE.
    pub code_challenge: Option<&'a str>,
    /// The OIDC `nonce`, when the provider uses the nonce check.
    pub nonce: Option<&'a str>,
    /// Extra authorization parameters from the sign-in request's query string (`signIn()`'s
    /// third argument in `next-auth/react`), in order.
    pub extra_params: &'a [(String, String)],
    /// The wire format the handler speaks (v4 and v5 order parameters differently).
    pub format: WireFormat,
}

/// The IdP's answer, as the browser brought it back to the callback URL.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct CallbackRequest<'a> {
    /// The callback's query (GET) or form (POST, `response_mode=form_post`) parameters.
    pub params: &'a [(String, String)],
    /// The same `redirect_uri` that went into the authorization request.
    pub redirect_uri: &'a str,
    /// The PKCE `code_verifier`, when PKCE was used.
    pub code_verifier: Option<&'a str>,
    /// The `nonce` the id_token must carry, when the nonce check was used.
    pub nonce: Option<&'a str>,
    /// The wire format the handler speaks (profiles are mapped slightly differently).
    pub format: WireFormat,
}

impl CallbackRequest<'_> {
    /// A callback parameter (the first of that name).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The user as next-auth sees it: `{id, name, email, image}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct User {
    /// The provider's subject (`sub`).
    pub id: String,
    /// Display name.
    pub name: Option<String>,
    /// E-mail address (lower-cased by auth-core, as next-auth does).
    pub email: Option<String>,
    /// Picture URL.
    pub image: Option<String>,
}

/// An OAuth token from the IdP. `Debug` is redacted. There is no `PartialEq`: compare with
/// [`matches`](Self::matches), which runs in constant time.
#[derive(Clone)]
pub struct OAuthToken(Zeroizing<String>);

impl OAuthToken {
    /// Wrap a token.
    pub fn new(token: impl Into<String>) -> Self {
        OAuthToken(Zeroizing::new(token.into()))
    }

    /// The token's text.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// Whether `candidate` is this token, compared in constant time.
    pub fn matches(&self, candidate: &str) -> bool {
        use subtle::ConstantTimeEq;
        self.0.as_bytes().ct_eq(candidate.as_bytes()).into()
    }
}

impl fmt::Debug for OAuthToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OAuthToken([redacted])")
    }
}

/// The tokens of a sign-in or a refresh.
#[derive(Debug, Clone, Default)]
pub struct TokenSet {
    /// `access_token`.
    pub access_token: Option<OAuthToken>,
    /// `refresh_token`.
    pub refresh_token: Option<OAuthToken>,
    /// `id_token`.
    pub id_token: Option<OAuthToken>,
    /// When the access token expires, in Unix seconds.
    pub expires_at: Option<i64>,
    /// `token_type`, usually `Bearer`.
    pub token_type: Option<String>,
    /// Granted `scope`.
    pub scope: Option<String>,
}

/// The provider account behind a sign-in, as next-auth's `account`.
#[derive(Debug, Clone)]
pub struct Account {
    /// The provider id, e.g. `cognito`.
    pub provider: String,
    /// `oauth` (v4) or `oidc` (v5 for OIDC providers).
    pub kind: String,
    /// The user's id at the provider.
    pub provider_account_id: String,
    /// The tokens the IdP issued.
    pub tokens: TokenSet,
}

/// A successful callback: who signed in.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The user.
    pub user: User,
    /// The account and its tokens.
    pub account: Account,
    /// The raw profile (for OIDC: the verified id_token claims), for the `jwt` callback.
    pub profile: Map<String, Value>,
}

/// A sign-in provider.
///
/// Implementations talk to one identity provider. A minimal provider that needs no IdP (useful in
/// tests) looks like this:
///
/// ```
/// use async_trait::async_trait;
/// use auth_core::provider::{Account, AuthorizationRequest, CallbackRequest, Provider, SignedIn, TokenSet, User};
/// use auth_core::session_cookie::{CheckKind, WireFormat};
/// use auth_core::AuthError;
///
/// struct Demo;
///
/// #[async_trait]
/// impl Provider for Demo {
///     fn id(&self) -> &str { "demo" }
///     fn name(&self) -> &str { "Demo" }
///     fn checks(&self, _format: WireFormat) -> &[CheckKind] { &[CheckKind::State] }
///
///     async fn authorization_url(
///         &self,
///         req: AuthorizationRequest<'_>,
///     ) -> Result<String, AuthError> {
///         let mut url = url::Url::parse("https://idp.example/authorize").expect("static URL");
///         url.query_pairs_mut()
///             .append_pair("redirect_uri", req.redirect_uri)
///             .append_pair("state", req.state.unwrap_or_default());
///         Ok(url.into())
///     }
///
///     async fn callback(&self, req: CallbackRequest<'_>) -> Result<SignedIn, AuthError> {
///         let code = req.param("code").ok_or_else(|| AuthError::provider("demo", "no code"))?;
///         let user = User { id: format!("user-for-{code}"), name: Some("Demo".into()), ..User::default() };
///         let account = Account {
///             provider: "demo".into(),
///             kind: "oauth".into(),
///             provider_account_id: user.id.clone(),
///             tokens: TokenSet::default(),
///         };
///         Ok(SignedIn { user, account, profile: Default::default() })
///     }
/// }
/// ```
#[async_trait]
pub trait Provider: Send + Sync + 'static {
    /// The id in URLs (`/signin/<id>`, `/callback/<id>`), e.g. `cognito`.
    fn id(&self) -> &str;

    /// The display name, e.g. `Cognito`.
    fn name(&self) -> &str;

    /// The `type` in `GET /providers`: next-auth 4 calls every OAuth provider `oauth`; Auth.js
    /// calls OIDC providers `oidc`.
    fn kind(&self, format: WireFormat) -> &'static str {
        let _ = format;
        "oauth"
    }

    /// The checks auth-core runs for this provider (created on sign-in, verified on callback).
    fn checks(&self, format: WireFormat) -> &[CheckKind];

    /// The URL of the IdP's authorization endpoint with every parameter, where the browser goes
    /// next. Errors end in next-auth's `OAuthSignin` error.
    async fn authorization_url(
        &self,
        request: AuthorizationRequest<'_>,
    ) -> Result<String, AuthError>;

    /// Exchange the callback's code and identify the user. Errors end in next-auth's
    /// `OAuthCallback` error; no session is created.
    async fn callback(&self, request: CallbackRequest<'_>) -> Result<SignedIn, AuthError>;

    /// Where to send the browser after signing out of the app, to end the IdP's own session too
    /// (e.g. Cognito's hosted-UI `/logout`). `None` (the default) ends at the callback URL.
    ///
    /// `return_to` is the same on every sign-out: `<base URL>/signout/<provider id>` (e.g.
    /// `https://app.example.com/api/auth/signout/cognito`), the one URL to register with the IdP
    /// as an allowed sign-out URL. The handler serves it and sends the browser on to the
    /// sign-out's callback URL, which it keeps in the callback-url cookie meanwhile: IdPs such as
    /// Cognito accept only registered return URLs, compared as exact strings, so the callback
    /// URL itself (next-auth/react sends the page's `location.href`) cannot be the return URL.
    async fn sign_out_url(&self, return_to: &str) -> Option<String> {
        let _ = return_to;
        None
    }
}

/// Authorization parameters auth-core sets itself: an extra parameter from the sign-in request
/// may not replace them (next-auth lets the request's query override anything).
const RESERVED_PARAMS: [&str; 7] = [
    "client_id",
    "response_type",
    "redirect_uri",
    "state",
    "code_challenge",
    "code_challenge_method",
    "nonce",
];

/// The authorization URL of an OAuth/OIDC provider, with parameters in the order next-auth uses
/// for `request.format`, form-encoded as `URLSearchParams` does:
///
/// * v4 (openid-client): `client_id, scope, response_type, redirect_uri`, the request's extra
///   parameters, then `state, code_challenge, code_challenge_method, nonce`;
/// * v5 (oauth4webapi): `response_type, client_id, redirect_uri`, extra parameters, `state,
///   code_challenge, code_challenge_method, nonce`, and `scope` last.
///
/// An extra `scope` replaces the default one; extra parameters named like the ones auth-core
/// sets (`redirect_uri`, `state`, ...) are dropped.
///
/// ```
/// use auth_core::provider::{authorization_url, AuthorizationRequest};
/// # use auth_core::session_cookie::WireFormat;
/// # let request = auth_core::testing::authorization_request(WireFormat::NextAuthV4, "http://localhost:3000/api/auth/callback/demo", Some("st"));
/// let url = authorization_url("https://idp.example/oauth2/authorize", "client-1", "openid", &request);
/// assert_eq!(url, "https://idp.example/oauth2/authorize?client_id=client-1&scope=openid&response_type=code\
/// &redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fapi%2Fauth%2Fcallback%2Fdemo&state=st");
/// ```
pub fn authorization_url(
    endpoint: &str,
    client_id: &str,
    default_scope: &str,
    request: &AuthorizationRequest<'_>,
) -> String {
    let extra: Vec<(&str, &str)> = request
        .extra_params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .filter(|(k, _)| !RESERVED_PARAMS.contains(k))
        .collect();
    let scope = extra
        .iter()
        .find(|(k, _)| *k == "scope")
        .map_or(default_scope, |(_, v)| *v);
    let extra = extra.iter().filter(|(k, _)| *k != "scope");
    let checks = [
        ("state", request.state),
        ("code_challenge", request.code_challenge),
        (
            "code_challenge_method",
            request.code_challenge.map(|_| "S256"),
        ),
        ("nonce", request.nonce),
    ];

    let mut query = form_urlencoded::Serializer::new(String::new());
    match request.format {
        WireFormat::NextAuthV4 => {
            query
                .append_pair("client_id", client_id)
                .append_pair("scope", scope)
                .append_pair("response_type", "code")
                .append_pair("redirect_uri", request.redirect_uri);
        }
        WireFormat::AuthJsV5 => {
            query
                .append_pair("response_type", "code")
                .append_pair("client_id", client_id)
                .append_pair("redirect_uri", request.redirect_uri);
        }
    }
    for (k, v) in extra {
        query.append_pair(k, v);
    }
    for (k, v) in checks {
        if let Some(v) = v {
            query.append_pair(k, v);
        }
    }
    if request.format == WireFormat::AuthJsV5 {
        query.append_pair("scope", scope);
    }
    let separator = if endpoint.contains('?') { '&' } else { '?' };
    format!("{endpoint}{separator}{}", query.finish())
}
