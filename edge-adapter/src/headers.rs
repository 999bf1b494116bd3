//! CloudFront's header map: lower-cased name → list of `{key, value}` pairs, and the headers
//! Lambda@Edge forbids a function to add or change.

use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One header line: `key` is the name as the client spelled it (`User-Agent`), `value` its value.
///
/// CloudFront always sends `key`; a function may leave it out and CloudFront then fills in the
/// name in `Title-Case`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderValue {
    /// The header's name as written on the wire, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The header's value.
    pub value: String,
}

impl HeaderValue {
    /// A header line with an explicit wire name.
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        HeaderValue {
            key: Some(key.into()),
            value: value.into(),
        }
    }
}

/// The headers of a CloudFront request or response record.
///
/// On the wire a JSON object whose members are the **lower-cased** header names, each holding the
/// list of lines with that name in the order received:
///
/// ```json
/// {"cookie": [{"key": "Cookie", "value": "a=1"}, {"key": "Cookie", "value": "b=2"}]}
/// ```
///
/// Members keep their order through a round trip. Names are lower-cased when read, so lookups are
/// case-insensitive. `Debug` redacts the values of credential-carrying headers (`cookie`,
/// `set-cookie`, `authorization`, `proxy-authorization`).
///
/// ```
/// use edge_adapter::Headers;
///
/// let mut headers = Headers::new();
/// headers.append("Cookie", "a=1");
/// headers.append("cookie", "b=2");
/// assert_eq!(headers.values("COOKIE").collect::<Vec<_>>(), ["a=1", "b=2"]);
/// headers.set("X-Forwarded-Host", "www.example.com");
/// assert_eq!(headers.first("x-forwarded-host"), Some("www.example.com"));
/// assert!(!format!("{headers:?}").contains("a=1"));
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Headers(Vec<(String, Vec<HeaderValue>)>);

impl Headers {
    /// No headers.
    pub fn new() -> Self {
        Headers(Vec::new())
    }

    /// The lines named `name` (any case), if there are any.
    pub fn get(&self, name: &str) -> Option<&[HeaderValue]> {
        self.position(name).map(|i| self.0[i].1.as_slice())
    }

    /// The values of the lines named `name`, in order.
    pub fn values<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a str> + use<'a> {
        self.get(name)
            .unwrap_or_default()
            .iter()
            .map(|h| h.value.as_str())
    }

    /// The value of the first line named `name`.
    pub fn first(&self, name: &str) -> Option<&str> {
        self.values(name).next()
    }

    /// Whether a line named `name` is present.
    pub fn contains(&self, name: &str) -> bool {
        self.position(name).is_some()
    }

    /// Replace every line named `name` with one line `name: value`. The wire name is `name` in
    /// `Title-Case` (`x-forwarded-host` → `X-Forwarded-Host`), as CloudFront would fill it in.
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        let entry = vec![HeaderValue::new(title_case(name), value)];
        match self.position(name) {
            Some(i) => self.0[i].1 = entry,
            None => self.0.push((name.to_ascii_lowercase(), entry)),
        }
    }

    /// Add a line `name: value` after any existing lines of that name.
    pub fn append(&mut self, name: &str, value: impl Into<String>) {
        let line = HeaderValue::new(title_case(name), value);
        match self.position(name) {
            Some(i) => self.0[i].1.push(line),
            None => self.0.push((name.to_ascii_lowercase(), vec![line])),
        }
    }

    /// Remove every line named `name`; returns them.
    pub fn remove(&mut self, name: &str) -> Option<Vec<HeaderValue>> {
        self.position(name).map(|i| self.0.remove(i).1)
    }

    /// Keep only the headers for whose lower-cased name `keep` returns `true`.
    pub fn retain(&mut self, mut keep: impl FnMut(&str) -> bool) {
        self.0.retain(|(name, _)| keep(name));
    }

    /// `(lower-cased name, lines)` in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[HeaderValue])> {
        self.0.iter().map(|(n, v)| (n.as_str(), v.as_slice()))
    }

    /// How many distinct header names there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.0
            .iter()
            .position(|(n, _)| n.eq_ignore_ascii_case(name))
    }
}

/// `x-forwarded-host` → `X-Forwarded-Host`.
fn title_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = true;
    for c in name.chars() {
        out.push(if upper {
            c.to_ascii_uppercase()
        } else {
            c.to_ascii_lowercase()
        });
        upper = c == '-';
    }
    out
}

/// Headers whose values are credentials: redacted in `Debug`.
const SENSITIVE: [&str; 4] = [
    "cookie",
    "set-cookie",
    "authorization",
    "proxy-authorization",
];

impl fmt::Debug for Headers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, lines) in &self.0 {
            if SENSITIVE.contains(&name.as_str()) {
                map.entry(name, &format_args!("[redacted; {} line(s)]", lines.len()));
            } else {
                map.entry(name, lines);
            }
        }
        map.finish()
    }
}

