//! Just enough JWS for Cognito tokens: split, decode, check the algorithm, find the key, verify.
//!
//! Cognito signs with RS256 only. The signature check itself is openidconnect's
//! (`JsonWebKey::verify_signature`, RSA from the `rsa` crate); this module adds the strict
//! parsing and the key lookup with a JWKS refetch for unknown key ids.

use auth_core::session_cookie::{self, json};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openidconnect::core::{CoreJsonWebKeySet, CoreJwsSigningAlgorithm};
use openidconnect::{JsonWebKey, reqwest};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::CognitoError;
use crate::jwks::JwksCache;

/// A JWT split into its parts, payload decoded, signature not yet verified.
#[derive(Debug)]
pub(crate) struct Jwt<'a> {
    pub(crate) kid: Option<String>,
    signing_input: &'a str,
    signature: Vec<u8>,
    pub(crate) claims: Map<String, Value>,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
}

/// The largest token looked at (Cognito tokens are a few kilobytes).
const MAX_TOKEN_LEN: usize = 16 * 1024;

pub(crate) fn parse(token: &str) -> Result<Jwt<'_>, CognitoError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(CognitoError::MalformedToken("token too large"));
    }
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(CognitoError::MalformedToken("expected three segments"));
    };
    let decode = |part: &str| {
        URL_SAFE_NO_PAD
            .decode(part)
            .map_err(|_| CognitoError::MalformedToken("bad base64url"))
    };
    // Both JSON parts: one object, each member named once (`{"alg":..,"alg":..}` or two `exp`s
    // would be read differently by different parsers; Cognito never writes such a token).
    let strict = |e: session_cookie::SessionCookieError| match e {
        session_cookie::SessionCookieError::DuplicateMember => {
            CognitoError::MalformedToken("duplicate JSON member")
        }
        _ => CognitoError::MalformedToken("not a JSON object"),
    };
    let header_json = decode(header)?;
    json::ensure_unique_members(&header_json).map_err(strict)?;
    let header: Header = serde_json::from_slice(&header_json)
        .map_err(|_| CognitoError::MalformedToken("bad header"))?;
    // RS256 only: no `none`, and no HS256 with the public key (or the client secret) as HMAC key.
    if header.alg != "RS256" {
        return Err(CognitoError::AlgorithmNotAllowed(
            header.alg.chars().take(16).collect(),
        ));
    }
    // A lone surrogate escape (half an emoji in a user attribute) is read as U+FFFD, as
    // aws-jwt-verify's `JSON.parse` and Node's string APIs read it; serde_json refuses it, so the
    // repair runs only when the payload as written does not parse.
    let payload = decode(payload)?;
    let claims = json::object_from_slice(&payload)
        .or_else(|e| match json::replace_lone_surrogates(&payload) {
            std::borrow::Cow::Owned(fixed) => json::object_from_slice(&fixed),
            std::borrow::Cow::Borrowed(_) => Err(e),
        })
        .map_err(|e| match e {
            session_cookie::SessionCookieError::DuplicateMember => {
                CognitoError::MalformedToken("duplicate JSON member")
            }
            _ => CognitoError::MalformedToken("payload is not a JSON object"),
        })?;
    let signing_input = &token[..token.len() - signature.len() - 1];
    Ok(Jwt {
        kid: header.kid,
        signing_input,
        signature: decode(signature)?,
        claims,
    })
}

impl Jwt<'_> {
    /// Verify the RS256 signature with the issuer's key named by `kid`, refetching the JWKS
    /// once (rate-limited) when no key has that id — the issuer may have rotated its keys.
    pub(crate) async fn verify_signature(
        &self,
        jwks: &JwksCache,
        client: &reqwest::Client,
    ) -> Result<(), CognitoError> {
        let kid = self
            .kid
            .as_deref()
            .ok_or(CognitoError::MalformedToken("no kid"))?;
        let keys = jwks.keys(client).await?;
        if let Some(result) = self.verify_with(&keys, kid) {
            return result;
        }
        match jwks.refetch_for_unknown_kid(client).await? {
            Some(fresh) => self
                .verify_with(&fresh, kid)
                .unwrap_or(Err(CognitoError::UnknownKey)),
            None => Err(CognitoError::UnknownKey),
        }
    }

    /// `None` when no key has this id.
    pub(crate) fn verify_with(
        &self,
        keys: &CoreJsonWebKeySet,
        kid: &str,
    ) -> Option<Result<(), CognitoError>> {
        let key = keys
            .keys()
            .iter()
            .find(|k| k.key_id().is_some_and(|id| id.as_str() == kid))?;
        Some(
            key.verify_signature(
                &CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
                self.signing_input.as_bytes(),
                &self.signature,
            )
            .map_err(|_| CognitoError::InvalidSignature),
        )
    }
}

/// A numeric claim, as seconds — not truncated: `nbf = now + 0.7` is 0.7 s in the future.
pub(crate) fn seconds(
    claims: &Map<String, Value>,
    name: &'static str,
) -> Result<Option<f64>, CognitoError> {
    match claims.get(name) {
        None => Ok(None),
        Some(v) => v
            .as_f64()
            .map(Some)
            .ok_or(CognitoError::InvalidTimeClaim(name)),
    }
}

