//! The issuer's signing keys, cached; refetched for an unknown key id at most once per interval.

use std::sync::Arc;
use std::time::Duration;

use openidconnect::core::CoreJsonWebKeySet;
use openidconnect::{JsonWebKeySetUrl, reqwest};
use tokio::sync::{Mutex, RwLock};
use tokio::time::Instant;

use crate::CognitoError;
use crate::error::{HttpCause, without_query};

/// Default minimum time between two JWKS fetches caused by unknown key ids.
pub const DEFAULT_JWKS_REFETCH_INTERVAL: Duration = Duration::from_secs(10);

#[derive(Debug)]
pub(crate) struct JwksCache {
    url: JsonWebKeySetUrl,
    keys: RwLock<Option<Arc<CoreJsonWebKeySet>>>,
    /// When the last fetch was *attempted* (success or failure): a token with an unknown `kid`
    /// may trigger a refetch only after `min_interval`, so a flood of forged key ids costs the
    /// IdP one request per interval, and a failing IdP is not hammered (the penalty).
    last_attempt: Mutex<Option<Instant>>,
    min_interval: Duration,
}

impl JwksCache {
    pub(crate) fn new(url: JsonWebKeySetUrl, min_interval: Duration) -> Self {
        JwksCache {
            url,
            keys: RwLock::new(None),
            last_attempt: Mutex::new(None),
            min_interval,
        }
    }

    /// The cached keys, fetching them the first time. After a failed fetch, callers get the
    /// error at once until the interval has passed (the penalty), instead of each waiting for a
    /// timeout from an IdP that is down.
    pub(crate) async fn keys(
        &self,
        client: &reqwest::Client,
    ) -> Result<Arc<CoreJsonWebKeySet>, CognitoError> {
        if let Some(keys) = self.keys.read().await.clone() {
            return Ok(keys);
        }
        let mut last = self.last_attempt.lock().await;
        // Someone else may have fetched while we waited for the lock.
        if let Some(keys) = self.keys.read().await.clone() {
            return Ok(keys);
        }
        if last.is_some_and(|at| at.elapsed() < self.min_interval) {
            return Err(CognitoError::Http {
                url: without_query(self.url.url()),
                cause: HttpCause::RecentFailure,
            });
        }
        *last = Some(Instant::now());
        self.fetch(client).await
    }

    /// Fetch the keys again because a token named an unknown key id; `Ok(None)` when the last
    /// fetch is more recent than the interval.
    pub(crate) async fn refetch_for_unknown_kid(
        &self,
        client: &reqwest::Client,
    ) -> Result<Option<Arc<CoreJsonWebKeySet>>, CognitoError> {
        let mut last = self.last_attempt.lock().await;
        if last.is_some_and(|at| at.elapsed() < self.min_interval) {
            return Ok(None);
        }
        *last = Some(Instant::now());
        self.fetch(client).await.map(Some)
    }

    async fn fetch(
        &self,
        client: &reqwest::Client,
    ) -> Result<Arc<CoreJsonWebKeySet>, CognitoError> {
        let failed = |cause: HttpCause| {
            tracing::warn!(%cause, "fetching the issuer's JWKS failed");
            CognitoError::Http {
                url: without_query(self.url.url()),
                cause,
            }
        };
        let response = client
            .get(self.url.url().clone())
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| failed(HttpCause::of(&e)))?;
        if !response.status().is_success() {
            return Err(failed(HttpCause::Status(response.status().as_u16())));
        }
        let body = response
            .bytes()
            .await
            .map_err(|e| failed(HttpCause::of(&e)))?;
        let keys = Arc::new(first_entry_per_kid(&body).map_err(failed)?);
        *self.keys.write().await = Some(keys.clone());
        Ok(keys)
    }
}

