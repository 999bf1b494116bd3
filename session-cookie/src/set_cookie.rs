//! `Set-Cookie` values, byte-identical to next-auth's.
//!
//! Serialised by hand rather than with the `cookie` crate: that crate writes attributes in
//! another order (`HttpOnly; SameSite; Secure; Path; Max-Age; Expires`), while next-auth's
//! serializer (the npm `cookie` package) writes `Max-Age; Path; Expires; HttpOnly; Secure;
//! SameSite`, and the tests hold us to the exact bytes.

use std::borrow::Cow;
use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use time::OffsetDateTime;

/// What JavaScript's `encodeURIComponent` leaves alone: `A-Z a-z 0-9 - _ . ! ~ * ' ( )`.
const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// JavaScript's `encodeURIComponent(value)`: everything but `A-Z a-z 0-9 - _ . ! ~ * ' ( )`
/// percent-encoded as UTF-8. next-auth encodes cookie values with it, and its client and
/// server encode `callbackUrl` and error codes in URLs with it; borrowed when nothing needs
/// escaping.
///
/// ```
/// assert_eq!(session_cookie::encode_uri_component("/a b?x=1"), "%2Fa%20b%3Fx%3D1");
/// assert_eq!(session_cookie::encode_uri_component("it's~(ok)!"), "it's~(ok)!");
/// ```
pub fn encode_uri_component(value: &str) -> Cow<'_, str> {
    // Session tokens (JWEs) are base64url and dots: nothing to escape. A table lookup per byte
    // finds that out faster than the encoder's iterator, and the value is then borrowed as is.
    if value.bytes().all(|b| URI_UNRESERVED[usize::from(b)]) {
        return Cow::Borrowed(value);
    }
    utf8_percent_encode(value, URI_COMPONENT).into()
}

/// The bytes `encodeURIComponent` leaves alone, as a lookup table (the complement of
/// [`URI_COMPONENT`]; a test checks both agree on every byte).
const URI_UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')'
            );
        b += 1;
    }
    table
};

/// The `SameSite` attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SameSite {
    /// `SameSite=Lax`, next-auth's default for every cookie.
    Lax,
    /// `SameSite=Strict`.
    Strict,
    /// `SameSite=None` (Auth.js uses it for `response_mode=form_post`; requires `Secure`).
    None,
}

/// One `Set-Cookie` header value.
///
/// next-auth's cookies are all `HttpOnly; SameSite=Lax; Path=/`, `Secure` in secure mode, with no
/// `Domain`. `Display` gives the header value; `Debug` hides the cookie value.
///
/// ```
/// use session_cookie::SetCookie;
///
/// let cookie = SetCookie::new("next-auth.callback-url", "http://localhost:3000", false);
/// assert_eq!(
///     cookie.to_string(),
///     "next-auth.callback-url=http%3A%2F%2Flocalhost%3A3000; Path=/; HttpOnly; SameSite=Lax"
/// );
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SetCookie {
    name: Cow<'static, str>,
    value: String,
    max_age: Option<i64>,
    expires: Option<OffsetDateTime>,
    secure: bool,
    same_site: SameSite,
}

impl SetCookie {
    /// A cookie with next-auth's default attributes.
    pub fn new(name: impl Into<Cow<'static, str>>, value: impl Into<String>, secure: bool) -> Self {
        SetCookie {
            name: name.into(),
            value: value.into(),
            max_age: None,
            expires: None,
            secure,
            same_site: SameSite::Lax,
        }
    }

    /// The cookie that deletes `name`: empty value and `Max-Age=0`.
    pub fn clearing(name: impl Into<Cow<'static, str>>, secure: bool) -> Self {
        SetCookie::new(name, "", secure).with_max_age(0)
    }

    /// Add `Expires`.
    #[must_use]
    pub fn with_expires(mut self, expires: OffsetDateTime) -> Self {
        self.expires = Some(expires);
        self
    }

    /// Add `Max-Age`, in seconds.
    #[must_use]
    pub fn with_max_age(mut self, secs: i64) -> Self {
        self.max_age = Some(secs);
        self
    }

    /// Change `SameSite`.
    #[must_use]
    pub fn with_same_site(mut self, same_site: SameSite) -> Self {
        self.same_site = same_site;
        self
    }

    /// The cookie's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The cookie's value, before percent-encoding.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// `Max-Age`, if set.
    pub fn max_age(&self) -> Option<i64> {
        self.max_age
    }

    /// `Expires`, if set.
    pub fn expires(&self) -> Option<OffsetDateTime> {
        self.expires
    }

