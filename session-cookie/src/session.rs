//! The session of a request: which cookie holds it, which key opens it, which rules judge it.
//!
//! Every tier of the workspace reads sessions through one [`SessionReader`] — auth-core's
//! `/api/auth/session`, `get_token` and the axum extractors, the edge gate, the
//! `nextauth-cookie` CLI — so that one token gets one verdict everywhere. The reader owns the
//! rules that used to be repeated at each of them:
//!
//! * the cookie names of the request's scheme only: an https request never reads a plain-named
//!   cookie (anyone on the network or on a sibling domain can plant one), an http request
//!   never a `__Secure-` one;
//! * the chunks of the session cookie put together strictly ([`SessionCookie`]);
//! * with several wire formats (an edge that accepts v4 and v5), the first format whose cookie
//!   is present decides; a bad cookie is not "missing", so the next format is not tried;
//! * the token decoded by [`TokenCodec::decode_as`], the one decoder (strict JSON, time claims).
//!
//! Keys are derived once, when the reader is built, for both schemes of every format.

use std::fmt;

use serde::de::DeserializeOwned;
use time::OffsetDateTime;

use crate::{
    CookieNames, RandomSource, RequestCookies, Secrets, SessionClaims, SessionCookie,
    SessionCookieError, SetCookie, TokenCodec, WireFormat,
};

/// Reads, writes and clears the session cookie of requests.
///
/// ```
/// use session_cookie::{
///     FixedClock, OsRandom, RequestCookies, Secrets, SessionClaims, SessionReader, WireFormat,
/// };
///
/// #[derive(serde::Deserialize)]
/// struct User {
///     sub: String,
/// }
///
/// let reader = SessionReader::new(WireFormat::NextAuthV4, &Secrets::single("s3cret")?);
/// let now = FixedClock::at_unix(1_767_225_600).0;
/// let mut claims = SessionClaims::new();
/// claims.insert("sub", "user-1");
/// let token = reader.encode(&mut claims, true, now, &OsRandom)?;
///
/// // An https request: only the __Secure- name counts.
/// let header = format!("__Secure-next-auth.session-token={token}");
/// let cookies = RequestCookies::parse(&header);
/// let user: Option<User> = reader.read_as(&cookies, true, now)?;
/// assert_eq!(user.unwrap().sub, "user-1");
/// // The same cookie on an http request is no session at all.
/// assert!(reader.read_as::<User>(&cookies, false, now)?.is_none());
/// # Ok::<(), session_cookie::SessionCookieError>(())
/// ```
#[derive(Clone)]
pub struct SessionReader {
    /// The accepted formats, first first; the first is the one written.
    formats: Vec<Schemes>,
}

#[derive(Clone)]
struct Schemes {
    plain: Slot,
    secure: Slot,
}

#[derive(Clone)]
struct Slot {
    names: CookieNames,
    codec: TokenCodec,
}

impl Slot {
    fn new(format: WireFormat, secure: bool, secrets: &Secrets) -> Self {
        let names = CookieNames::new(format, secure);
        Slot {
            codec: TokenCodec::for_session(&names, secrets),
            names,
        }
    }
}

impl SessionReader {
    /// A reader (and writer) of `format`'s session cookie, with next-auth's default names.
    pub fn new(format: WireFormat, secrets: &Secrets) -> Self {
        SessionReader {
            formats: vec![Self::schemes(format, secrets)],
        }
    }

    fn schemes(format: WireFormat, secrets: &Secrets) -> Schemes {
        Schemes {
            plain: Slot::new(format, false, secrets),
            secure: Slot::new(format, true, secrets),
        }
    }

    /// A reader of several formats' session cookies, tried in the order given (an edge in
    /// front of a migration from v4 to v5; repeats are dropped), with an optional custom session
    /// cookie name (next-auth's `cookies.sessionToken.name`, used as is for both schemes and, in
    /// v5, as the HKDF salt). Writing uses the first format. `None` without any format.
    pub fn for_formats(
        formats: impl IntoIterator<Item = WireFormat>,
        secrets: &Secrets,
        session_cookie_name: Option<&str>,
    ) -> Option<Self> {
        let mut reader = SessionReader {
            formats: Vec::new(),
        };
        for format in formats {
            if reader.formats().any(|f| f == format) {
                continue;
            }
            let mut schemes = Self::schemes(format, secrets);
            if let Some(name) = session_cookie_name {
                for slot in [&mut schemes.plain, &mut schemes.secure] {
                    slot.names = slot.names.clone().with_session_token(name.to_owned());
                    slot.codec = TokenCodec::for_session(&slot.names, secrets);
                }
            }
            reader.formats.push(schemes);
        }
        (!reader.formats.is_empty()).then_some(reader)
    }

