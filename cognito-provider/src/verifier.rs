//! [`CognitoJwtVerifier`]: verify Cognito access and id tokens that Rust APIs receive as
//! `Authorization: Bearer`, with the checks AWS's `aws-jwt-verify` makes.

use std::sync::Arc;
use std::time::Duration;

use auth_core::session_cookie::{Clock, SystemClock};
use openidconnect::{JsonWebKeySetUrl, reqwest};
use serde_json::{Map, Value};
use url::Url;

use crate::http::{Timeouts, client, require_secure};
use crate::id_token::{check_claim_types, check_issuer, check_token_use};
use crate::jwks::{DEFAULT_JWKS_REFETCH_INTERVAL, JwksCache};
use crate::{CognitoError, jwt};

/// Which kind of Cognito token an API accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenUse {
    /// Access tokens (`token_use: "access"`, the client in `client_id`). What APIs should accept.
    Access,
    /// id tokens (`token_use: "id"`, the client in `aud`).
    Id,
}

impl TokenUse {
    fn claim(self) -> &'static str {
        match self {
            TokenUse::Access => "access",
            TokenUse::Id => "id",
        }
    }
}

/// Verifies Cognito JWTs as aws-jwt-verify 5.2.1 does: RS256 signature against the pool's JWKS
/// (cached; an unknown `kid` refetches at most once per interval, which is also the wait after a
/// failed fetch), `iss` (the pool's issuer, in the regional or the global format), `token_use`,
/// the client (`aud` for id tokens, `client_id` for access tokens, one string), `exp` and `nbf`
/// with a leeway (`iat` must be a number), the types of `sub`, `jti`, `scope`, `aud` and
/// `cognito:groups`, and optionally groups and scopes.
///
/// Where aws-jwt-verify accepts tokens Cognito never writes, this verifier refuses them; the
/// differential suite checks both against each other on every run, and
/// [`strict_on_input`](crate::strict_on_input) lists each difference with its reason.
///
/// ```no_run
/// use cognito_provider::{CognitoJwtVerifier, TokenUse};
///
/// # async fn run(bearer: &str) -> Result<(), cognito_provider::CognitoError> {
/// let verifier = CognitoJwtVerifier::builder(
///     "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123",
///     TokenUse::Access,
///     ["1example23456789"],
/// )
/// .require_any_group(["admins"])
/// .build()?;
/// let token = verifier.verify(bearer).await?;
/// println!("{} in {:?}", token.subject(), token.groups());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct CognitoJwtVerifier {
    inner: Arc<VerifierInner>,
}

struct VerifierInner {
    /// The configured issuer first and, for a Cognito pool, the same pool's issuer in AWS's
    /// global format.
    accepted_issuers: Vec<String>,
    token_use: TokenUse,
    client_ids: Vec<String>,
    groups: Vec<String>,
    scopes: Vec<String>,
    leeway_secs: i64,
    http: reqwest::Client,
    jwks: JwksCache,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for CognitoJwtVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CognitoJwtVerifier")
            .field("issuer", &self.inner.accepted_issuers[0])
            .field("token_use", &self.inner.token_use)
            .field("client_ids", &self.inner.client_ids)
            .finish_non_exhaustive()
    }
}

/// Builds a [`CognitoJwtVerifier`].
#[must_use]
pub struct CognitoJwtVerifierBuilder {
    issuer: String,
    token_use: TokenUse,
    client_ids: Vec<String>,
    groups: Vec<String>,
    scopes: Vec<String>,
    leeway_secs: i64,
    timeouts: Timeouts,
    refetch_interval: Duration,
    clock: Arc<dyn Clock>,
    jwks_uri: Option<String>,
}

impl std::fmt::Debug for CognitoJwtVerifierBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CognitoJwtVerifierBuilder")
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

