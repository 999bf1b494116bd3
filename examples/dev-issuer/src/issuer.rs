//! The issuer, its builder, and the handle of a running one.

use std::collections::HashSet;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use url::{Host, Url};

use crate::state::{AppState, Clock, Config, Urls, derived_sub};
use crate::{DevClient, DevIssuerError, DevSigningKey, DevUser, routes};

/// The default pool id.
pub const DEFAULT_POOL_ID: &str = "local_DevPool";

/// Default lifetime of id and access tokens (Cognito's default): one hour.
pub const DEFAULT_TOKEN_VALIDITY: Duration = Duration::from_secs(3600);

/// A configured development issuer. Cheap to clone; make a router with [`router`](Self::router)
/// or run it with [`serve`](Self::serve).
#[derive(Clone)]
pub struct DevIssuer {
    config: Arc<Config>,
}

impl fmt::Debug for DevIssuer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DevIssuer")
            .field("pool_id", &self.config.pool_id)
            .field("clients", &self.config.clients)
            .field(
                "users",
                &self
                    .config
                    .users
                    .iter()
                    .map(|u| u.username.as_str())
                    .collect::<Vec<_>>(),
            )
            .field("kid", &self.config.key.kid())
            .finish_non_exhaustive()
    }
}

impl DevIssuer {
    /// Start configuring an issuer.
    pub fn builder() -> DevIssuerBuilder {
        DevIssuerBuilder {
            pool_id: DEFAULT_POOL_ID.to_owned(),
            clients: Vec::new(),
            users: None,
            key: None,
            clock: None,
            token_validity: DEFAULT_TOKEN_VALIDITY,
            allow_non_loopback: false,
        }
    }

    /// The pool id (`<region>_<id>`), the issuer URL's path.
    pub fn pool_id(&self) -> &str {
        &self.config.pool_id
    }

    /// The configured clients.
    pub fn clients(&self) -> &[DevClient] {
        &self.config.clients
    }

    /// The configured users.
    pub fn users(&self) -> &[DevUser] {
        &self.config.users
    }

    /// The `sub` of a user.
    pub fn user_sub(&self, username: &str) -> Option<&str> {
        self.config.user(username).and_then(|u| u.sub.as_deref())
    }

    /// The signing key (its public half is served as the JWKS).
    pub fn signing_key(&self) -> &DevSigningKey {
        &self.config.key
    }

    /// The issuer URL for a base URL: `{base_url}/{pool_id}`.
    pub fn issuer_url(&self, base_url: &str) -> Result<Url, DevIssuerError> {
        let urls = self.urls(base_url)?;
        Url::parse(&urls.issuer).map_err(|e| DevIssuerError::InvalidBaseUrl {
            url: base_url.to_owned(),
            problem: e.to_string(),
        })
    }

    /// An axum router answering at `base_url` (for example `http://127.0.0.1:9000`), for the
    /// caller to serve.
    ///
    /// The routes are at the root of the router (`/oauth2/authorize`, `/<pool>/.well-known/…`):
    /// if `base_url` has a path, [`nest`](Router::nest) the router at that path. Each router has
    /// its own codes, refresh tokens and sessions.
    ///
    /// Refuses a base URL whose host is not loopback (`127.0.0.0/8`, `::1`, `localhost`) unless
    /// [`allow_non_loopback_for_development_only`](DevIssuerBuilder::allow_non_loopback_for_development_only)
    /// was set.
    pub fn router(&self, base_url: &str) -> Result<Router, DevIssuerError> {
        let urls = self.urls(base_url)?;
        Ok(routes::router(Arc::new(AppState::new(
            self.config.clone(),
            urls,
        ))))
    }

