//! Reading the request's `Cookie` header the way next-auth's server side does.

use std::borrow::Cow;
use std::fmt;

use cookie::Cookie;

/// At most this many cookies are read from a request; the rest are ignored. Browsers send far
/// fewer (about 180 per site at most), and the bound keeps lookups cheap for hostile headers.
pub const MAX_REQUEST_COOKIES: usize = 256;

/// The cookies of one request, parsed from one or more `Cookie` headers.
///
/// Semantics of the npm `cookie` package's `parse`, which next-auth uses: pairs split on `;`,
/// names and values trimmed, a value in double quotes unquoted, the **first** occurrence of a
/// name wins, and a value containing `%` is passed through `decodeURIComponent` (kept as is when
/// that fails). Pairs without `=` or with an empty name are skipped.
///
/// HTTP/2 lets a client split cookies over several `Cookie` headers; pass all of them.
///
/// ```
/// use session_cookie::RequestCookies;
///
/// let cookies = RequestCookies::parse("a=1; b=%7C; a=2; junk; c=\"q\"");
/// assert_eq!(cookies.get("a"), Some("1"));
/// assert_eq!(cookies.get("b"), Some("|"));
/// assert_eq!(cookies.get("c"), Some("q"));
/// assert_eq!(cookies.len(), 3);
/// ```
#[derive(Clone, Default)]
pub struct RequestCookies<'a> {
    pairs: Vec<Pair<'a>>,
}

/// One cookie: its name, its value as the `cookie` package reads it, and whether that value
/// came in double quotes (which the session reader refuses, see
/// [`crate::ChunkProblem::Quoted`]).
#[derive(Clone)]
struct Pair<'a> {
    name: Cow<'a, str>,
    value: Cow<'a, str>,
    quoted: bool,
}

impl<'a> RequestCookies<'a> {
    /// Parse one `Cookie` header value.
    pub fn parse(header: &'a str) -> Self {
        Self::parse_all([header])
    }

    /// Parse several `Cookie` header values, in order.
    pub fn parse_all<I>(headers: I) -> Self
    where
        I: IntoIterator<Item = &'a str>,
    {
        let mut cookies = Self::default();
        for header in headers {
            if !cookies.extend_from(header) {
                break;
            }
        }
        cookies
    }

    /// Parse several `Cookie` header values given as raw bytes, as [`http::HeaderValue`]s hold
    /// them.
    ///
    /// A pair whose bytes are not UTF-8 (`pref=café` sent as Latin-1, or any byte ≥ 0x80 that
    /// does not form UTF-8) is skipped **on its own**; the other pairs of the header are still
    /// read. Dropping the whole header instead would let anyone who can set one such cookie on
    /// the site (a sibling subdomain) sign its users out for good. None of the cookies this
    /// crate reads ever holds such bytes: next-auth writes only base64url and percent-encoding.
    ///
    /// ```
    /// use session_cookie::RequestCookies;
    ///
    /// let header: &[u8] = b"pref=caf\xe9; next-auth.session-token=abc";
    /// let cookies = RequestCookies::parse_all_bytes([header]);
    /// assert_eq!(cookies.get("next-auth.session-token"), Some("abc"));
    /// assert_eq!(cookies.get("pref"), None);
    /// ```
    ///
    /// [`http::HeaderValue`]: https://docs.rs/http/latest/http/header/struct.HeaderValue.html
    pub fn parse_all_bytes<I>(headers: I) -> Self
    where
        I: IntoIterator<Item = &'a [u8]>,
    {
        let mut cookies = Self::default();
        for header in headers {
            // `;` is ASCII, so it never occurs inside a multi-byte UTF-8 sequence: splitting the
            // bytes first and validating each pair gives the same pairs as splitting the text.
            for pair in header.split(|&b| b == b';') {
                let Ok(pair) = std::str::from_utf8(pair) else {
                    continue;
                };
                if !cookies.extend_from(pair) {
                    return cookies;
                }
            }
        }
        cookies
    }

    /// Add the pairs of `header`; `false` once the bound is reached.
    fn extend_from(&mut self, header: &'a str) -> bool {
        for parsed in Cookie::split_parse(header) {
            if self.pairs.len() >= MAX_REQUEST_COOKIES {
                return false;
            }
            let Ok(cookie) = parsed else { continue };
            // `split_parse` borrows from the header, so these are slices of it.
            let (Some(name), Some(value)) = (cookie.name_raw(), cookie.value_raw()) else {
                continue;
            };
            self.push(name, value);
        }
        self.pairs.len() < MAX_REQUEST_COOKIES
    }