impl CognitoJwtVerifier {
    /// A verifier for tokens of `token_use` from the pool at `issuer`, issued to one of
    /// `client_ids`.
    pub fn builder<I, S>(
        issuer: impl Into<String>,
        token_use: TokenUse,
        client_ids: I,
    ) -> CognitoJwtVerifierBuilder
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        CognitoJwtVerifierBuilder {
            issuer: issuer.into(),
            token_use,
            client_ids: client_ids.into_iter().map(Into::into).collect(),
            groups: Vec::new(),
            scopes: Vec::new(),
            leeway_secs: 0,
            timeouts: Timeouts::default(),
            refetch_interval: DEFAULT_JWKS_REFETCH_INTERVAL,
            clock: Arc::new(SystemClock),
            jwks_uri: None,
        }
    }

    /// Verify `token` and return its claims.
    pub async fn verify(&self, token: &str) -> Result<VerifiedToken, CognitoError> {
        let inner = &self.inner;
        let jwt = jwt::parse(token)?;
        jwt.verify_signature(&inner.jwks, &inner.http).await?;
        let claims = jwt.claims;
        check_issuer(&claims, &inner.accepted_issuers)?;
        check_token_use(&claims, inner.token_use.claim())?;
        // The client is one string naming an accepted client: `aud` in id tokens, `client_id`
        // in access tokens — as aws-jwt-verify requires, and as Cognito writes them (an
        // OpenID-style `aud` array is refused here; the sign-in flow reads arrays).
        let client_claim = match inner.token_use {
            TokenUse::Id => "aud",
            TokenUse::Access => "client_id",
        };
        match claims.get(client_claim).and_then(Value::as_str) {
            Some(client) if inner.client_ids.iter().any(|ours| ours == client) => {}
            _ => return Err(CognitoError::WrongAudience),
        }
        check_claim_types(&claims)?;
        jwt::check_times(
            &claims,
            inner.clock.now().unix_timestamp(),
            inner.leeway_secs,
            true,
        )?;
        let token = VerifiedToken { claims };
        if !inner.groups.is_empty()
            && !token
                .groups()
                .iter()
                .any(|g| inner.groups.iter().any(|r| r == g))
        {
            return Err(CognitoError::MissingGroup);
        }
        if !inner.scopes.is_empty()
            && !token
                .scopes()
                .iter()
                .any(|s| inner.scopes.iter().any(|r| r == s))
        {
            return Err(CognitoError::MissingScope);
        }
        Ok(token)
    }
}

