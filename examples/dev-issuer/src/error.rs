//! The crate's one error type: configuration and start-up failures.
//!
//! Request-time failures never surface here; they become OAuth error responses or HTML error pages
//! (see `routes`).

use std::net::SocketAddr;

/// Why a [`DevIssuer`](crate::DevIssuer) could not be configured or started.
///
/// `Display` never contains a secret (client secrets and passwords are not part of any variant).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DevIssuerError {
    /// The pool id is not `<region>_<id>` (Cognito's pattern `[\w-]+_[0-9a-zA-Z]+`).
    #[error("invalid pool id {0:?}: expected <region>_<id>, for example \"local_DevPool\"")]
    InvalidPoolId(String),

    /// No client was configured.
    #[error("no client configured: add one with DevIssuerBuilder::client")]
    NoClient,

    /// A client id is empty, has characters outside visible ASCII, or is configured twice.
    #[error("invalid client {client_id:?}: {problem}")]
    InvalidClient {
        /// The client id as configured.
        client_id: String,
        /// What is wrong with it.
        problem: &'static str,
    },

    /// A redirect or logout URI of a client is not an absolute `http(s)` URL without a fragment.
    #[error("invalid {kind} {uri:?} for client {client_id:?}: {problem}")]
    InvalidClientUri {
        /// The client it was configured for.
        client_id: String,
        /// `"redirect URI"` or `"logout URI"`.
        kind: &'static str,
        /// The URI as configured.
        uri: String,
        /// What is wrong with it.
        problem: String,
    },

    /// No user was configured (an empty [`users`](crate::DevIssuerBuilder::users) list).
    #[error("no user configured")]
    NoUser,

    /// A user's username is empty, not visible ASCII, or configured twice, or its password is
    /// empty.
    #[error("invalid user {username:?}: {problem}")]
    InvalidUser {
        /// The username as configured.
        username: String,
        /// What is wrong with it.
        problem: &'static str,
    },

    /// The token lifetime is outside Cognito's range (5 minutes to 1 day).
    #[error("token validity of {0} s is outside 300..=86400")]
    InvalidTokenValidity(u64),

    /// The base URL given to [`router`](crate::DevIssuer::router) is not an absolute `http(s)` URL
    /// without query or fragment.
    #[error("invalid base URL {url:?}: {problem}")]
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        problem: String,
    },

    /// The issuer would be reachable from other machines: the listener or base URL is not on a
    /// loopback address, and
    /// [`allow_non_loopback_for_development_only`](crate::DevIssuerBuilder::allow_non_loopback_for_development_only)
    /// was not set.
    #[error(
        "refusing to serve the development issuer on non-loopback {0}: it has demo users with \
         published passwords; use 127.0.0.1, [::1] or localhost, or set \
         allow_non_loopback_for_development_only(true) if you really mean it"
    )]
    NonLoopback(String),

    /// [`serve`](crate::DevIssuer::serve) was called outside a Tokio runtime.
    #[error("DevIssuer::serve must be called from within a Tokio runtime")]
    NoRuntime,

    /// Reading the listener's address failed.
    #[error("could not read the listener's address")]
    Io(#[from] std::io::Error),

    /// RSA key generation failed.
    #[error("RSA key generation failed")]
    KeyGeneration(#[source] rsa::Error),
}

impl DevIssuerError {
    pub(crate) fn non_loopback_addr(addr: SocketAddr) -> Self {
        Self::NonLoopback(addr.to_string())
    }
}
