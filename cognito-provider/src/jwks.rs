//! The issuer's signing keys, cached; refetched for an unknown key id at most once per interval.

use std::sync::Arc;
use std::time::Duration;

use openidconnect::core::CoreJsonWebKeySet;
use openidconnect::{JsonWebKeySetUrl, reqwest};
use tokio::sync::{Mutex, RwLock};
use tokio::time::Instant;

use crate::Error;
use crate::error::{HttpCause, discovery_cause, without_query};

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

    /// Seed the cache with keys fetched elsewhere (discovery fetches the JWKS too). This does
    /// not count as a refetch: a key rotated since discovery is still picked up at once.
    pub(crate) async fn seed(&self, keys: CoreJsonWebKeySet) {
        let mut slot = self.keys.write().await;
        if slot.is_none() {
            *slot = Some(Arc::new(keys));
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
        match CoreJsonWebKeySet::fetch_async(&self.url, client).await {
            Ok(keys) => {
                let keys = Arc::new(keys);
                *self.keys.write().await = Some(keys.clone());
                Ok(keys)
            }
            Err(e) => {
                tracing::warn!(error = %e, "fetching the issuer's JWKS failed");
                Err(Error::Http {
                    url: without_query(self.url.url()),
                    cause: discovery_cause(&e),
                })
            }
        }
    }
}
