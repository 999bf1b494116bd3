//! Configuration: secrets, public URL, base path, cookies, providers and callbacks.

use std::fmt;
use std::sync::Arc;

use session_cookie::{
    Clock, PublicOrigin, RandomSource, Secrets, SystemClock, WireFormat, parse_flag,
};
use url::Url;

use crate::callbacks::{Callbacks, DefaultCallbacks, Events, NoEvents};
use crate::provider::Provider;
use crate::{AuthError, DEFAULT_BASE_PATH};

/// The longest session lifetime a configuration accepts: 10 years, in seconds.
///
/// Every instant the handler computes from it (`exp`, a cookie's `Expires`) then stays far inside
/// what the date types and the cookie format can hold, so no request can overflow; a larger
/// value is a configuration mistake, reported when the configuration is built. Browsers keep a
/// cookie at most 400 days anyway.
pub const MAX_SESSION_MAX_AGE_SECS: i64 = 10 * 366 * 24 * 60 * 60;

/// Largest request body the handler reads (forms and JSON from `next-auth/react` are tiny).
pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024;

/// The public origin of a configured URL, when it has one (`http(s)` with a host).
fn origin_of(url: &Url) -> Option<PublicOrigin> {
    match url.scheme() {
        "http" | "https" if url.host_str().is_some() => {
            PublicOrigin::parse(&url.origin().ascii_serialization()).ok()
        }
        _ => None,
    }
}

/// Where next-auth's own pages live, when the app brings its own (`pages` option).
#[derive(Debug, Clone, Default)]
pub struct Pages {
    /// Custom sign-in page; `GET /signin` redirects there with `callbackUrl` (and `error`).
    pub sign_in: Option<String>,
    /// Custom sign-out page; `GET /signout` redirects there.
    pub sign_out: Option<String>,
    /// Custom error page; `GET /error` redirects there with `error`.
    pub error: Option<String>,
}

/// Everything the handler needs to know. Build it with [`AuthConfig::builder`] or
/// [`AuthConfig::from_env`].
#[derive(Clone)]
pub struct AuthConfig {
    pub(crate) format: WireFormat,
    pub(crate) secrets: Secrets,
    pub(crate) public_origin: Option<PublicOrigin>,
    pub(crate) base_path: String,
    pub(crate) session_max_age: i64,
    pub(crate) trust_forwarded_headers: bool,
    pub(crate) bearer_sessions: bool,
    pub(crate) providers: Vec<Arc<dyn Provider>>,
    pub(crate) callbacks: Arc<dyn Callbacks>,
    pub(crate) events: Arc<dyn Events>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) rng: Arc<dyn RandomSource>,
    pub(crate) pages: Pages,
    pub(crate) max_body_bytes: usize,
}

impl fmt::Debug for AuthConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthConfig")
            .field("format", &self.format)
            .field("secrets", &self.secrets)
            .field("public_origin", &self.public_origin)
            .field("base_path", &self.base_path)
            .field("session_max_age", &self.session_max_age)
            .field("trust_forwarded_headers", &self.trust_forwarded_headers)
            .field("bearer_sessions", &self.bearer_sessions)
            .field(
                "providers",
                &self.providers.iter().map(|p| p.id()).collect::<Vec<_>>(),
            )
            .field("pages", &self.pages)
            .finish_non_exhaustive()
    }
}