impl CognitoJwtVerifierBuilder {
    /// Accept only tokens of users in at least one of these groups (`cognito:groups`).
    pub fn require_any_group<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        groups: I,
    ) -> Self {
        self.groups = groups.into_iter().map(Into::into).collect();
        self
    }

    /// Accept only tokens with at least one of these scopes (access tokens' `scope`).
    pub fn require_any_scope<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        scopes: I,
    ) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Clock leeway in seconds (default 0, as aws-jwt-verify's `graceSeconds`).
    pub fn leeway_secs(mut self, secs: i64) -> Self {
        self.leeway_secs = secs;
        self
    }

    /// Timeouts of JWKS requests.
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Minimum time between JWKS fetches for unknown key ids, and after a failed fetch.
    pub fn jwks_refetch_interval(mut self, interval: Duration) -> Self {
        self.refetch_interval = interval;
        self
    }

    /// The clock (tests freeze it).
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Fetch the keys from this URL instead of `<issuer>/.well-known/jwks.json` (a VPC
    /// endpoint, a mirror, a local stand-in). Like the issuer, it must be `https`, or plain
    /// `http` on a loopback host.
    pub fn jwks_uri(mut self, url: impl Into<String>) -> Self {
        self.jwks_uri = Some(url.into());
        self
    }

    /// Check and build. The keys are fetched on first use, from `<issuer>/.well-known/jwks.json`
    /// unless [`jwks_uri`](Self::jwks_uri) says otherwise.
    pub fn build(self) -> Result<CognitoJwtVerifier, CognitoError> {
        let issuer = self.issuer.trim_end_matches('/').to_owned();
        let url = Url::parse(&issuer)
            .map_err(|e| CognitoError::Config(format!("the issuer is not a URL ({e})")))?;
        require_secure(&url, "the issuer")?;
        if self.client_ids.is_empty() || self.client_ids.iter().any(String::is_empty) {
            return Err(CognitoError::Config(
                "at least one non-empty client id is required".into(),
            ));
        }
        let jwks_url = match &self.jwks_uri {
            Some(uri) => {
                let url = Url::parse(uri).map_err(|e| {
                    CognitoError::Config(format!("the JWKS URI is not a URL ({e})"))
                })?;
                require_secure(&url, "the JWKS URI")?;
                url
            }
            None => Url::parse(&format!("{issuer}/.well-known/jwks.json"))
                .map_err(|e| CognitoError::Config(format!("JWKS URL: {e}")))?,
        };
        let accepted_issuers = std::iter::once(issuer).chain(global_issuer(&url)).collect();
        Ok(CognitoJwtVerifier {
            inner: Arc::new(VerifierInner {
                jwks: JwksCache::new(JsonWebKeySetUrl::from_url(jwks_url), self.refetch_interval),
                http: client(self.timeouts)?,
                accepted_issuers,
                token_use: self.token_use,
                client_ids: self.client_ids,
                groups: self.groups,
                scopes: self.scopes,
                leeway_secs: self.leeway_secs,
                clock: self.clock,
            }),
        })
    }
}

/// A user pool's issuer in AWS's global format,
/// `https://issuer-cognito-idp.<region>.amazonaws.com/<pool>`, for an issuer in the regional format
/// `https://cognito-idp.<region>.amazonaws.com/<pool>`: Cognito may write either into `iss`, and
/// aws-jwt-verify accepts both for one pool.
fn global_issuer(issuer: &Url) -> Option<String> {
    let host = issuer.host_str()?;
    let region = host
        .strip_prefix("cognito-idp.")?
        .strip_suffix(".amazonaws.com")?;
    let pool = issuer.path().strip_prefix('/')?;
    let well_formed = !region.is_empty()
        && !region.contains('.')
        && pool.strip_prefix(region)?.starts_with('_')
        && !pool.contains('/');
    (issuer.scheme() == "https" && issuer.port().is_none() && well_formed)
        .then(|| format!("https://issuer-cognito-idp.{region}.amazonaws.com/{pool}"))
}

/// A verified token's claims. `Debug` lists claim names only.
#[derive(Clone)]
pub struct VerifiedToken {
    claims: Map<String, Value>,
}

impl VerifiedToken {
    /// `sub`.
    pub fn subject(&self) -> &str {
        self.claims
            .get("sub")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// The user name: `username` in access tokens, `cognito:username` in id tokens.
    pub fn username(&self) -> Option<&str> {
        self.claims
            .get("username")
            .or_else(|| self.claims.get("cognito:username"))
            .and_then(Value::as_str)
    }

    /// `cognito:groups`.
    pub fn groups(&self) -> Vec<&str> {
        self.claims
            .get("cognito:groups")
            .and_then(Value::as_array)
            .map(|groups| groups.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    }

    /// The space-separated `scope` of an access token, split.
    pub fn scopes(&self) -> Vec<&str> {
        self.claims
            .get("scope")
            .and_then(Value::as_str)
            .map(|s| s.split(' ').filter(|s| !s.is_empty()).collect())
            .unwrap_or_default()
    }

    /// All claims.
    pub fn claims(&self) -> &Map<String, Value> {
        &self.claims
    }
}

impl std::fmt::Debug for VerifiedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifiedToken")
            .field("claims", &self.claims.keys().collect::<Vec<_>>())
            .finish()
    }
}