    fn urls(&self, base_url: &str) -> Result<Urls, DevIssuerError> {
        let invalid = |problem: &str| DevIssuerError::InvalidBaseUrl {
            url: base_url.to_owned(),
            problem: problem.to_owned(),
        };
        let url = Url::parse(base_url).map_err(|e| invalid(&e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid("expected http:// or https://"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(invalid("must not have a query or fragment"));
        }
        let loopback = match url.host() {
            Some(Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
            Some(Host::Ipv4(ip)) => ip.is_loopback(),
            Some(Host::Ipv6(ip)) => ip.is_loopback(),
            None => return Err(invalid("has no host")),
        };
        if !loopback {
            self.check_non_loopback_allowed(url.host_str().unwrap_or_default())?;
        }
        let base = url.as_str().trim_end_matches('/').to_owned();
        let path = url.path().trim_end_matches('/');
        Ok(Urls {
            issuer: format!("{base}/{}", self.config.pool_id),
            origin: url.origin().ascii_serialization(),
            cookie_path: if path.is_empty() { "/" } else { path }.to_owned(),
            base,
        })
    }

    fn check_non_loopback_allowed(&self, what: &str) -> Result<(), DevIssuerError> {
        if self.config.allow_non_loopback {
            tracing::warn!(
                target: "dev_issuer",
                "serving the DEVELOPMENT issuer, with published demo passwords, on non-loopback {what}"
            );
            Ok(())
        } else {
            Err(DevIssuerError::NonLoopback(what.to_owned()))
        }
    }

    /// Serve on `listener` in a new Tokio task, at `http://<listener address>`.
    ///
    /// Must be called within a Tokio runtime. Refuses a listener that is not on a loopback
    /// address unless
    /// [`allow_non_loopback_for_development_only`](DevIssuerBuilder::allow_non_loopback_for_development_only)
    /// was set. The server stops when the returned handle is dropped or
    /// [`shut down`](RunningIssuer::shutdown).
    pub fn serve(self, listener: TcpListener) -> Result<RunningIssuer, DevIssuerError> {
        let local_addr = listener.local_addr()?;
        if !is_loopback(local_addr.ip()) {
            self.check_non_loopback_allowed(&local_addr.to_string())
                .map_err(|_| DevIssuerError::non_loopback_addr(local_addr))?;
        }
        let runtime =
            tokio::runtime::Handle::try_current().map_err(|_| DevIssuerError::NoRuntime)?;
        let base = format!("http://{local_addr}");
        let router = self.router(&base)?;
        let issuer_url = self.issuer_url(&base)?;
        let base_url = Url::parse(&base).map_err(|e| DevIssuerError::InvalidBaseUrl {
            url: base.clone(),
            problem: e.to_string(),
        })?;
        let description = self.describe_urls(&issuer_url);
        let (stop, stopped) = oneshot::channel::<()>();
        let task = runtime.spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async move {
                    // A send or a dropped handle both end the server.
                    let _ = stopped.await;
                })
                .await
        });
        tracing::debug!(target: "dev_issuer", issuer = %issuer_url, "development issuer listening");
        Ok(RunningIssuer {
            local_addr,
            base_url,
            issuer_url,
            description,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// Lines to print at start-up: issuer URL, clients, and demo users with their passwords.
    pub fn describe(&self, base_url: &str) -> Result<Vec<String>, DevIssuerError> {
        Ok(self.describe_urls(&self.issuer_url(base_url)?))
    }

    fn describe_urls(&self, issuer_url: &Url) -> Vec<String> {
        let mut lines = vec![
            "Development OpenID Connect issuer, shaped like Amazon Cognito. LOCAL DEVELOPMENT ONLY: \
             the demo users' passwords are printed below."
                .to_owned(),
            format!("  issuer:    {issuer_url}"),
            format!("  discovery: {issuer_url}/.well-known/openid-configuration"),
        ];
        for client in &self.config.clients {
            let kind = if client.secret.is_some() {
                "confidential, secret as configured"
            } else {
                "public, no secret"
            };
            lines.push(format!("  client:    {} ({kind})", client.id));
            for uri in &client.redirect_uris {
                lines.push(format!("             callback URL: {uri}"));
            }
            for uri in &client.logout_uris {
                lines.push(format!("             sign-out URL: {uri}"));
            }
        }
        for user in &self.config.users {
            let groups = match user.groups.len() {
                0 => "no groups".to_owned(),
                1..=5 => format!("groups: {}", user.groups.join(", ")),
                n => format!("{n} groups: {}, …", user.groups[..3].join(", ")),
            };
            let password = if user.published {
                user.password.secret()
            } else {
                "(password as configured)"
            };
            lines.push(format!(
                "  user:      {} / {password}  ({groups})",
                user.username
            ));
        }
        lines
    }
}

fn is_loopback(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => ip.is_loopback(),
        IpAddr::V6(ip) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
    }
}

/// Configures a [`DevIssuer`].
#[must_use]
pub struct DevIssuerBuilder {
    pool_id: String,
    clients: Vec<DevClient>,
    users: Option<Vec<DevUser>>,
    key: Option<DevSigningKey>,
    clock: Option<Clock>,
    token_validity: Duration,
    allow_non_loopback: bool,
}

impl fmt::Debug for DevIssuerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DevIssuerBuilder")
            .field("pool_id", &self.pool_id)
            .field("clients", &self.clients)
            .field("users", &self.users)
            .field("key", &self.key)
            .field("token_validity", &self.token_validity)
            .field("allow_non_loopback", &self.allow_non_loopback)
            .finish_non_exhaustive()
    }
}