impl AuthConfig {
    /// Start a configuration for `format` with `secrets` (newest first).
    pub fn builder(format: WireFormat, secrets: Secrets) -> AuthConfigBuilder {
        AuthConfigBuilder {
            format,
            secrets,
            public_url: None,
            base_path: None,
            session_max_age: session_cookie::DEFAULT_MAX_AGE_SECS,
            trust_forwarded_headers: false,
            bearer_sessions: true,
            providers: Vec::new(),
            callbacks: Arc::new(DefaultCallbacks),
            events: Arc::new(NoEvents),
            clock: Arc::new(SystemClock),
            rng: default_rng(),
            pages: Pages::default(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }

    /// Read the variables next-auth reads from the process environment; add providers and
    /// callbacks to the returned builder.
    ///
    /// | Variable | Meaning |
    /// |---|---|
    /// | `NEXTAUTH_SECRET` or `AUTH_SECRET` | the secret (required) |
    /// | `AUTH_SECRET_1`, `AUTH_SECRET_2`, `AUTH_SECRET_3` | older secrets still accepted for decoding (rotation) |
    /// | `NEXTAUTH_URL` or `AUTH_URL` | the public URL; its path, if not `/`, is the base path. Required unless `AUTH_TRUST_HOST` is set. |
    /// | `AUTH_TRUST_HOST` | `true`/`1`: take the origin from `X-Forwarded-Host`/`X-Forwarded-Proto` (or `Host`) |
    /// | `NEXTAUTH_WIRE_FORMAT` | `v4` (default) or `v5` |
    /// | `NEXTAUTH_SESSION_MAX_AGE` | session lifetime in seconds (default 30 days) |
    ///
    /// Errors name the missing or malformed variable, never its value.
    pub fn from_env() -> Result<AuthConfigBuilder, AuthError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) with variables from `lookup` (tests, other sources).
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<AuthConfigBuilder, AuthError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());

        let format = match get("NEXTAUTH_WIRE_FORMAT") {
            None => WireFormat::NextAuthV4,
            Some(name) => {
                name.trim()
                    .parse()
                    .map_err(|e: session_cookie::SessionCookieError| {
                        AuthError::MalformedVariable {
                            variable: "NEXTAUTH_WIRE_FORMAT",
                            problem: e.to_string(),
                        }
                    })?
            }
        };

        let (secret_var, secret) = match (get("NEXTAUTH_SECRET"), get("AUTH_SECRET")) {
            (Some(s), _) => ("NEXTAUTH_SECRET", s),
            (None, Some(s)) => ("AUTH_SECRET", s),
            (None, None) => {
                return Err(AuthError::MissingVariable {
                    variable: "NEXTAUTH_SECRET",
                    hint: "set it (or AUTH_SECRET) to the same secret as the Next.js app, e.g. `openssl rand -base64 32`",
                });
            }
        };
        let mut secrets = vec![secret];
        for older in ["AUTH_SECRET_1", "AUTH_SECRET_2", "AUTH_SECRET_3"] {
            secrets.extend(get(older));
        }
        let secrets = Secrets::new(secrets).map_err(|e| AuthError::MalformedVariable {
            variable: secret_var,
            problem: e.to_string(),
        })?;

        let trust_host = match get("AUTH_TRUST_HOST").as_deref().map(parse_flag) {
            None => false,
            Some(Some(flag)) => flag,
            Some(None) => {
                return Err(AuthError::MalformedVariable {
                    variable: "AUTH_TRUST_HOST",
                    problem: "expected true or false".into(),
                });
            }
        };

        let mut builder = AuthConfig::builder(format, secrets).trust_forwarded_headers(trust_host);
        match (get("NEXTAUTH_URL"), get("AUTH_URL")) {
            (Some(url), _) => builder = builder.public_url_for("NEXTAUTH_URL", &url)?,
            (None, Some(url)) => builder = builder.public_url_for("AUTH_URL", &url)?,
            (None, None) if trust_host => {}
            (None, None) => {
                return Err(AuthError::MissingVariable {
                    variable: "NEXTAUTH_URL",
                    hint: "set it (or AUTH_URL) to the public URL the browser uses, e.g. https://app.example.com, or set AUTH_TRUST_HOST=true behind a trusted proxy",
                });
            }
        }

