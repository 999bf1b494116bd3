//! id_token verification: OpenID Connect Core §3.1.3.7 plus Cognito's `token_use`.
//!
//! The signature is checked with openidconnect's RSA verification (see [`crate::jwt`]); the
//! claim checks are written out here rather than through openidconnect's `IdTokenVerifier`
//! because that verifier checks `exp` without leeway, binds one fixed key set (no refetch when
//! Cognito rotates its keys), and cannot see Cognito's `token_use` — and because the same code
//! then serves [`crate::CognitoJwtVerifier`], so both give the same typed errors.

use serde_json::{Map, Value};
use sha2::digest::Digest as _;

use crate::{Cognito, CognitoError, jwt};

pub(crate) async fn verify(
    cognito: &Cognito,
    raw: &str,
    expected_nonce: Option<&str>,
) -> Result<Map<String, Value>, CognitoError> {
    let token = jwt::parse(raw)?;
    token
        .verify_signature(cognito.jwks().await?, &cognito.inner.http)
        .await?;
    let claims = token.claims;
    check_issuer(&claims, &[cognito.issuer()])?;
    check_audience(&claims, &[cognito.client_id()])?;
    check_token_use(&claims, "id")?;
    jwt::check_times(&claims, cognito.now(), cognito.inner.leeway_secs, true)?;
    // OpenID Connect Core §2 requires `iat`, and openid-client (next-auth's) refuses an id token
    // without one; like it, the value is not compared with the clock (see `check_times`).
    if !claims.contains_key("iat") {
        return Err(CognitoError::InvalidTimeClaim("iat"));
    }
    if let Some(expected) = expected_nonce {
        let nonce = claims.get("nonce").and_then(Value::as_str).unwrap_or("");
        // Compare digests so the comparison takes the same time wherever the strings differ.
        if sha2::Sha256::digest(nonce.as_bytes()) != sha2::Sha256::digest(expected.as_bytes()) {
            return Err(CognitoError::NonceMismatch);
        }
    }
    if claims
        .get("sub")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
    {
        return Err(CognitoError::IdToken("no subject".into()));
    }
    Ok(claims)
}

/// `iss` is one of `issuers` (the sign-in flow knows one; the verifier also accepts the pool's
/// issuer in AWS's global format).
pub(crate) fn check_issuer<S: AsRef<str>>(
    claims: &Map<String, Value>,
    issuers: &[S],
) -> Result<(), CognitoError> {
    match claims.get("iss").and_then(Value::as_str) {
        Some(iss) if issuers.iter().any(|ours| ours.as_ref() == iss) => Ok(()),
        _ => Err(CognitoError::WrongIssuer),
    }
}

/// `aud` (a string or an array) names one of `clients`; with several audiences, `azp` must be
/// that client.
pub(crate) fn check_audience(
    claims: &Map<String, Value>,
    clients: &[&str],
) -> Result<(), CognitoError> {
    // Cognito always writes one string. An array is what OpenID Connect allows (and what
    // openid-client reads), so it is read too — but only an array of strings: a non-string
    // member would otherwise be dropped silently and the rest judged as if it were not there.
    let audiences: Vec<&str> = match claims.get("aud") {
        Some(Value::String(aud)) => vec![aud.as_str()],
        Some(Value::Array(list)) => list
            .iter()
            .map(Value::as_str)
            .collect::<Option<Vec<_>>>()
            .ok_or(CognitoError::WrongAudience)?,
        _ => return Err(CognitoError::WrongAudience),
    };
    let Some(ours) = audiences.iter().find(|a| clients.contains(a)) else {
        return Err(CognitoError::WrongAudience);
    };
    if audiences.len() > 1 && claims.get("azp").and_then(Value::as_str) != Some(ours) {
        return Err(CognitoError::WrongAudience);
    }
    Ok(())
}

/// The claims an API keys on must have the type Cognito gives them, as aws-jwt-verify
/// requires: `sub` a string (always present), `jti`, `scope` and `username` strings,
/// `cognito:groups` an array of strings, `aud` a string or an array of strings. Otherwise
/// `VerifiedToken::subject()` of `"sub": 5` would be `""`, and a group list with a number in it
/// would be read without it.
pub(crate) fn check_claim_types(claims: &Map<String, Value>) -> Result<(), CognitoError> {
    let string_list = |v: &Value| v.as_array().is_some_and(|l| l.iter().all(Value::is_string));
    if !claims.get("sub").is_some_and(Value::is_string) {
        return Err(CognitoError::InvalidClaim("sub"));
    }
    for name in ["jti", "scope", "username", "cognito:username"] {
        if claims.get(name).is_some_and(|v| !v.is_string()) {
            return Err(CognitoError::InvalidClaim(name));
        }
    }
    if claims
        .get("cognito:groups")
        .is_some_and(|v| !string_list(v))
    {
        return Err(CognitoError::InvalidClaim("cognito:groups"));
    }
    if claims
        .get("aud")
        .is_some_and(|v| !v.is_string() && !string_list(v))
    {
        return Err(CognitoError::InvalidClaim("aud"));
    }
    Ok(())
}

pub(crate) fn check_token_use(
    claims: &Map<String, Value>,
    expected: &'static str,
) -> Result<(), CognitoError> {
    match claims.get("token_use").and_then(Value::as_str) {
        Some(use_) if use_ == expected => Ok(()),
        _ => Err(CognitoError::WrongTokenUse { expected }),
    }
}
