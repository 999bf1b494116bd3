//! Entry points for the fuzz targets in the workspace's `fuzz/` folder, compiled only under
//! `cargo fuzz` (which sets `--cfg fuzzing`); not part of the API.
//!
//! Token verification is async because the JWKS may have to be fetched. Everything it does to
//! the untrusted token itself happens offline, and is reached here with a key set given up
//! front: the split and base64url decoding, the header's algorithm check, the RSA signature
//! check, and — as if the signature had verified, since a fuzzer cannot forge one — every claim
//! check and the profile mapping.

use auth_core::session_cookie::WireFormat;
use openidconnect::core::CoreJsonWebKeySet;
use serde_json::{Map, Value};

use crate::id_token::{check_audience, check_issuer, check_token_use};
use crate::{CognitoError, jwt, profile};

/// What [`crate::CognitoJwtVerifier`] and the sign-in flow do to `token` after the key set is
/// known. Returns the signature's verdict and the claim checks' verdict separately.
pub fn verify_offline(
    token: &str,
    keys: &CoreJsonWebKeySet,
    issuer: &str,
    client_id: &str,
    now: i64,
) -> Result<(Result<(), CognitoError>, Result<(), CognitoError>), CognitoError> {
    let jwt = jwt::parse(token)?;
    let signature = match jwt.kid.as_deref() {
        Some(kid) => jwt
            .verify_with(keys, kid)
            .unwrap_or(Err(CognitoError::UnknownKey)),
        None => Err(CognitoError::MalformedToken("no kid")),
    };
    let claims = &jwt.claims;
    let checks = claim_checks(claims, issuer, client_id, now);
    Ok((signature, checks))
}

fn claim_checks(
    claims: &Map<String, Value>,
    issuer: &str,
    client_id: &str,
    now: i64,
) -> Result<(), CognitoError> {
    check_issuer(claims, &[issuer])?;
    check_token_use(claims, "id").or_else(|_| check_token_use(claims, "access"))?;
    check_audience(claims, &[client_id])?;
    jwt::check_times(claims, now, crate::DEFAULT_LEEWAY_SECS, true)?;
    profile::user(claims, WireFormat::NextAuthV4)?;
    profile::user(claims, WireFormat::AuthJsV5)?;
    Ok(())
}