        if let Some(max_age) = get("NEXTAUTH_SESSION_MAX_AGE") {
            let secs = max_age
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|s| (1..=MAX_SESSION_MAX_AGE_SECS).contains(s))
                .ok_or(AuthError::MalformedVariable {
                    variable: "NEXTAUTH_SESSION_MAX_AGE",
                    problem: format!(
                        "expected a number of seconds from 1 to {MAX_SESSION_MAX_AGE_SECS} (10 years)"
                    ),
                })?;
            builder = builder.session_max_age(secs);
        }
        Ok(builder)
    }

    /// The largest request body the handler reads (`413` above it).
    pub fn max_body_bytes(&self) -> usize {
        self.max_body_bytes
    }

    /// The wire format.
    pub fn format(&self) -> WireFormat {
        self.format
    }

    /// The configured public origin, if any.
    pub fn public_origin(&self) -> Option<&PublicOrigin> {
        self.public_origin.as_ref()
    }

    /// The base path, e.g. `/api/auth`.
    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    /// Session lifetime in seconds.
    pub fn session_max_age(&self) -> i64 {
        self.session_max_age
    }
}

/// A thread-local CSPRNG seeded from the OS: one system call per reseed instead of three per
/// session read (IV, `jti`, CSRF token), which cost a session read 16 % more with `OsRandom`
/// (`cargo bench -p auth-core --bench session_read`). See [`AuthConfigBuilder::random`] for
/// when to choose `OsRandom`.
fn default_rng() -> Arc<dyn RandomSource> {
    Arc::new(session_cookie::ThreadRandom)
}

/// Builds an [`AuthConfig`].
#[must_use]
pub struct AuthConfigBuilder {
    format: WireFormat,
    secrets: Secrets,
    public_url: Option<Url>,
    base_path: Option<String>,
    session_max_age: i64,
    trust_forwarded_headers: bool,
    bearer_sessions: bool,
    providers: Vec<Arc<dyn Provider>>,
    callbacks: Arc<dyn Callbacks>,
    events: Arc<dyn Events>,
    clock: Arc<dyn Clock>,
    rng: Arc<dyn RandomSource>,
    pages: Pages,
    max_body_bytes: usize,
}

impl fmt::Debug for AuthConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthConfigBuilder")
            .field("format", &self.format)
            .field("public_url", &self.public_url.as_ref().map(Url::as_str))
            .finish_non_exhaustive()
    }
}

impl AuthConfigBuilder {
    /// The public URL of the app, as `NEXTAUTH_URL`: `https://app.example.com` or with a base
    /// path, `https://app.example.com/custom/auth`. A value without a scheme gets `https://`, as in
    /// next-auth. Its scheme decides secure cookies.
    pub fn public_url(self, url: &str) -> Result<Self, AuthError> {
        self.public_url_for("NEXTAUTH_URL", url)
    }

    fn public_url_for(mut self, variable: &'static str, url: &str) -> Result<Self, AuthError> {
        let url = url.trim();
        let with_scheme = if url.contains("://") {
            url.to_owned()
        } else {
            format!("https://{url}")
        };
        let parsed = Url::parse(&with_scheme).map_err(|e| AuthError::MalformedVariable {
            variable,
            problem: format!("not a URL ({e})"),
        })?;
        if origin_of(&parsed).is_none() {
            return Err(AuthError::MalformedVariable {
                variable,
                problem: "expected an http:// or https:// URL with a host".into(),
            });
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(AuthError::MalformedVariable {
                variable,
                problem: "must not contain a query or fragment".into(),
            });
        }
        self.public_url = Some(parsed);
        Ok(self)
    }

    /// The path the handler is mounted at. Default: the public URL's path, or `/api/auth`.
    pub fn base_path(mut self, path: impl Into<String>) -> Self {
        self.base_path = Some(path.into());
        self
    }

    /// Session lifetime in seconds (next-auth's `session.maxAge`; also the JWT's). Default 30 days;
    /// [`build`](Self::build) refuses values outside `1..=`[`MAX_SESSION_MAX_AGE_SECS`].
    pub fn session_max_age(mut self, secs: i64) -> Self {
        self.session_max_age = secs;
        self
    }