    /// Whether `Secure` is set.
    pub fn secure(&self) -> bool {
        self.secure
    }

    /// Whether this cookie deletes its name (`Max-Age=0`).
    pub fn is_removal(&self) -> bool {
        self.max_age == Some(0)
    }
}

/// `Date.prototype.toUTCString()`: `Thu, 01 Jan 2026 00:15:00 GMT`. Written field by field:
/// it runs for every session cookie, and `time`'s generic formatter allocates.
pub(crate) fn write_http_date(out: &mut impl fmt::Write, t: OffsetDateTime) -> fmt::Result {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let t = t.to_offset(time::UtcOffset::UTC);
    write!(
        out,
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        DAYS[usize::from(t.weekday().number_days_from_monday())],
        t.day(),
        MONTHS[usize::from(u8::from(t.month()) - 1)],
        t.year(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

impl SetCookie {
    /// The header value (what `Display` writes), in a string sized for it up front: this runs
    /// for every cookie of every response, and growing a `String` through `fmt` reallocates
    /// several times for a session token.
    pub fn to_header_string(&self) -> String {
        // Attributes are at most ~110 bytes; percent-encoding may triple non-token values.
        let mut out = String::with_capacity(self.name.len() + self.value.len() + 128);
        // Writing to a `String` cannot fail.
        let _ = self.write_to(&mut out);
        out
    }

    fn write_to(&self, out: &mut impl fmt::Write) -> fmt::Result {
        out.write_str(&self.name)?;
        out.write_char('=')?;
        out.write_str(&encode_uri_component(&self.value))?;
        if let Some(max_age) = self.max_age {
            write!(out, "; Max-Age={max_age}")?;
        }
        out.write_str("; Path=/")?;
        if let Some(expires) = self.expires {
            out.write_str("; Expires=")?;
            write_http_date(out, expires)?;
        }
        out.write_str("; HttpOnly")?;
        if self.secure {
            out.write_str("; Secure")?;
        }
        out.write_str(match self.same_site {
            SameSite::Lax => "; SameSite=Lax",
            SameSite::Strict => "; SameSite=Strict",
            SameSite::None => "; SameSite=None",
        })
    }
}

impl fmt::Display for SetCookie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_to(f)
    }
}

impl fmt::Debug for SetCookie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetCookie")
            .field("name", &self.name)
            .field(
                "value",
                &format_args!("[redacted; {} bytes]", self.value.len()),
            )
            .field("max_age", &self.max_age)
            .field("expires", &self.expires)
            .field("secure", &self.secure)
            .field("same_site", &self.same_site)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FixedClock;
    use crate::env::Clock;

    #[test]
    fn attribute_order_matches_the_cookie_package() {
        let t = FixedClock::at_unix(1_767_226_500).now();
        let c = SetCookie::new("__Secure-next-auth.state", "v", true)
            .with_max_age(900)
            .with_expires(t);
        assert_eq!(
            c.to_string(),
            "__Secure-next-auth.state=v; Max-Age=900; Path=/; Expires=Thu, 01 Jan 2026 00:15:00 GMT; HttpOnly; Secure; SameSite=Lax"
        );
        assert_eq!(
            SetCookie::clearing("next-auth.state", false).to_string(),
            "next-auth.state=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax"
        );
    }

    #[test]
    fn header_string_is_the_display_form() {
        let t = FixedClock::at_unix(1_767_226_500).now();
        for c in [
            SetCookie::new("next-auth.callback-url", "http://localhost:3000/a b", false),
            SetCookie::new("__Secure-next-auth.session-token", "e.y.J.h.b", true)
                .with_expires(t)
                .with_same_site(SameSite::None),
            SetCookie::clearing("next-auth.state", false),
        ] {
            assert_eq!(c.to_header_string(), c.to_string());
        }
    }

    #[test]
    fn encode_uri_component_like_javascript() {
        assert_eq!(
            encode_uri_component("a|b c/é~*'()!"),
            "a%7Cb%20c%2F%C3%A9~*'()!"
        );
    }

    #[test]
    fn http_dates_match_the_time_crate() {
        let format = time::macros::format_description!(
            "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
        );
        for secs in [0, 951_782_400, 1_767_226_500, 1_893_553_445, 4_102_444_799] {
            let t = FixedClock::at_unix(secs).now();
            let mut ours = String::new();
            write_http_date(&mut ours, t).unwrap();
            assert_eq!(ours, t.format(&format).unwrap());
        }
    }

    #[test]
    fn debug_hides_value() {
        let c = SetCookie::new("next-auth.session-token", "secret-token", false);
        assert!(!format!("{c:?}").contains("secret-token"));
    }
}
