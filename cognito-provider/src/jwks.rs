//! The issuer's signing keys, cached; refetched for an unknown key id at most once per interval.

use std::sync::Arc;
use std::time::Duration;

use openidconnect::core::CoreJsonWebKeySet;
use openidconnect::{JsonWebKeySetUrl, reqwest};
use tokio::sync::{Mutex, RwLock};
use tokio::time::Instant;

use crate::Error;
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
    ) -> Result<Arc<CoreJsonWebKeySet>, Error> {
        if let Some(keys) = self.keys.read().await.clone() {
            return Ok(keys);
        }
        let mut last = self.last_attempt.lock().await;
        // Someone else may have fetched while we waited for the lock.
        if let Some(keys) = self.keys.read().await.clone() {
            return Ok(keys);
        }
        if last.is_some_and(|at| at.elapsed() < self.min_interval) {
            return Err(Error::Http {
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
    ) -> Result<Option<Arc<CoreJsonWebKeySet>>, Error> {
        let mut last = self.last_attempt.lock().await;
        if last.is_some_and(|at| at.elapsed() < self.min_interval) {
            return Ok(None);
        }
        *last = Some(Instant::now());
        self.fetch(client).await.map(Some)
    }

    async fn fetch(&self, client: &reqwest::Client) -> Result<Arc<CoreJsonWebKeySet>, Error> {
        let failed = |cause: HttpCause| {
            tracing::warn!(%cause, "fetching the issuer's JWKS failed");
            Error::Http {
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

/// The key set, judged entry by entry as aws-jwt-verify does: for each `kid`, only the *first*
/// entry counts, and if that entry is not an RSA key, no key of that `kid` is used. (openidconnect
/// drops entries it cannot read — an unknown `kty` — and would let a later entry with the same
/// `kid` stand in for it.)
fn first_entry_per_kid(body: &[u8]) -> Result<CoreJsonWebKeySet, HttpCause> {
    let raw: serde_json::Value = serde_json::from_slice(body).map_err(|_| HttpCause::BadJson)?;
    let entries = raw
        .get("keys")
        .and_then(serde_json::Value::as_array)
        .ok_or_else(|| HttpCause::Invalid("the JWKS has no keys array".into()))?;
    let mut seen = std::collections::HashSet::new();
    let mut kept = Vec::new();
    for entry in entries {
        let kid = entry.get("kid").and_then(serde_json::Value::as_str);
        if let Some(kid) = kid
            && !seen.insert(kid.to_owned())
        {
            continue; // a later entry for a kid already judged
        }
        if entry.get("kty").and_then(serde_json::Value::as_str) == Some("RSA") {
            kept.push(entry.clone());
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
            ["b"],
            "kid a's first entry is not RSA: no key of kid a is used"
        );
        assert_eq!(
            first_entry_per_kid(b"[]").unwrap_err(),
            HttpCause::Invalid("the JWKS has no keys array".into())
        );
        assert_eq!(first_entry_per_kid(b"{").unwrap_err(), HttpCause::BadJson);
    }
}