/// `exp` not passed and `nbf` not in the future, each with `leeway` seconds, as aws-jwt-verify
/// judges them: expired only once `exp + leeway` is *before* now, and times compared as the
/// numbers they are (truncating would accept an `nbf` up to a second early). `iat` must be a
/// number but is not compared with the clock (neither aws-jwt-verify nor openid-client does: a
/// token minted in the current second by an issuer whose clock runs a little ahead would
/// otherwise be refused with a leeway of 0). JSON numbers are finite, so `1e300` compares fine.
pub(crate) fn check_times(
    claims: &Map<String, Value>,
    now: i64,
    leeway: i64,
    require_exp: bool,
) -> Result<(), CognitoError> {
    let now = now as f64;
    let leeway = leeway as f64;
    match seconds(claims, "exp")? {
        Some(exp) if exp + leeway < now => return Err(CognitoError::Expired),
        None if require_exp => return Err(CognitoError::InvalidTimeClaim("exp")),
        _ => {}
    }
    seconds(claims, "iat")?;
    if seconds(claims, "nbf")?.is_some_and(|nbf| nbf - leeway > now) {
        return Err(CognitoError::InvalidTimeClaim("nbf"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn claims(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn duplicate_members_are_refused_before_the_signature_is_looked_at() {
        let b64 = |s: &str| URL_SAFE_NO_PAD.encode(s);
        let token = |header: &str, payload: &str| format!("{}.{}.c2ln", b64(header), b64(payload));
        let good_header = r#"{"alg":"RS256","kid":"k1"}"#;
        assert!(parse(&token(good_header, r#"{"sub":"a","exp":1}"#)).is_ok());
        for (header, payload) in [
            (good_header, r#"{"sub":"a","exp":1,"exp":99999999999}"#),
            (
                good_header,
                r#"{"sub":"a","cognito:groups":["x"],"cognito:groups":["admin"]}"#,
            ),
            (r#"{"alg":"RS256","kid":"k1","kid":"k2"}"#, r#"{"sub":"a"}"#),
        ] {
            assert!(
                matches!(
                    parse(&token(header, payload)),
                    Err(CognitoError::MalformedToken("duplicate JSON member"))
                ),
                "{header} {payload}"
            );
        }
    }

    #[test]
    fn a_lone_surrogate_is_read_as_the_replacement_character() {
        let b64 = |s: &str| URL_SAFE_NO_PAD.encode(s);
        let header = b64(r#"{"alg":"RS256","kid":"k1"}"#);
        let token = format!("{header}.{}.c2ln", b64(r#"{"sub":"a","name":"x\ud800y"}"#));
        let jwt = parse(&token).unwrap();
        assert_eq!(jwt.claims["name"], "x\u{fffd}y");
        // Anything else that does not parse is still refused.
        let token = format!("{header}.{}.c2ln", b64(r#"{"sub":"a","name":"x\qy"}"#));
        assert!(parse(&token).is_err());
    }

    #[test]
    fn fractional_times_are_not_truncated_in_the_lenient_direction() {
        let now = 1_767_225_600;
        let at = |name: &str, value: f64| claims(json!({ "exp": now + 3600, name: value }));
        // 0.7 s beyond the leeway: refused (truncating read it as exactly the leeway).
        assert!(check_times(&at("nbf", (now + 30) as f64 + 0.7), now, 30, true).is_err());
        assert!(check_times(&at("nbf", (now + 30) as f64), now, 30, true).is_ok());
        // Expired once exp + leeway is before now; at the boundary itself still valid.
        let exp = |value: f64| claims(json!({ "exp": value }));
        assert!(check_times(&exp((now - 30) as f64), now, 30, true).is_ok());
        assert!(check_times(&exp((now - 30) as f64 - 0.5), now, 30, true).is_err());
    }

    #[test]
    fn extreme_time_claims_are_judged_not_overflowed() {
        let now = 1_767_225_600;
        // Far-future exp: valid (saturates to i64::MAX instead of wrapping to the past).
        assert!(check_times(&claims(json!({ "exp": 1e300 })), now, 30, true).is_ok());
        assert!(check_times(&claims(json!({ "exp": i64::MAX })), now, 30, true).is_ok());
        // Far-past exp, far-future nbf: refused; a far-future iat is only type-checked.
        assert!(matches!(
            check_times(&claims(json!({ "exp": -1e300 })), now, 30, true),
            Err(CognitoError::Expired)
        ));
        assert!(matches!(
            check_times(
                &claims(json!({ "exp": 1e300, "nbf": 1e300 })),
                now,
                30,
                true
            ),
            Err(CognitoError::InvalidTimeClaim("nbf"))
        ));
        assert!(
            check_times(
                &claims(json!({ "exp": 1e300, "iat": 1e300 })),
                now,
                30,
                true
            )
            .is_ok()
        );
        assert!(matches!(
            check_times(&claims(json!({ "exp": 1e300, "iat": null })), now, 30, true),
            Err(CognitoError::InvalidTimeClaim("iat"))
        ));
        assert!(matches!(
            // A clock at the end of time: `now + leeway` must not overflow either, and times
            // are compared as numbers (1e300 is still later than i64::MAX seconds).
            check_times(
                &claims(json!({ "nbf": 9e18, "iat": 9e18 })),
                i64::MAX,
                30,
                false
            ),
            Ok(())
        ));
        assert!(matches!(
            check_times(&claims(json!({ "exp": "soon" })), now, 30, true),
            Err(CognitoError::InvalidTimeClaim("exp"))
        ));
    }
}
