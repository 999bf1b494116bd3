//! axum extractor for APIs that take Cognito tokens as `Authorization: Bearer`.

use axum::extract::{FromRef, FromRequestParts};
use axum::response::{IntoResponse, Response};
use http::request::Parts;
use http::{HeaderValue, StatusCode, header};

use crate::{CognitoError, CognitoJwtVerifier, VerifiedToken};

/// The request's Cognito token, verified by the [`CognitoJwtVerifier`] in the router's state
/// (`CognitoJwtVerifier: FromRef<S>`).
///
/// The header is read as RFC 6750 says: scheme `Bearer` (any case), one space, a token68, no
/// percent-decoding — unlike `session_cookie::bearer_token`, which reads next-auth's own
/// session tokens the way next-auth's `getToken` does. Rejections follow RFC 6750 §3:
/// `401` with `WWW-Authenticate: Bearer` for no token, `401` with `error="invalid_token"` for a
/// token the verifier refuses, `403` with `error="insufficient_scope"` for a valid token
/// outside the required groups or scopes ([`require_any_group`], [`require_any_scope`]).
///
/// [`require_any_group`]: crate::CognitoJwtVerifierBuilder::require_any_group
/// [`require_any_scope`]: crate::CognitoJwtVerifierBuilder::require_any_scope
///
/// ```no_run
/// use axum::{Router, routing::get};
/// use cognito_provider::{CognitoBearer, CognitoJwtVerifier, TokenUse};
///
/// # fn app() -> Result<Router, cognito_provider::CognitoError> {
/// let verifier = CognitoJwtVerifier::builder(
///     "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool",
///     TokenUse::Access,
///     ["client-id"],
/// )
/// .require_any_group(["admins"])
/// .build()?;
/// let app = Router::new()
///     .route("/api/reports", get(|CognitoBearer(token): CognitoBearer| async move {
///         format!("hello {}", token.subject())
///     }))
///     .with_state(verifier);
/// # Ok(app) }
/// ```
#[derive(Debug, Clone)]
pub struct CognitoBearer(pub VerifiedToken);

/// Why [`CognitoBearer`] refused a request.
#[derive(Debug)]
#[non_exhaustive]
pub enum BearerRejection {
    /// No `Authorization: Bearer` header (or not one token68).
    Missing,
    /// The verifier refused the token.
    Invalid(CognitoError),
    /// A valid token without the required group or scope.
    InsufficientScope(CognitoError),
}

impl IntoResponse for BearerRejection {
    fn into_response(self) -> Response {
        let (status, challenge) = match &self {
            BearerRejection::Missing => (StatusCode::UNAUTHORIZED, "Bearer"),
            BearerRejection::Invalid(e) => {
                tracing::debug!(error = %e, "bearer token refused");
                (StatusCode::UNAUTHORIZED, r#"Bearer error="invalid_token""#)
            }
            BearerRejection::InsufficientScope(_) => (
                StatusCode::FORBIDDEN,
                r#"Bearer error="insufficient_scope""#,
            ),
        };
        let mut response = status.into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static(challenge),
        );
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-cache, no-store"),
        );
        response
    }
}

/// The token of an RFC 6750 `Authorization: Bearer <token68>` header.
fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token68 = !token.is_empty()
        && token.trim_end_matches('=').bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/')
        });
    (scheme.eq_ignore_ascii_case("bearer") && token68).then_some(token)
}

impl<S> FromRequestParts<S> for CognitoBearer
where
    CognitoJwtVerifier: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = BearerRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let token = bearer(parts).ok_or(BearerRejection::Missing)?;
        match CognitoJwtVerifier::from_ref(state).verify(token).await {
            Ok(token) => Ok(CognitoBearer(token)),
            Err(e @ (CognitoError::MissingGroup | CognitoError::MissingScope)) => {
                Err(BearerRejection::InsufficientScope(e))
            }
            Err(e) => Err(BearerRejection::Invalid(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(authorization: &str) -> Parts {
        http::Request::get("/")
            .header("authorization", authorization)
            .body(())
            .unwrap()
            .into_parts()
            .0
    }

    #[test]
    fn reads_rfc_6750_headers_only() {
        assert_eq!(
            bearer(&parts("Bearer abc.def-ghi_j")),
            Some("abc.def-ghi_j")
        );
        assert_eq!(bearer(&parts("bearer abc==")), Some("abc=="));
        for bad in [
            "Bearer",
            "Bearer ",
            "Bearer a b",
            "Basic abc",
            "Bearer a%2Fb",
            "Bearer  a",
        ] {
            assert_eq!(bearer(&parts(bad)), None, "{bad:?}");
        }
    }
}