/// The key set, judged as aws-jwt-verify judges it.
///
/// - The whole set is refused when any entry is malformed: not an object, `kty` not a string,
///   or one of `use`, `alg`, `kid`, `n`, `e`, `x`, `y`, `crv` present but not a string.
/// - For each `kid`, only the *first* entry counts. If that entry cannot verify an RS256
///   signature (not an RSA key, `use` other than `sig`, `alg` other than `RS256`, an empty
///   modulus or exponent), no key of that `kid` is used. (openidconnect drops entries it cannot
///   read — an unknown `kty` — and would let a later entry with the same `kid` stand in.)
/// - An empty `use` or `alg` counts as absent, as it does there.
fn first_entry_per_kid(body: &[u8]) -> Result<CoreJsonWebKeySet, HttpCause> {
    use serde_json::Value;
    let raw: Value = serde_json::from_slice(body).map_err(|_| HttpCause::BadJson)?;
    let entries = raw
        .as_object()
        .and_then(|set| set.get("keys"))
        .and_then(Value::as_array)
        .ok_or_else(|| HttpCause::Invalid("the JWKS has no keys array".into()))?;
    const STRING_MEMBERS: [&str; 8] = ["use", "alg", "kid", "n", "e", "x", "y", "crv"];
    for entry in entries {
        let well_formed = entry.as_object().is_some_and(|key| {
            key.get("kty").is_some_and(Value::is_string)
                && STRING_MEMBERS
                    .iter()
                    .all(|name| key.get(*name).is_none_or(Value::is_string))
        });
        if !well_formed {
            return Err(HttpCause::Invalid("the JWKS has a malformed key".into()));
        }
    }
    let mut seen = std::collections::HashSet::new();
    let mut kept = Vec::new();
    for key in entries.iter().filter_map(Value::as_object) {
        let Some(kid) = key.get("kid").and_then(Value::as_str) else {
            continue; // a key without an id is never chosen
        };
        if !seen.insert(kid) {
            continue; // a later entry for a kid already judged
        }
        let member = |name: &str| key.get(name).and_then(Value::as_str).unwrap_or("");
        let usable = member("kty") == "RSA"
            && matches!(member("use"), "" | "sig")
            && matches!(member("alg"), "" | "RS256")
            && !member("n").is_empty()
            && !member("e").is_empty();
        if usable {
            let mut key = key.clone();
            key.retain(|name, value| !(matches!(name.as_str(), "use" | "alg") && value == ""));
            kept.push(Value::Object(key));
        }
    }
    serde_json::from_value(serde_json::json!({ "keys": kept })).map_err(|_| HttpCause::BadJson)
}

#[cfg(test)]
mod tests {
    use super::*;
    use openidconnect::JsonWebKey;

    #[test]
    fn only_the_first_entry_of_a_kid_counts() {
        let rsa = |kid: &str| serde_json::json!({"kty":"RSA","kid":kid,"use":"sig","alg":"RS256","n":"sXch","e":"AQAB"});
        let body = serde_json::json!({"keys":[
            {"kty":"OKP-unknown","kid":"a","x":"y"},
            rsa("a"),
            rsa("b"),
            {"kty":"EC","kid":"b","crv":"P-256","x":"x","y":"y"},
            {"kty":"RSA","kid":"c","use":"enc","n":"sXch","e":"AQAB"},
            {"kty":"RSA","kid":"d","alg":"RS384","n":"sXch","e":"AQAB"},
            {"kty":"RSA","kid":"e","n":"","e":"AQAB"},
            {"kty":"RSA","kid":"f","use":"","alg":"","n":"sXch","e":"AQAB"},
        ]})
        .to_string();
        let keys = first_entry_per_kid(body.as_bytes()).unwrap();
        let kids: Vec<&str> = keys
            .keys()
            .iter()
            .filter_map(|k| k.key_id().map(|id| id.as_str()))
            .collect();
        assert_eq!(
            kids,
            ["b", "f"],
            "kid a's first entry is not RSA: no key of kid a is used; c, d, e cannot verify RS256"
        );
        assert_eq!(
            first_entry_per_kid(b"[]").unwrap_err(),
            HttpCause::Invalid("the JWKS has no keys array".into())
        );
        assert_eq!(first_entry_per_kid(b"{").unwrap_err(), HttpCause::BadJson);
    }

    #[test]
    fn one_malformed_key_refuses_the_whole_set() {
        let good = serde_json::json!({"kty":"RSA","kid":"a","n":"sXch","e":"AQAB"});
        for bad in [
            serde_json::json!(5),
            serde_json::json!({"kid":"b","n":"sXch","e":"AQAB"}),
            serde_json::json!({"kty":1,"kid":"b"}),
            serde_json::json!({"kty":"RSA","kid":"b","n":5,"e":"AQAB"}),
            serde_json::json!({"kty":"RSA","kid":"b","alg":null,"n":"sXch","e":"AQAB"}),
            serde_json::json!({"kty":"RSA","kid":7,"n":"sXch","e":"AQAB"}),
        ] {
            let body = serde_json::json!({ "keys": [good.clone(), bad.clone()] }).to_string();
            assert_eq!(
                first_entry_per_kid(body.as_bytes()).unwrap_err(),
                HttpCause::Invalid("the JWKS has a malformed key".into()),
                "{bad}"
            );
        }
        assert!(first_entry_per_kid(br#"[{"kty":"RSA"}]"#).is_err());
    }
}
