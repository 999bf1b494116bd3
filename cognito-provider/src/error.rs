//! The crate's one error type.

/// Everything that can go wrong talking to Cognito or verifying its tokens.
///
/// Messages name the failed check and never contain a token, a code or the client secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The configuration is unusable (a malformed URL, a plain-`http` issuer off loopback, ...).
    #[error("invalid Cognito configuration: {0}")]
    Config(String),

    /// An HTTP request to the IdP failed (connection, timeout, non-2xx, unreadable body).
    #[error("request to the identity provider failed: {0}")]
    Http(String),

    /// The discovery document is unusable (missing endpoint, issuer mismatch, insecure URL).
    #[error("discovery failed: {0}")]
    Discovery(String),

    /// The token endpoint refused the code or refresh token.
    #[error("token request refused: {0}")]
    TokenRequest(String),

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

    /// `iat` or `nbf` lies in the future (beyond the leeway), or a time claim is not a number.
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

impl From<Error> for auth_core::Error {
    fn from(e: Error) -> Self {
        auth_core::Error::provider("cognito", e)
    }
}