    /// Take the origin from `X-Forwarded-Host` / `X-Forwarded-Proto` when no public URL is set.
    /// Only enable this behind a proxy that sets (and overwrites) these headers.
    pub fn trust_forwarded_headers(mut self, trust: bool) -> Self {
        self.trust_forwarded_headers = trust;
        self
    }

    /// Whether [`AuthHandler::get_token`](crate::AuthHandler::get_token) (and the axum
    /// `Session` extractors) also read a session token sent as `Authorization: Bearer <token>`
    /// when the request has no session cookie, as next-auth's `getToken` does. Default: yes.
    /// Turn it off in a service whose Bearer tokens are something else (Cognito's, read with
    /// `cognito_provider::CognitoBearer`), so that the two are never confused.
    pub fn bearer_sessions(mut self, accept: bool) -> Self {
        self.bearer_sessions = accept;
        self
    }

    /// Add a sign-in provider.
    pub fn provider(mut self, provider: impl Provider) -> Self {
        self.providers.push(Arc::new(provider));
        self
    }

    /// Add a shared sign-in provider.
    pub fn provider_arc(mut self, provider: Arc<dyn Provider>) -> Self {
        self.providers.push(provider);
        self
    }

    /// The application's callbacks (default: next-auth's defaults).
    pub fn callbacks(mut self, callbacks: impl Callbacks) -> Self {
        self.callbacks = Arc::new(callbacks);
        self
    }

    /// Event hooks (sign-in, sign-out).
    pub fn events(mut self, events: impl Events) -> Self {
        self.events = Arc::new(events);
        self
    }

    /// The clock (tests freeze it).
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The random source (tests make it deterministic).
    ///
    /// The default is [`ThreadRandom`](session_cookie::ThreadRandom), a thread-local CSPRNG
    /// seeded from the operating system. A process that forks after handling requests, or that
    /// is restored from a memory snapshot, should pass
    /// [`OsRandom`](session_cookie::OsRandom) instead: `ThreadRandom` does not notice either.
    pub fn random(mut self, rng: impl RandomSource + 'static) -> Self {
        self.rng = Arc::new(rng);
        self
    }

    /// Custom pages (next-auth's `pages` option).
    pub fn pages(mut self, pages: Pages) -> Self {
        self.pages = pages;
        self
    }

