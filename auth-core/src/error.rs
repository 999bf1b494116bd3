//! The crate's error type, and the one place where failures become next-auth's error codes.

use session_cookie::WireFormat;

/// A boxed error from a provider, a callback or an HTTP client.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong in auth-core.
///
/// Messages name what is wrong (a variable, a provider) but never contain a secret, a token or a
/// claim value: Lambda writes error text into logs.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// A required environment variable is not set.
    #[error("{variable} is not set: {hint}")]
    MissingVariable {
        /// The variable's name.
        variable: &'static str,
        /// What it should contain.
        hint: &'static str,
    },

    /// An environment variable is set but unusable.
    #[error("{variable} is malformed: {problem}")]
    MalformedVariable {
        /// The variable's name.
        variable: &'static str,
        /// What is wrong with it (never its value, which may be a secret).
        problem: String,
    },

    /// The base path is not an absolute path without query or fragment.
    #[error(
        "invalid configuration: the base path must be an absolute path like /api/auth, got {path:?}"
    )]
    BasePath {
        /// The path given (or taken from the public URL).
        path: String,
    },

    /// Neither a public URL nor trusted forwarded headers: the handler could not know its own
    /// origin.
    #[error(
        "invalid configuration: set a public URL (NEXTAUTH_URL) or trust forwarded headers (AUTH_TRUST_HOST)"
    )]
    NoPublicOrigin,

    /// The session lifetime is outside
    /// `1..=`[`MAX_SESSION_MAX_AGE_SECS`](crate::MAX_SESSION_MAX_AGE_SECS).
    #[error(
        "invalid configuration: the session max age must be 1..={max} seconds (10 years), got {secs}",
        max = crate::MAX_SESSION_MAX_AGE_SECS
    )]
    SessionMaxAge {
        /// The lifetime given, in seconds.
        secs: i64,
    },

    /// A provider id that cannot be a path segment (`[A-Za-z0-9_-]+` only).
    #[error("invalid configuration: provider id {id:?} must be [A-Za-z0-9_-]+")]
    ProviderId {
        /// The id.
        id: String,
    },

    /// Two providers with one id.
    #[error("invalid configuration: two providers share the id {id:?}")]
    DuplicateProviderId {
        /// The id.
        id: String,
    },

    /// The wire format refused something (a token, a cookie, a secret).
    #[error(transparent)]
    Wire(#[from] session_cookie::SessionCookieError),

    /// A provider failed to talk to its identity provider, or refused its answer.
    #[error("provider {provider}: {source}")]
    Provider {
        /// The provider's id.
        provider: String,
        /// What went wrong.
        #[source]
        source: BoxError,
    },

    /// An application callback failed. The message is shown to the user as next-auth does
    /// (`/error?error=<message>`) when the `sign_in` callback fails, so keep it short and free of
    /// internal detail.
    #[error("callback failed: {0}")]
    Callback(String),
}

impl AuthError {
    /// A provider failure.
    pub fn provider(provider: impl Into<String>, source: impl Into<BoxError>) -> Self {
        AuthError::Provider {
            provider: provider.into(),
            source: source.into(),
        }
    }
}

/// Why a request ends on an error page or back on the sign-in page.
///
/// Each failure maps to exactly one next-auth error redirect per wire format, in
/// [`Failure::redirect_url`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// A sign-in POST without a verified CSRF token (or for an unknown provider, as next-auth 4).
    SignInCsrf,
    /// A sign-out POST without a verified CSRF token.
    SignOutCsrf,
    /// The provider could not build its authorization request (e.g. discovery failed).
    OAuthSignIn,
    /// The identity provider answered the callback with `error=...`.
    IdpError,
    /// A check cookie (state, PKCE, nonce) is missing, expired, for another provider, or does not
    /// match the callback.
    CheckFailed,
    /// The code exchange or the id_token validation failed.
    TokenExchange,
    /// The `sign_in` callback said no.
    AccessDenied,
    /// The `sign_in` callback failed with a message.
    CallbackMessage(String),
    /// Building the session failed (the `jwt` callback failed, the token is too large, ...).
    SessionCreation,
}

impl Failure {
    /// The URL next-auth redirects to for this failure. `base` is origin + base path.
    pub(crate) fn redirect_url(&self, format: WireFormat, base: &str) -> String {
        let v5 = format == WireFormat::AuthJsV5;
        match self {
            Failure::SignInCsrf if v5 => format!("{base}/signin?error=MissingCSRF"),
            Failure::SignInCsrf => format!("{base}/signin?csrf=true"),
            Failure::SignOutCsrf if v5 => format!("{base}/signin?error=MissingCSRF"),
            Failure::SignOutCsrf => format!("{base}/signout?csrf=true"),
            Failure::OAuthSignIn if v5 => format!("{base}/error?error=Configuration"),
            Failure::OAuthSignIn => format!("{base}/error?error=OAuthSignin"),
            Failure::IdpError if v5 => format!("{base}/signin?error=OAuthCallbackError"),
            Failure::IdpError => format!("{base}/error?error=Callback"),
            // @auth/core reports a failed check as InvalidCheck, which is not "client safe".
            Failure::CheckFailed if v5 => format!("{base}/error?error=Configuration"),
            Failure::CheckFailed => format!("{base}/error?error=OAuthCallback"),
            Failure::TokenExchange if v5 => format!("{base}/signin?error=OAuthCallbackError"),
            Failure::TokenExchange => format!("{base}/error?error=OAuthCallback"),
            Failure::AccessDenied => format!("{base}/error?error=AccessDenied"),
            Failure::CallbackMessage(message) => format!(
                "{base}/error?error={}",
                session_cookie::encode_uri_component(message)
            ),
            Failure::SessionCreation if v5 => format!("{base}/error?error=Configuration"),
            Failure::SessionCreation => format!("{base}/error?error=Callback"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_redirects() {
        let base = "http://localhost:3000/api/auth";
        let v4 = WireFormat::NextAuthV4;
        let v5 = WireFormat::AuthJsV5;
        // From the v4 and v5 flow vectors.
        assert_eq!(
            Failure::SignInCsrf.redirect_url(v4, base),
            format!("{base}/signin?csrf=true")
        );
        assert_eq!(
            Failure::SignInCsrf.redirect_url(v5, base),
            format!("{base}/signin?error=MissingCSRF")
        );
        assert_eq!(
            Failure::CheckFailed.redirect_url(v4, base),
            format!("{base}/error?error=OAuthCallback")
        );
        assert_eq!(
            Failure::CheckFailed.redirect_url(v5, base),
            format!("{base}/error?error=Configuration")
        );
        assert_eq!(
            Failure::IdpError.redirect_url(v4, base),
            format!("{base}/error?error=Callback")
        );
        assert_eq!(
            Failure::IdpError.redirect_url(v5, base),
            format!("{base}/signin?error=OAuthCallbackError")
        );
        assert_eq!(
            Failure::CallbackMessage("no way/out".into()).redirect_url(v4, base),
            format!("{base}/error?error=no%20way%2Fout")
        );
    }
}