impl Serialize for Headers {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, lines) in &self.0 {
            map.serialize_entry(name, lines)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Headers {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct HeadersVisitor;

        impl<'de> Visitor<'de> for HeadersVisitor {
            type Value = Headers;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of lower-cased header names to lists of {key, value}")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Headers, A::Error> {
                let mut headers = Headers::new();
                while let Some((name, lines)) = access.next_entry::<String, Vec<HeaderValue>>()? {
                    // CloudFront sends lower-cased names; a hand-written event may not. Two
                    // spellings of one name are merged rather than one silently lost.
                    match headers.position(&name) {
                        Some(i) => headers.0[i].1.extend(lines),
                        None => headers.0.push((name.to_ascii_lowercase(), lines)),
                    }
                }
                Ok(headers)
            }
        }

        deserializer.deserialize_map(HeadersVisitor)
    }
}

/// Which event a header restriction applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    ViewerRequest,
    OriginRequest,
}

/// Headers Lambda@Edge neither shows a function nor lets it add: adding one makes CloudFront
/// answer 502. From CloudFront's developer guide, "Restrictions on all edge functions".
const DISALLOWED: [&str; 11] = [
    "connection",
    "expect",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "trailer",
    "upgrade",
    "x-cache",
    "x-forwarded-proto",
    "x-real-ip",
];
const DISALLOWED_PREFIXES: [&str; 4] = ["x-accel-", "x-amz-cf-", "x-amzn-", "x-edge-"];

/// Read-only headers: a function may read them but adding, changing **or removing** one makes
/// CloudFront answer 502. (`range` is listed by newer versions of the guide for origin requests.)
const READ_ONLY_VIEWER_REQUEST: [&str; 4] = ["content-length", "host", "transfer-encoding", "via"];
const READ_ONLY_ORIGIN_REQUEST: [&str; 9] = [
    "accept-encoding",
    "content-length",
    "if-modified-since",
    "if-none-match",
    "if-range",
    "if-unmodified-since",
    "range",
    "transfer-encoding",
    "via",
];

/// Whether Lambda@Edge refuses a function that adds `name` (lower-case).
pub(crate) fn is_disallowed(name: &str) -> bool {
    DISALLOWED.contains(&name) || DISALLOWED_PREFIXES.iter().any(|p| name.starts_with(p))
}

/// Whether `name` (lower-case) is read-only at `stage`.
pub(crate) fn is_read_only(name: &str, stage: Stage) -> bool {
    match stage {
        Stage::ViewerRequest => READ_ONLY_VIEWER_REQUEST.contains(&name),
        Stage::OriginRequest => READ_ONLY_ORIGIN_REQUEST.contains(&name),
    }
}

/// Whether `name` is a lower-case HTTP token (RFC 9110 `tchar`s).
pub(crate) fn is_lower_token(name: &str) -> bool {
    !name.is_empty()
        && name.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || b"!#$%&'*+-.^_`|~".contains(&b)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_order_and_keys() {
        let json = r#"{"user-agent":[{"key":"User-Agent","value":"curl/8"}],"accept":[{"key":"accept","value":"*/*"}],"x-a":[{"value":"no key"}]}"#;
        let headers: Headers = serde_json::from_str(json).unwrap();
        assert_eq!(serde_json::to_string(&headers).unwrap(), json);
    }

    #[test]
    fn names_are_case_insensitive_and_merged() {
        let headers: Headers = serde_json::from_str(
            r#"{"Cookie":[{"key":"Cookie","value":"a=1"}],"cookie":[{"key":"cookie","value":"b=2"}]}"#,
        )
        .unwrap();
        assert_eq!(headers.len(), 1);
        assert_eq!(headers.values("cookie").collect::<Vec<_>>(), ["a=1", "b=2"]);
        assert_eq!(headers.iter().next().unwrap().0, "cookie");
    }

    #[test]
    fn set_replaces_and_title_cases() {
        let mut h = Headers::new();
        h.append("x-user-id", "spoofed");
        h.append("x-user-id", "again");
        h.set("x-user-id", "42");
        assert_eq!(
            h.get("x-user-id").unwrap(),
            [HeaderValue::new("X-User-Id", "42")]
        );
        assert_eq!(h.remove("X-USER-ID").unwrap().len(), 1);
        assert!(h.is_empty());
    }

    #[test]
    fn debug_redacts_credentials() {
        let mut h = Headers::new();
        h.append("cookie", "next-auth.session-token=secret-token");
        h.append("authorization", "Bearer secret-bearer");
        h.append("accept", "text/html");
        let printed = format!("{h:?}");
        assert!(!printed.contains("secret"), "{printed}");
        assert!(printed.contains("text/html"), "{printed}");
    }

    #[test]
    fn restrictions() {
        assert!(is_disallowed("x-forwarded-proto"));
        assert!(is_disallowed("x-amzn-trace-id"));
        assert!(is_disallowed("x-edge-location"));
        assert!(!is_disallowed("x-forwarded-host"));
        assert!(is_read_only("host", Stage::ViewerRequest));
        assert!(!is_read_only("host", Stage::OriginRequest));
        assert!(is_read_only("accept-encoding", Stage::OriginRequest));
        assert!(is_lower_token("x-auth-user-id"));
        assert!(!is_lower_token("X-Auth"));
        assert!(!is_lower_token("a b"));
        assert!(!is_lower_token(""));
    }
}
