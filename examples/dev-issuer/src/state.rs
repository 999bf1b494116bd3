//! What the issuer remembers: its configuration, and in-memory codes, refresh tokens and browser
//! sessions. Nothing is persisted; a restart signs everybody out.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rsa::rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

use crate::{DevClient, DevSigningKey, DevUser};

/// Authorization codes live 5 minutes, as Cognito's.
pub(crate) const CODE_TTL_SECS: u64 = 300;
/// Refresh tokens live 30 days (Cognito's default).
pub(crate) const REFRESH_TTL_SECS: u64 = 30 * 24 * 3600;
/// A hosted-UI browser session lives 1 hour, as Cognito's.
pub(crate) const SESSION_TTL_SECS: u64 = 3600;

/// The wall clock, injectable for tests.
pub(crate) type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// Built once by [`DevIssuerBuilder::build`](crate::DevIssuerBuilder::build); shared by every
/// router made from it.
pub(crate) struct Config {
    pub(crate) pool_id: String,
    pub(crate) clients: Vec<DevClient>,
    /// Every user has `sub` set.
    pub(crate) users: Vec<DevUser>,
    pub(crate) key: DevSigningKey,
    pub(crate) clock: Clock,
    pub(crate) token_validity_secs: u64,
    pub(crate) allow_non_loopback: bool,
}

impl Config {
    pub(crate) fn client(&self, id: &str) -> Option<&DevClient> {
        self.clients.iter().find(|c| c.id == id)
    }

    pub(crate) fn user(&self, username: &str) -> Option<&DevUser> {
        self.users.iter().find(|u| u.username == username)
    }

    /// Seconds since the Unix epoch.
    pub(crate) fn now(&self) -> u64 {
        (self.clock)()
            .duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO)
            .as_secs()
    }
}

/// The URLs one router answers for.
pub(crate) struct Urls {
    /// `http://127.0.0.1:port` or `http://host:port/prefix`, no trailing slash.
    pub(crate) base: String,
    /// `base` + `/` + pool id.
    pub(crate) issuer: String,
    /// Scheme, host and port of `base` (for the `Origin` check of the login form).
    pub(crate) origin: String,
    /// The path of `base`, or `/`: the `Path` of the issuer's cookies.
    pub(crate) cookie_path: String,
}

impl Urls {
    pub(crate) fn endpoint(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// Per-router state.
pub(crate) struct AppState {
    pub(crate) config: Arc<Config>,
    pub(crate) urls: Urls,
    pub(crate) session_cookie: String,
    pub(crate) csrf_cookie: String,
    stores: Mutex<Stores>,
}

impl AppState {
    pub(crate) fn new(config: Arc<Config>, urls: Urls) -> Self {
        let session_cookie = format!("dev-issuer.{}", config.pool_id);
        let csrf_cookie = format!("dev-issuer.{}.csrf", config.pool_id);
        Self {
            config,
            urls,
            session_cookie,
            csrf_cookie,
            stores: Mutex::new(Stores::default()),
        }
    }

    /// The stores, with expired entries dropped.
    pub(crate) fn stores(&self) -> MutexGuard<'_, Stores> {
        let mut guard = self.stores.lock().unwrap_or_else(|e| e.into_inner());
        guard.prune(self.config.now());
        guard
    }
}

/// What a successful sign-in grants a client, carried from code to tokens to refreshed tokens.
#[derive(Clone, Debug)]
pub(crate) struct Grant {
    pub(crate) client_id: String,
    pub(crate) username: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) auth_time: u64,
    /// Cognito's `origin_jti`: the same for every token descending from one sign-in.
    pub(crate) origin_jti: String,
}

impl Grant {
    pub(crate) fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

#[derive(Debug)]
pub(crate) struct CodeGrant {
    pub(crate) grant: Grant,
    pub(crate) redirect_uri: String,
    pub(crate) nonce: Option<String>,
    pub(crate) code_challenge: Option<String>,
    pub(crate) expires_at: u64,
}

#[derive(Debug)]
pub(crate) struct RefreshGrant {
    pub(crate) grant: Grant,
    pub(crate) expires_at: u64,
}

/// A code that was redeemed: a second redemption revokes what the first one issued.
#[derive(Debug)]
pub(crate) struct RedeemedCode {
    pub(crate) refresh_token: Option<String>,
    pub(crate) forget_at: u64,
}

#[derive(Debug)]
pub(crate) struct BrowserSession {
    pub(crate) username: String,
    pub(crate) auth_time: u64,
    pub(crate) expires_at: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Stores {
    pub(crate) codes: HashMap<String, CodeGrant>,
    pub(crate) redeemed_codes: HashMap<String, RedeemedCode>,
    pub(crate) refresh_tokens: HashMap<String, RefreshGrant>,
    pub(crate) sessions: HashMap<String, BrowserSession>,
}

impl Stores {
    fn prune(&mut self, now: u64) {
        self.codes.retain(|_, c| c.expires_at > now);
        self.redeemed_codes.retain(|_, c| c.forget_at > now);
        self.refresh_tokens.retain(|_, r| r.expires_at > now);
        self.sessions.retain(|_, s| s.expires_at > now);
    }
}

/// 256 random bits, base64url: codes, refresh tokens, session ids, CSRF tokens, `jti`s.
pub(crate) fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A random UUID (version 4), for `jti`s, as Cognito's.
pub(crate) fn random_uuid() -> String {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    format_uuid_v4(bytes)
}

/// A user's `sub`: a UUID derived from pool id and username, so it is stable across restarts
/// (Cognito's are random v4 UUIDs fixed at sign-up; this one is shaped the same).
pub(crate) fn derived_sub(pool_id: &str, username: &str) -> String {
    let digest = Sha256::new()
        .chain_update(b"dev-issuer sub\0")
        .chain_update(pool_id.as_bytes())
        .chain_update(b"\0")
        .chain_update(username.as_bytes())
        .finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    format_uuid_v4(bytes)
}

fn format_uuid_v4(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_sub_is_stable_and_uuid_shaped() {
        let a = derived_sub("local_DevPool", "alice");
        assert_eq!(a, derived_sub("local_DevPool", "alice"));
        assert_ne!(a, derived_sub("local_DevPool", "bob"));
        assert_ne!(a, derived_sub("local_OtherPool", "alice"));
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
        assert_eq!(a.matches('-').count(), 4);
    }

    #[test]
    fn random_values_differ() {
        assert_ne!(random_token(), random_token());
        assert_eq!(random_token().len(), 43);
        assert_ne!(random_uuid(), random_uuid());
    }
}