    /// The lifetime [`encode`](Self::encode) gives tokens (next-auth's `session.maxAge`).
    #[must_use]
    pub fn with_max_age(mut self, secs: i64) -> Self {
        for schemes in &mut self.formats {
            for slot in [&mut schemes.plain, &mut schemes.secure] {
                slot.codec = slot.codec.clone().with_max_age(secs);
            }
        }
        self
    }

    /// The accepted wire formats, in the order they are tried.
    pub fn formats(&self) -> impl Iterator<Item = WireFormat> + '_ {
        self.formats.iter().map(|s| s.plain.names.format())
    }

    fn slot(&self, index: usize, secure: bool) -> &Slot {
        let schemes = &self.formats[index];
        if secure {
            &schemes.secure
        } else {
            &schemes.plain
        }
    }

    /// The cookie names written for requests of this scheme.
    pub fn names(&self, secure: bool) -> &CookieNames {
        &self.slot(0, secure).names
    }

    /// The session token codec used for requests of this scheme.
    pub fn codec(&self, secure: bool) -> &TokenCodec {
        &self.slot(0, secure).codec
    }

    /// The session of a request, as `T`: `Ok(None)` without a session cookie, `Err` for one
    /// that does not decode or does not fit `T` (treat it as "no session"; the error is for
    /// logs). `secure`: whether the request is https (the public URL's scheme, or the request's
    /// own behind a trusted proxy).
    pub fn read_as<T: DeserializeOwned>(
        &self,
        cookies: &RequestCookies<'_>,
        secure: bool,
        now: OffsetDateTime,
    ) -> Result<Option<T>, SessionCookieError> {
        self.read_with(cookies, secure, |codec, token| codec.decode_as(token, now))
    }

    /// The first present format's token, decoded by `decode`.
    fn read_with<T>(
        &self,
        cookies: &RequestCookies<'_>,
        secure: bool,
        decode: impl FnOnce(&TokenCodec, &str) -> Result<T, SessionCookieError>,
    ) -> Result<Option<T>, SessionCookieError> {
        for index in 0..self.formats.len() {
            let slot = self.slot(index, secure);
            if let Some(token) = SessionCookie::from_request(cookies, &slot.names).token()? {
                return decode(&slot.codec, token).map(Some);
            }
        }
        Ok(None)
    }

    /// [`read_as`](Self::read_as) for [`SessionClaims`].
    pub fn read(
        &self,
        cookies: &RequestCookies<'_>,
        secure: bool,
        now: OffsetDateTime,
    ) -> Result<Option<SessionClaims>, SessionCookieError> {
        // `TokenCodec::decode`: the same rules as `read_as`, in one pass.
        self.read_with(cookies, secure, |codec, token| codec.decode(token, now))
    }

    /// A session token that came without a cookie (next-auth's `getToken` also reads
    /// `Authorization: Bearer <token>`), judged as the cookie of the first format would be.
    pub fn decode_as<T: DeserializeOwned>(
        &self,
        token: &str,
        secure: bool,
        now: OffsetDateTime,
    ) -> Result<T, SessionCookieError> {
        self.codec(secure).decode_as(token, now)
    }

    /// Stamp and encrypt `claims` as the session token of the first format (see
    /// [`TokenCodec::encode`]).
    pub fn encode(
        &self,
        claims: &mut SessionClaims,
        secure: bool,
        now: OffsetDateTime,
        rng: &dyn RandomSource,
    ) -> Result<String, SessionCookieError> {
        self.codec(secure).encode(claims, now, rng)
    }

    /// The `Set-Cookie` lines that store `token` as the session, replacing (and clearing the
    /// leftovers of) the session cookie the request carried.
    pub fn write(
        &self,
        cookies: &RequestCookies<'_>,
        secure: bool,
        token: &str,
        expires: OffsetDateTime,
    ) -> Vec<SetCookie> {
        SessionCookie::from_request(cookies, self.names(secure)).write(token, expires)
    }

    /// The `Set-Cookie` lines that clear every session cookie (and chunk) the request carried.
    pub fn clear(&self, cookies: &RequestCookies<'_>, secure: bool) -> Vec<SetCookie> {
        SessionCookie::from_request(cookies, self.names(secure)).clear()
    }
}

