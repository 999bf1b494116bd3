//! The crate's one error type.

/// Everything that can go wrong talking to Cognito or verifying its tokens.
///
/// Messages name the failed check and never contain a token, a code or the client secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CognitoError {
    /// The configuration is unusable (a malformed URL, a plain-`http` issuer off loopback, ...).
    #[error("invalid Cognito configuration: {0}")]
    Config(String),

    /// A request to the IdP (JWKS, token endpoint) got no usable answer.
    #[error("request to {url} failed: {cause}")]
    Http {
        /// The URL asked, without its query.
        url: String,
        /// Why.
        cause: HttpCause,
    },

    /// The issuer's discovery document could not be fetched or is unusable.
    #[error("discovery at {url} failed: {cause}")]
    Discovery {
        /// The discovery document's URL.
        url: String,
        /// Why.
        cause: HttpCause,
    },

    /// The token endpoint refused the code or the refresh token with an OAuth error code
    /// (`invalid_grant`, `invalid_client`, ...).
    #[error("token request refused: {code}")]
    TokenRefused {
        /// The OAuth `error` code of the answer.
        code: String,
    },

    /// The token endpoint answered, but not with a token response this crate can read.
    #[error("the token response is unreadable")]
    TokenResponseUnreadable,

    /// The callback carries no `code` parameter.
    #[error("the callback carries no code")]
    MissingCode,

    /// The token response had no id_token.
    #[error("the token response carries no id_token")]
    MissingIdToken,

    /// The token is not a well-formed JWT.
    #[error("malformed JWT: {0}")]
    MalformedToken(&'static str),

    /// The token is signed with an algorithm other than RS256 (including `none` and HS256).
    #[error("signing algorithm not allowed: {0}")]
    AlgorithmNotAllowed(String),

    /// No key of the issuer's JWKS has the token's `kid`, even after refetching it.
    #[error("no key in the issuer's JWKS matches the token's key id")]
    UnknownKey,

    /// The signature does not verify.
    #[error("invalid token signature")]
    InvalidSignature,

    /// `iss` is not the configured issuer.
    #[error("the token was issued by another issuer")]
    WrongIssuer,

    /// `aud` (id tokens) or `client_id` (access tokens) is not an accepted client.
    #[error("the token was issued to another client")]
    WrongAudience,

    /// `token_use` is missing or not the expected kind.
    #[error("the token is not an {expected} token")]
    WrongTokenUse {
        /// What was required: `id` or `access`.
        expected: &'static str,
    },

    /// `exp` lies in the past (beyond the leeway).
    #[error("the token has expired")]
    Expired,

    /// A claim an application reads (`sub`, `jti`, `scope`, `cognito:groups`, an access token's
    /// `aud`) has another type than Cognito gives it.
    #[error("the token's {0} claim has the wrong type")]
    InvalidClaim(&'static str),

    /// `nbf` lies in the future (beyond the leeway), `exp` is missing, or a time claim (`exp`,
    /// `nbf`, `iat`) is not a number.
    #[error("the token's {0} claim is invalid")]
    InvalidTimeClaim(&'static str),

    /// The id_token's `nonce` does not match the one sent.
    #[error("the id_token's nonce does not match")]
    NonceMismatch,

    /// The token lacks a required group.
    #[error("the token has none of the required groups")]
    MissingGroup,

    /// The token lacks a required scope.
    #[error("the token has none of the required scopes")]
    MissingScope,

    /// The id_token failed another of OpenID Connect's checks.
    #[error("id_token rejected: {0}")]
    IdToken(String),
}

impl From<CognitoError> for auth_core::AuthError {
    fn from(e: CognitoError) -> Self {
        auth_core::AuthError::provider("cognito", e)
    }
}

/// Why a request to the identity provider got no usable answer: the cause only, never a
/// response body.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HttpCause {
    /// Nothing accepts connections there (connection refused).
    Refused,
    /// The host name does not resolve.
    Dns,
    /// The TLS handshake failed (an untrusted certificate, a protocol mismatch).
    Tls,
    /// No answer within the configured timeout.
    Timeout,
    /// An HTTP status other than success.
    Status(u16),
    /// The body is not the JSON document expected.
    BadJson,
    /// The document is JSON but unusable; says what is wrong.
    Invalid(String),
    /// A fetch failed moments ago and is not retried yet (JWKS, rate-limited).
    RecentFailure,
    /// Any other transport failure; names its kind.
    Other(String),
}

impl std::fmt::Display for HttpCause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HttpCause::Refused => f.write_str("connection refused"),
            HttpCause::Dns => f.write_str("the host name does not resolve"),
            HttpCause::Tls => f.write_str("TLS handshake failed"),
            HttpCause::Timeout => f.write_str("timed out"),
            HttpCause::Status(status) => write!(f, "HTTP status {status}"),
            HttpCause::BadJson => f.write_str("the body is not the expected JSON"),
            HttpCause::Invalid(what) => f.write_str(what),
            HttpCause::RecentFailure => f.write_str("a fetch failed moments ago; not retried yet"),
            HttpCause::Other(what) => f.write_str(what),
        }
    }
}

impl HttpCause {
    /// The cause of a transport error, found along its `source()` chain.
    pub(crate) fn of(error: &(dyn std::error::Error + 'static)) -> HttpCause {
        let mut next = Some(error);
        let mut texts = Vec::new();
        while let Some(e) = next {
            if let Some(e) = e.downcast_ref::<openidconnect::reqwest::Error>() {
                if e.is_timeout() {
                    return HttpCause::Timeout;
                }
                if let Some(status) = e.status() {
                    return HttpCause::Status(status.as_u16());
                }
                if e.is_decode() {
                    return HttpCause::BadJson;
                }
            }
            if let Some(io) = e.downcast_ref::<std::io::Error>() {
                match io.kind() {
                    std::io::ErrorKind::ConnectionRefused => return HttpCause::Refused,
                    std::io::ErrorKind::TimedOut => return HttpCause::Timeout,
                    _ => {}
                }
            }
            texts.push(e.to_string().to_ascii_lowercase());
            next = e.source();
        }
        let any = |needles: &[&str]| texts.iter().any(|t| needles.iter().any(|n| t.contains(n)));
        if any(&[
            "dns error",
            "failed to lookup address",
            "name or service not known",
        ]) {
            HttpCause::Dns
        } else if any(&["connection refused"]) {
            HttpCause::Refused
        } else if any(&["certificate", "tls", "handshake"]) {
            HttpCause::Tls
        } else if any(&["timed out", "timeout"]) {
            HttpCause::Timeout
        } else {
            HttpCause::Other("transport error".into())
        }
    }
}

/// The cause of a failed discovery or JWKS fetch (openidconnect reports both alike), without
/// response bodies.
pub(crate) fn discovery_cause<RE: std::error::Error + 'static>(
    error: &openidconnect::DiscoveryError<RE>,
) -> HttpCause {
    match error {
        openidconnect::DiscoveryError::Request(inner) => HttpCause::of(inner),
        openidconnect::DiscoveryError::Response(status, _, _) => HttpCause::Status(status.as_u16()),
        openidconnect::DiscoveryError::Parse(_) => HttpCause::BadJson,
        openidconnect::DiscoveryError::Validation(message) => HttpCause::Invalid(message.clone()),
        other => HttpCause::Other(other.to_string()),
    }
}

/// `scheme://host[:port]/path` of `url`: error messages name the endpoint, never its query
/// (which may carry a code).
pub(crate) fn without_query(url: &url::Url) -> String {
    let mut url = url.clone();
    url.set_query(None);
    url.set_fragment(None);
    url.to_string()
}