impl DevIssuerBuilder {
    /// The pool id, `<region>_<id>` as Cognito's (default [`DEFAULT_POOL_ID`]).
    pub fn pool_id(mut self, pool_id: impl Into<String>) -> Self {
        self.pool_id = pool_id.into();
        self
    }

    /// Add an app client.
    pub fn client(mut self, client: DevClient) -> Self {
        self.clients.push(client);
        self
    }

    /// The users, replacing the default [`DevUser::demo_users`].
    pub fn users(mut self, users: impl IntoIterator<Item = DevUser>) -> Self {
        self.users = Some(users.into_iter().collect());
        self
    }

    /// Add one user (to the demo users unless [`users`](Self::users) replaced them).
    pub fn user(mut self, user: DevUser) -> Self {
        self.users
            .get_or_insert_with(DevUser::demo_users)
            .push(user);
        self
    }

    /// Sign with this key instead of generating one at [`build`](Self::build).
    pub fn signing_key(mut self, key: DevSigningKey) -> Self {
        self.key = Some(key);
        self
    }

    /// Lifetime of id and access tokens (`expires_in`), 5 minutes to 1 day as in Cognito;
    /// default one hour. A short one exercises the relying party's refresh.
    pub fn token_validity(mut self, validity: Duration) -> Self {
        self.token_validity = validity;
        self
    }

    /// The clock (for tests: expiry of codes and tokens). Default: the system clock.
    pub fn clock(mut self, now: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Some(Arc::new(now));
        self
    }

    /// Allow serving on a non-loopback address or base URL. The issuer has demo users whose
    /// passwords are published: set this only on a machine nobody else can reach, for
    /// development.
    pub fn allow_non_loopback_for_development_only(mut self, allow: bool) -> Self {
        self.allow_non_loopback = allow;
        self
    }

    /// Check the configuration and generate the signing key (unless one was given).
    pub fn build(self) -> Result<DevIssuer, DevIssuerError> {
        check_pool_id(&self.pool_id)?;
        if self.clients.is_empty() {
            return Err(DevIssuerError::NoClient);
        }
        let mut ids = HashSet::new();
        for client in &self.clients {
            check_client(client)?;
            if !ids.insert(client.id.as_str()) {
                return Err(DevIssuerError::InvalidClient {
                    client_id: client.id.clone(),
                    problem: "configured twice",
                });
            }
        }
        let mut users = self.users.unwrap_or_else(DevUser::demo_users);
        if users.is_empty() {
            return Err(DevIssuerError::NoUser);
        }
        let mut names = HashSet::new();
        for user in &mut users {
            let problem = if !is_visible_ascii(&user.username) {
                Some("username must be non-empty visible ASCII")
            } else if user.password.secret().is_empty() {
                Some("password is empty")
            } else if !names.insert(user.username.clone()) {
                Some("configured twice")
            } else {
                None
            };
            if let Some(problem) = problem {
                return Err(DevIssuerError::InvalidUser {
                    username: user.username.clone(),
                    problem,
                });
            }
            if user.sub.is_none() {
                user.sub = Some(derived_sub(&self.pool_id, &user.username));
            }
        }
        let validity = self.token_validity.as_secs();
        if !(300..=86_400).contains(&validity) {
            return Err(DevIssuerError::InvalidTokenValidity(validity));
        }
        let key = match self.key {
            Some(key) => key,
            None => DevSigningKey::generate()?,
        };
        Ok(DevIssuer {
            config: Arc::new(Config {
                pool_id: self.pool_id,
                clients: self.clients,
                users,
                key,
                clock: self.clock.unwrap_or_else(|| Arc::new(SystemTime::now)),
                token_validity_secs: validity,
                allow_non_loopback: self.allow_non_loopback,
            }),
        })
    }
}