impl fmt::Debug for SessionReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Codecs hold derived keys: show what is read, not how.
        f.debug_struct("SessionReader")
            .field("formats", &self.formats().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FixedClock, OsRandom};

    const NOW: i64 = 1_767_225_600;

    fn now() -> OffsetDateTime {
        FixedClock::at_unix(NOW).0
    }

    fn cookie(format: WireFormat, secure: bool) -> String {
        let names = CookieNames::new(format, secure);
        let codec = TokenCodec::for_session(&names, &Secrets::single("s").unwrap());
        let mut claims = SessionClaims::new();
        claims.insert("sub", format!("{format:?}"));
        let token = codec.encode(&mut claims, now(), &OsRandom).unwrap();
        format!("{}={token}", names.session_token())
    }

    #[test]
    fn only_the_names_of_the_scheme_are_read() {
        let secrets = Secrets::single("s").unwrap();
        let reader = SessionReader::new(WireFormat::AuthJsV5, &secrets);
        for (cookie_secure, request_secure) in [(true, true), (true, false), (false, true)] {
            let header = cookie(WireFormat::AuthJsV5, cookie_secure);
            let cookies = RequestCookies::parse(&header);
            let read = reader.read(&cookies, request_secure, now()).unwrap();
            assert_eq!(
                read.is_some(),
                cookie_secure == request_secure,
                "cookie secure {cookie_secure}, request secure {request_secure}"
            );
        }
    }

    #[test]
    fn the_first_format_present_decides() {
        let secrets = Secrets::single("s").unwrap();
        let reader = SessionReader::for_formats(
            [
                WireFormat::NextAuthV4,
                WireFormat::AuthJsV5,
                WireFormat::NextAuthV4,
            ],
            &secrets,
            None,
        )
        .unwrap();
        assert_eq!(
            reader.formats().collect::<Vec<_>>(),
            [WireFormat::NextAuthV4, WireFormat::AuthJsV5]
        );
        let v5 = cookie(WireFormat::AuthJsV5, false);
        let only_v5 = RequestCookies::parse(&v5);
        let claims = reader.read(&only_v5, false, now()).unwrap().unwrap();
        assert_eq!(claims.get_str("sub"), Some("AuthJsV5"));
        // A bad v4 cookie is not "missing": the v5 one behind it is not tried.
        let header = format!("next-auth.session-token=garbage; {v5}");
        let both = RequestCookies::parse(&header);
        assert!(reader.read(&both, false, now()).is_err());
    }

    #[test]
    fn a_custom_session_cookie_name_is_read_and_salts_v5() {
        let secrets = Secrets::single("s").unwrap();
        let reader =
            SessionReader::for_formats([WireFormat::AuthJsV5], &secrets, Some("custom")).unwrap();
        assert_eq!(reader.names(true).session_token(), "custom");
        assert_eq!(reader.codec(false).salt(), "custom");
        let mut claims = SessionClaims::new();
        let token = reader.encode(&mut claims, false, now(), &OsRandom).unwrap();
        let header = format!("custom={token}");
        let cookies = RequestCookies::parse(&header);
        assert!(reader.read(&cookies, true, now()).unwrap().is_some());
        assert!(SessionReader::for_formats([], &secrets, None).is_none());
    }

    #[test]
    fn write_and_clear_replace_what_the_request_carried() {
        let secrets = Secrets::single("s").unwrap();
        let reader = SessionReader::new(WireFormat::NextAuthV4, &secrets).with_max_age(60);
        let cookies =
            RequestCookies::parse("next-auth.session-token.0=a; next-auth.session-token.1=b");
        let mut claims = SessionClaims::new();
        let token = reader.encode(&mut claims, false, now(), &OsRandom).unwrap();
        assert_eq!(claims.get("exp"), Some(&(NOW + 60).into()));
        let written: Vec<String> = reader
            .write(&cookies, false, &token, now())
            .iter()
            .map(|c| c.name().to_owned())
            .collect();
        assert_eq!(
            written,
            [
                "next-auth.session-token.0",
                "next-auth.session-token.1",
                "next-auth.session-token"
            ]
        );
        assert_eq!(reader.clear(&cookies, false).len(), 2);
        assert!(!format!("{reader:?}").contains("key"));
    }
}