    fn push(&mut self, name: &'a str, value: &'a str) {
        if self.pairs.iter().any(|p| p.name == name) {
            return;
        }
        let unquoted = unquote(value);
        let quoted = unquoted.len() != value.len();
        let value = unquoted;
        let value = if value.contains('%') {
            decode_uri_component(value).unwrap_or(Cow::Borrowed(value))
        } else {
            Cow::Borrowed(value)
        };
        self.pairs.push(Pair {
            name: Cow::Borrowed(name),
            value,
            quoted,
        });
    }

    /// The value of the cookie `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.value.as_ref())
    }

    /// All `(name, value)` pairs in header order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs
            .iter()
            .map(|p| (p.name.as_ref(), p.value.as_ref()))
    }

    /// [`iter`](Self::iter) with, for each value, whether it came in double quotes.
    pub(crate) fn iter_quoted(&self) -> impl Iterator<Item = (&str, &str, bool)> {
        self.pairs
            .iter()
            .map(|p| (p.name.as_ref(), p.value.as_ref(), p.quoted))
    }

    /// How many distinct cookies there are.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

impl fmt::Debug for RequestCookies<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Names only: values are session tokens and CSRF secrets.
        f.debug_struct("RequestCookies")
            .field(
                "names",
                &self.pairs.iter().map(|p| &p.name).collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// The npm `cookie` package strips one pair of surrounding double quotes.
fn unquote(value: &str) -> &str {
    if value.len() >= 2 && value.starts_with('"') && value.ends_with('"') {
        &value[1..value.len() - 1]
    } else {
        value
    }
}

/// JavaScript's `decodeURIComponent`: `None` where it would throw (a `%` not followed by two hex
/// digits, or bytes that are not UTF-8).
pub(crate) fn decode_uri_component(text: &str) -> Option<Cow<'_, str>> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(offset) = bytes[i..].iter().position(|&b| b == b'%') {
        let at = i + offset;
        let hex = bytes.get(at + 1..at + 3)?;
        if !hex.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        i = at + 3;
    }
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_uri_component_throws_like_javascript() {
        assert_eq!(decode_uri_component("a%7Cb").as_deref(), Some("a|b"));
        assert_eq!(decode_uri_component("%E0%A4%A"), None);
        assert_eq!(decode_uri_component("a%20%zz"), None);
        assert_eq!(decode_uri_component("%FF"), None, "not UTF-8");
        assert_eq!(decode_uri_component("%"), None);
    }

    #[test]
    fn malformed_percent_is_kept_raw() {
        let c = RequestCookies::parse("x=%zz%20");
        assert_eq!(c.get("x"), Some("%zz%20"));
    }

    #[test]
    fn several_headers_first_wins() {
        let c = RequestCookies::parse_all(["a=1; b=2", "a=3; c=4"]);
        assert_eq!(
            (c.get("a"), c.get("b"), c.get("c")),
            (Some("1"), Some("2"), Some("4"))
        );
    }

    #[test]
    fn a_pair_that_is_not_utf8_is_skipped_alone() {
        let c = RequestCookies::parse_all_bytes([
            &b"a=1; pref=caf\xe9; b=\xff\xfe; c=caf\xc3\xa9"[..],
            &b"\x80=x; d=4"[..],
        ]);
        assert_eq!(
            c.iter().collect::<Vec<_>>(),
            [("a", "1"), ("c", "caf\u{e9}"), ("d", "4")]
        );
    }

    #[test]
    fn bytes_and_text_parse_alike() {
        for header in ["a=1; b=%7C; a=2; junk; c=\"q\"", " ; =x; y=; z = 3 ;", ""] {
            let text = RequestCookies::parse(header);
            let bytes = RequestCookies::parse_all_bytes([header.as_bytes()]);
            assert_eq!(
                text.iter().collect::<Vec<_>>(),
                bytes.iter().collect::<Vec<_>>(),
                "{header:?}"
            );
        }
    }

    #[test]
    fn bounded() {
        let header: String = (0..1000).map(|i| format!("c{i}=v; ")).collect();
        assert_eq!(RequestCookies::parse(&header).len(), MAX_REQUEST_COOKIES);
        assert_eq!(
            RequestCookies::parse_all_bytes([header.as_bytes()]).len(),
            MAX_REQUEST_COOKIES
        );
    }

    #[test]
    fn debug_hides_values() {
        let c = RequestCookies::parse("next-auth.session-token=very-secret");
        assert!(!format!("{c:?}").contains("very-secret"));
    }
}
