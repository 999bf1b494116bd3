//! `get_token` for the app's own routes: who is calling, from the session cookie or a Bearer token.

use http::{HeaderMap, header};
use serde::de::DeserializeOwned;
use session_cookie::{RequestCookies, SessionClaims, bearer_token};

use crate::AuthHandler;
use crate::request::origin_from_parts;

impl AuthHandler {
    /// The claims of the request's session, like next-auth's `getToken()`: the session cookie
    /// (chunks reassembled), or else an `Authorization: Bearer <token>` header carrying the same
    /// JWE. `None` for no session or a bad one — never an error page; the reason goes to
    /// `tracing` at debug level.
    ///
    /// The cookie names are the ones the handler uses for the same request: the public URL's
    /// scheme, or without one (behind a trusted proxy) the request's `X-Forwarded-Proto`. An
    /// https request never reads a plain-named cookie.
    pub fn session_claims(&self, headers: &HeaderMap) -> Option<SessionClaims> {
        self.get_token(headers)
    }

    /// [`session_claims`](Self::session_claims) deserialized into your own type, straight from
    /// the decrypted JSON; `None` also when the claims do not have its shape.
    ///
    /// ```
    /// # use auth_core::{AuthConfig, AuthHandler};
    /// # use auth_core::session_cookie::{Secrets, WireFormat};
    /// #[derive(serde::Deserialize)]
    /// struct Session {
    ///     sub: String,
    ///     email: Option<String>,
    /// }
    ///
    /// # let auth = AuthHandler::new(AuthConfig::builder(WireFormat::NextAuthV4, Secrets::single("s").unwrap())
    /// #     .public_url("http://localhost:3000").unwrap().build().unwrap());
    /// let headers = http::HeaderMap::new();
    /// let session: Option<Session> = auth.get_token(&headers);
    /// assert!(session.is_none());
    /// ```
    pub fn get_token<T: DeserializeOwned>(&self, headers: &HeaderMap) -> Option<T> {
        let config = self.config();
        let now = config.clock.now();
        let cookies = RequestCookies::parse_all_bytes(
            headers
                .get_all(header::COOKIE)
                .iter()
                .map(http::HeaderValue::as_bytes),
        );
        // The names the handler uses for this request: with no public URL, the scheme comes from
        // the request (`X-Forwarded-Proto` behind a trusted proxy), never "either", or a
        // plain-named cookie planted over http would be read on an https site.
        let secure = match origin_from_parts(headers, None, config) {
            Ok((_, secure)) => secure,
            Err(_) => {
                tracing::debug!("request host unusable; no session");
                return None;
            }
        };
        let sessions = self.sessions();
        match sessions.read_as(&cookies, secure, now) {
            Ok(Some(session)) => return Some(session),
            Ok(None) => {}
            Err(e) => {
                tracing::debug!(reason = e.reason(), error = %e, "session cookie rejected");
                return None;
            }
        }
        if !config.bearer_sessions {
            return None;
        }
        let authorization = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
        let token = bearer_token(authorization).ok()?;
        sessions
            .decode_as(&token, secure, now)
            .map_err(|e| tracing::debug!(reason = e.reason(), error = %e, "bearer token rejected"))
            .ok()
    }
}
