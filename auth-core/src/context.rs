//! What an action works with: the request's context and the cookie machinery of its scheme.
//!
//! A module of its own so that the handler (which builds a [`Ctx`]) and the actions (which read
//! it) both depend on it, not on each other.

use std::sync::Arc;

use session_cookie::{
    CookieNames, CsrfOutcome, CsrfProtection, OAuthChecks, SessionReader, WireFormat,
};
use time::OffsetDateTime;

use crate::config::AuthConfig;
use crate::error::Failure;
use crate::provider::Provider;
use crate::request::Incoming;
use crate::response::Reply;

/// Everything cookie-related for one security mode, built once.
#[derive(Debug)]
pub(crate) struct CookieSuite {
    pub(crate) names: CookieNames,
    pub(crate) csrf: CsrfProtection,
    pub(crate) checks: OAuthChecks,
}

impl CookieSuite {
    pub(crate) fn new(config: &AuthConfig, secure: bool) -> Self {
        let names = CookieNames::new(config.format, secure);
        CookieSuite {
            csrf: CsrfProtection::new(&names, &config.secrets),
            checks: OAuthChecks::new(&names, &config.secrets),
            names,
        }
    }
}

/// What one request's action sees.
pub(crate) struct Ctx<'a> {
    pub(crate) config: &'a AuthConfig,
    pub(crate) suite: &'a CookieSuite,
    pub(crate) sessions: &'a SessionReader,
    /// Whether this request is https: it picks the cookie names.
    pub(crate) secure: bool,
    pub(crate) req: &'a Incoming<'a>,
    pub(crate) now: OffsetDateTime,
    /// `scheme://host[:port]` of the app.
    pub(crate) origin: String,
    /// Origin + base path, e.g. `http://localhost:3000/api/auth`.
    pub(crate) base_url: String,
    pub(crate) provider_id: Option<&'a str>,
    pub(crate) csrf: CsrfOutcome,
    /// The validated callback URL (from the body, the query or the callback-url cookie).
    pub(crate) callback_url: String,
}

impl Ctx<'_> {
    pub(crate) fn format(&self) -> WireFormat {
        self.config.format
    }

    pub(crate) fn provider(&self) -> Option<&Arc<dyn Provider>> {
        let id = self.provider_id?;
        self.config.providers.iter().find(|p| p.id() == id)
    }

    pub(crate) fn fail(&self, failure: Failure) -> Reply {
        Reply::error_redirect(failure.redirect_url(self.format(), &self.base_url))
    }
}