    /// Largest request body read (default [`DEFAULT_MAX_BODY_BYTES`]).
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// Check and freeze the configuration.
    pub fn build(self) -> Result<AuthConfig, AuthError> {
        let public_origin = self.public_url.as_ref().and_then(origin_of);
        let base_path = match (&self.base_path, &self.public_url) {
            (Some(path), _) => path.clone(),
            (None, Some(url)) if url.path() != "/" => url.path().to_owned(),
            _ => DEFAULT_BASE_PATH.to_owned(),
        };
        let base_path = base_path.trim_end_matches('/').to_owned();
        if !base_path.starts_with('/') || base_path.contains(['?', '#']) {
            return Err(AuthError::BasePath { path: base_path });
        }
        if public_origin.is_none() && !self.trust_forwarded_headers {
            return Err(AuthError::NoPublicOrigin);
        }
        if !(1..=MAX_SESSION_MAX_AGE_SECS).contains(&self.session_max_age) {
            return Err(AuthError::SessionMaxAge {
                secs: self.session_max_age,
            });
        }
        let mut ids = std::collections::HashSet::new();
        for provider in &self.providers {
            let id = provider.id();
            if id.is_empty()
                || !id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return Err(AuthError::ProviderId { id: id.to_owned() });
            }
            if !ids.insert(id.to_owned()) {
                return Err(AuthError::DuplicateProviderId { id: id.to_owned() });
            }
        }
        Ok(AuthConfig {
            format: self.format,
            secrets: self.secrets,
            public_origin,
            base_path,
            session_max_age: self.session_max_age,
            trust_forwarded_headers: self.trust_forwarded_headers,
            bearer_sessions: self.bearer_sessions,
            providers: self.providers,
            callbacks: self.callbacks,
            events: self.events,
            clock: self.clock,
            rng: self.rng,
            pages: self.pages,
            max_body_bytes: self.max_body_bytes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> Result<AuthConfig, AuthError> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        AuthConfig::from_lookup(|name| {
            vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })?
        .build()
    }

    #[test]
    fn missing_and_malformed_variables_are_named() {
        let err = env(&[("NEXTAUTH_URL", "http://localhost:3000")]).unwrap_err();
        assert!(
            err.to_string().starts_with("NEXTAUTH_SECRET is not set"),
            "{err}"
        );
        let err = env(&[("NEXTAUTH_SECRET", "s")]).unwrap_err();
        assert!(
            err.to_string().starts_with("NEXTAUTH_URL is not set"),
            "{err}"
        );
        let err = env(&[("NEXTAUTH_SECRET", "s"), ("NEXTAUTH_URL", "ftp://x")]).unwrap_err();
        assert!(
            err.to_string().starts_with("NEXTAUTH_URL is malformed"),
            "{err}"
        );
        let err = env(&[
            ("NEXTAUTH_SECRET", "s"),
            ("NEXTAUTH_URL", "http://x"),
            ("NEXTAUTH_WIRE_FORMAT", "v6"),
        ])
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("NEXTAUTH_WIRE_FORMAT is malformed"),
            "{err}"
        );
        let err = env(&[
            ("AUTH_SECRET", "s"),
            ("AUTH_URL", "http://x"),
            ("NEXTAUTH_SESSION_MAX_AGE", "soon"),
        ])
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("NEXTAUTH_SESSION_MAX_AGE is malformed"),
            "{err}"
        );
    }

    #[test]
    fn secrets_never_appear_in_errors_or_debug() {
        let config = env(&[
            ("NEXTAUTH_SECRET", "super-secret-value"),
            ("NEXTAUTH_URL", "http://localhost:3000"),
        ])
        .unwrap();
        assert!(!format!("{config:?}").contains("super-secret-value"));
        let err = env(&[
            ("NEXTAUTH_SECRET", "super-secret-value"),
            ("NEXTAUTH_URL", "::bad::"),
        ])
        .unwrap_err();
        assert!(!err.to_string().contains("super-secret-value"));
    }

    #[test]
    fn url_rules_follow_next_auth() {
        let c = env(&[
            ("NEXTAUTH_SECRET", "s"),
            ("NEXTAUTH_URL", "app.example.com"),
        ])
        .unwrap();
        assert_eq!(
            c.public_origin().unwrap().as_str(),
            "https://app.example.com"
        );
        assert!(c.public_origin().unwrap().is_secure());
        assert_eq!(c.base_path(), "/api/auth");

        let c = env(&[
            ("NEXTAUTH_SECRET", "s"),
            ("NEXTAUTH_URL", "http://localhost:3000/custom/auth/"),
        ])
        .unwrap();
        assert_eq!(c.public_origin().unwrap().as_str(), "http://localhost:3000");
        assert_eq!(c.base_path(), "/custom/auth");

        let c = env(&[
            ("AUTH_SECRET", "s"),
            ("AUTH_TRUST_HOST", "true"),
            ("NEXTAUTH_WIRE_FORMAT", "v5"),
        ])
        .unwrap();
        assert!(c.public_origin().is_none());
        assert_eq!(c.format(), WireFormat::AuthJsV5);
    }

    #[test]
    fn rotation_secrets_are_read() {
        let c = env(&[
            ("NEXTAUTH_SECRET", "new"),
            ("AUTH_SECRET_1", "old"),
            ("NEXTAUTH_URL", "http://localhost:3000"),
        ])
        .unwrap();
        assert_eq!(c.secrets.len(), 2);
    }
}