/// Cognito's pool id pattern `[\w-]+_[0-9a-zA-Z]+`, at most 55 characters.
fn check_pool_id(pool_id: &str) -> Result<(), DevIssuerError> {
    let valid = pool_id.len() <= 55
        && pool_id.rsplit_once('_').is_some_and(|(region, id)| {
            !region.is_empty()
                && region
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
                && !id.is_empty()
                && id.bytes().all(|b| b.is_ascii_alphanumeric())
        });
    if valid {
        Ok(())
    } else {
        Err(DevIssuerError::InvalidPoolId(pool_id.to_owned()))
    }
}

fn is_visible_ascii(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_graphic())
}

fn check_client(client: &DevClient) -> Result<(), DevIssuerError> {
    if !is_visible_ascii(&client.id) {
        return Err(DevIssuerError::InvalidClient {
            client_id: client.id.clone(),
            problem: "client id must be non-empty visible ASCII",
        });
    }
    if client
        .secret
        .as_ref()
        .is_some_and(|s| s.secret().is_empty())
    {
        return Err(DevIssuerError::InvalidClient {
            client_id: client.id.clone(),
            problem: "client secret is empty (use DevClient::public for no secret)",
        });
    }
    let uris = client
        .redirect_uris
        .iter()
        .map(|u| ("redirect URI", u))
        .chain(client.logout_uris.iter().map(|u| ("logout URI", u)));
    for (kind, uri) in uris {
        let problem = match Url::parse(uri) {
            Err(e) => Some(e.to_string()),
            Ok(url) if !matches!(url.scheme(), "http" | "https") => {
                Some("expected http:// or https://".to_owned())
            }
            Ok(url) if url.fragment().is_some() => Some("must not have a fragment".to_owned()),
            Ok(url) if url.host().is_none() => Some("has no host".to_owned()),
            Ok(_) => None,
        };
        if let Some(problem) = problem {
            return Err(DevIssuerError::InvalidClientUri {
                client_id: client.id.clone(),
                kind,
                uri: uri.clone(),
                problem,
            });
        }
    }
    Ok(())
}

/// A running issuer. Dropping it stops the server (gracefully, in the background); so does
/// [`shutdown`](Self::shutdown), which also waits.
#[must_use = "the issuer stops when this handle is dropped"]
#[derive(Debug)]
pub struct RunningIssuer {
    local_addr: SocketAddr,
    base_url: Url,
    issuer_url: Url,
    description: Vec<String>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl RunningIssuer {
    /// The issuer URL, `http://127.0.0.1:<port>/<pool id>`.
    pub fn issuer_url(&self) -> &Url {
        &self.issuer_url
    }

    /// The base URL, `http://127.0.0.1:<port>/`: the hosted UI's domain.
    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Lines to print at start-up: issuer URL, clients, and demo users with their passwords.
    pub fn describe(&self) -> &[String] {
        &self.description
    }

    /// Stop accepting connections, let open requests finish, and wait for the server to end.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            match task.await {
                Ok(Ok(())) => {}
                Ok(Err(error)) => {
                    tracing::warn!(target: "dev_issuer", %error, "development issuer ended with an error");
                }
                Err(error) => {
                    tracing::warn!(target: "dev_issuer", %error, "development issuer task failed");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_ids() {
        for ok in ["local_DevPool", "us-east-1_AbC123", "a_b_c1", "eu_x"] {
            assert!(check_pool_id(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "nounderscore",
            "_abc",
            "local_",
            "local_Dev-Pool",
            "a b_c",
            "x/y_z",
        ] {
            assert!(check_pool_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn loopback_addresses() {
        assert!(is_loopback("127.0.0.1".parse().expect("ip")));
        assert!(is_loopback("127.5.6.7".parse().expect("ip")));
        assert!(is_loopback("::1".parse().expect("ip")));
        assert!(is_loopback("::ffff:127.0.0.1".parse().expect("ip")));
        assert!(!is_loopback("0.0.0.0".parse().expect("ip")));
        assert!(!is_loopback("::".parse().expect("ip")));
        assert!(!is_loopback("192.168.1.10".parse().expect("ip")));
    }
}
