//! Strict JSON for tokens: a member name appears at most once per object, at every depth.
//!
//! `JSON.parse` (and so jose, next-auth and Auth.js) keeps the *last* of two equal member names;
//! serde_json's `Value` keeps the last too, while a `#[derive(Deserialize)]` struct refuses the
//! duplicate. A token like `{"exp":1,"exp":<future>}` would then be expired for one reader and
//! valid for another. Neither package ever issues such a token (`JSON.stringify` cannot write
//! one), so every reader here refuses it: one verdict, whatever type the caller decodes into.
//!
//! serde_json has no option for this, hence the small visitors below: one that only checks (for
//! typed decoding, which then makes its own pass) and one that builds the [`Map`] while checking
//! (for the untyped claims, in one pass).

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::SessionCookieError;

/// Check that `json` is one JSON object whose objects (at any depth) name each member once.
///
/// [`SessionCookieError::DuplicateMember`] for a repeated name,
/// [`SessionCookieError::PayloadNotJsonObject`] for anything that is not a JSON object.
///
/// ```
/// use session_cookie::{SessionCookieError, json};
///
/// assert!(json::ensure_unique_members(br#"{"a":{"b":1,"c":[{"b":2}]}}"#).is_ok());
/// assert_eq!(
///     json::ensure_unique_members(br#"{"exp":1,"exp":2}"#),
///     Err(SessionCookieError::DuplicateMember)
/// );
/// assert_eq!(json::ensure_unique_members(b"[1]"), Err(SessionCookieError::PayloadNotJsonObject));
/// ```
pub fn ensure_unique_members(json: &[u8]) -> Result<(), SessionCookieError> {
    let duplicate = Cell::new(false);
    let mut de = serde_json::Deserializer::from_slice(json);
    let result = de
        .deserialize_any(TopLevel(Checker {
            duplicate: &duplicate,
        }))
        .and_then(|()| de.end());
    classify(result, &duplicate)
}

/// The registered time claims at the top level of a payload, as they were written (`null`
/// included: a `null` `exp` is a malformed `exp`, not a missing one).
#[derive(Debug, Default)]
pub(crate) struct TimeClaims {
    pub(crate) exp: Option<Value>,
    pub(crate) nbf: Option<Value>,
    pub(crate) iat: Option<Value>,
}

/// `json` with every `\uXXXX` escape of a lone UTF-16 surrogate replaced by `\uFFFD`.
///
/// Both packages issue such strings: `name.slice(0, n)` can cut an emoji in half, and
/// `JSON.stringify` writes the half as `"\ud83d"`. `JSON.parse` reads it back, and the Node
/// APIs that turn the string into bytes replace the half with U+FFFD; serde_json refuses the
/// escape, which would sign such a user out when the tier changes. Replacing it before parsing
/// reads the token as Node does. Borrowed when there is nothing to replace (the usual case).
///
/// The decoders call it only after a parse of the text as written failed, so that a valid
/// payload is not scanned twice.
///
/// ```
/// use session_cookie::json;
///
/// let fixed = json::replace_lone_surrogates(br#"{"name":"Jo\ud83d"}"#);
/// assert_eq!(&fixed[..], br#"{"name":"Jo\uFFFD"}"#);
/// ```
pub fn replace_lone_surrogates(json: &[u8]) -> Cow<'_, [u8]> {
    fn unit_at(json: &[u8], at: usize) -> Option<u16> {
        let hex = json.get(at..at + 6)?;
        if hex[0] != b'\\' || hex[1] != b'u' {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(&hex[2..]).ok()?, 16).ok()
    }
    if !json.contains(&b'\\') {
        return Cow::Borrowed(json);
    }
    let mut out: Option<Vec<u8>> = None;
    let mut i = 0;
    while i < json.len() {
        if json[i] != b'\\' {
            i += 1;
            continue;
        }
        let Some(unit) = unit_at(json, i) else {
            // Any other escape (`\\`, `\"`, ...) is two bytes; skip both so that an escaped
            // backslash is never read as the start of an escape.
            i += 2;
            continue;
        };
        let is_high = (0xD800..0xDC00).contains(&unit);
        let is_low = (0xDC00..0xE000).contains(&unit);
        if is_high && unit_at(json, i + 6).is_some_and(|next| (0xDC00..0xE000).contains(&next)) {
            i += 12; // a proper pair
            continue;
        }
        if is_high || is_low {
            let buffer = out.get_or_insert_with(|| json.to_vec());
            buffer[i + 2..i + 6].copy_from_slice(b"FFFD");
        }
        i += 6;
    }
    match out {
        Some(replaced) => Cow::Owned(replaced),
        None => Cow::Borrowed(json),
    }
}

/// Parse `json` into a JSON object, refusing repeated member names at any depth (see
/// [`ensure_unique_members`] for the errors).
///
/// ```
/// use session_cookie::json;
///
/// let map = json::object_from_slice(br#"{"sub":"user-1","n":[1,2]}"#).unwrap();
/// assert_eq!(map["sub"], "user-1");
/// assert!(json::object_from_slice(br#"{"a":{"x":1,"x":1}}"#).is_err());
/// ```
pub fn object_from_slice(json: &[u8]) -> Result<Map<String, Value>, SessionCookieError> {
    object_from_str(payload_text(json)?)
}

/// A payload as text. Bytes that are not UTF-8 are refused wherever they sit, in a claim the
/// caller reads or in one it skips: `JSON.parse` would see U+FFFD there, which the packages
/// never write, and a typed view must not accept what the full decode refuses.
///
/// Parsing the `&str` then lets serde_json skip the UTF-8 check it otherwise makes string by
/// string; one check of the whole payload (an ASCII fast path, word by word) is cheaper than
/// hundreds of short ones in a large token.
pub(crate) fn payload_text(json: &[u8]) -> Result<&str, SessionCookieError> {
    std::str::from_utf8(json).map_err(|_| SessionCookieError::PayloadNotJsonObject)
}

/// [`object_from_slice`] for text already checked by [`payload_text`].
pub(crate) fn object_from_str(json: &str) -> Result<Map<String, Value>, SessionCookieError> {
    let duplicate = Cell::new(false);
    let mut de = serde_json::Deserializer::from_str(json);
    let result = de
        .deserialize_any(TopLevel(Builder {
            duplicate: &duplicate,
        }))
        .and_then(|value| de.end().map(|()| value));
    match classify(result, &duplicate)? {
        Value::Object(map) => Ok(map),
        _ => Err(SessionCookieError::PayloadNotJsonObject),
    }
}

fn classify<T>(
    result: Result<T, serde_json::Error>,
    duplicate: &Cell<bool>,
) -> Result<T, SessionCookieError> {
    result.map_err(|_| {
        if duplicate.get() {
            SessionCookieError::DuplicateMember
        } else {
            SessionCookieError::PayloadNotJsonObject
        }
    })
}

/// The member names of one object seen so far. Objects in tokens are small: a linear scan up to
/// a few dozen names, a hash set beyond (a hostile object with thousands of names stays linear).
#[derive(Default)]
pub(crate) struct SeenNames<'de> {
    few: Vec<Cow<'de, str>>,
    many: Option<HashSet<Cow<'de, str>>>,
}

impl<'de> SeenNames<'de> {
    const FEW: usize = 32;

    /// `false` when `name` was seen before.
    pub(crate) fn insert(&mut self, name: Cow<'de, str>) -> bool {
        if let Some(many) = &mut self.many {
            return many.insert(name);
        }
        if self.few.contains(&name) {
            return false;
        }
        if self.few.is_empty() {
            // One allocation for a typical payload instead of growing 4, 8, 16.
            self.few.reserve(16);
        }
        self.few.push(name);
        if self.few.len() > Self::FEW {
            self.many = Some(self.few.drain(..).collect());
        }
        true
    }
}

/// A member name, borrowed from the input when it has no escapes.
pub(crate) struct Name<'de>(pub(crate) Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Name<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NameVisitor;
        impl<'de> Visitor<'de> for NameVisitor {
            type Value = Name<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Name(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Name(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Name(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(NameVisitor)
    }
}

/// What to do with each JSON value: check it, or check and build it.
trait Walk<'de>: Copy {
    type Out;
    type Members: Default;
    type Items: Default;
    /// A scalar; `make` builds it only for a walk that keeps values.
    fn leaf(self, make: impl FnOnce() -> Value) -> Self::Out;
    fn push_item(self, items: &mut Self::Items, item: Self::Out);
    fn array(self, items: Self::Items) -> Self::Out;
    fn push_member(self, members: &mut Self::Members, name: Cow<'de, str>, value: Self::Out);
    /// Whether `members` already has `name`, when this walk keeps members (the map itself is
    /// then the record of names seen); `None` for a walk that keeps nothing.
    fn has_member(members: &Self::Members, name: &str) -> Option<bool>;
    fn object(self, members: Self::Members) -> Self::Out;
    /// Note that a repeated name was found (serde's error cannot say so in a type).
    fn mark_duplicate(self);
}

#[derive(Clone, Copy)]
struct Checker<'c> {
    duplicate: &'c Cell<bool>,
}

impl<'de> Walk<'de> for Checker<'_> {
    type Out = ();
    type Members = ();
    type Items = ();
    fn leaf(self, _: impl FnOnce() -> Value) {}
    fn push_item(self, (): &mut (), (): ()) {}
    fn array(self, (): ()) {}
    fn push_member(self, (): &mut (), _: Cow<'de, str>, (): ()) {}
    fn has_member((): &(), _: &str) -> Option<bool> {
        None
    }
    fn object(self, (): ()) {}
    fn mark_duplicate(self) {
        self.duplicate.set(true);
    }
}

#[derive(Clone, Copy)]
struct Builder<'c> {
    duplicate: &'c Cell<bool>,
}

impl<'de> Walk<'de> for Builder<'_> {
    type Out = Value;
    type Members = Map<String, Value>;
    type Items = Vec<Value>;
    fn leaf(self, make: impl FnOnce() -> Value) -> Value {
        make()
    }
    fn push_item(self, items: &mut Vec<Value>, item: Value) {
        items.push(item);
    }
    fn array(self, items: Vec<Value>) -> Value {
        Value::Array(items)
    }
    fn push_member(self, members: &mut Map<String, Value>, name: Cow<'de, str>, value: Value) {
        members.insert(name.into_owned(), value);
    }
    fn has_member(members: &Map<String, Value>, name: &str) -> Option<bool> {
        Some(members.contains_key(name))
    }
    fn object(self, members: Map<String, Value>) -> Value {
        Value::Object(members)
    }
    fn mark_duplicate(self) {
        self.duplicate.set(true);
    }
}

/// Walk one value from `deserializer`, checking its objects (for values a typed decode skips).
pub(crate) fn check_value<'de, D: Deserializer<'de>>(
    deserializer: D,
    duplicate: &Cell<bool>,
) -> Result<(), D::Error> {
    Node(Checker { duplicate }).deserialize(deserializer)
}

/// The next map value as a [`Value`], its objects checked (a top-level time claim).
pub(crate) fn time_value<'de, A: MapAccess<'de>>(
    map: &mut A,
    duplicate: &Cell<bool>,
) -> Result<Value, A::Error> {
    map.next_value_seed(Node(Builder { duplicate }))
}

/// The top level: only an object is a token payload.
struct TopLevel<W>(W);

impl<'de, W: Walk<'de>> Visitor<'de> for TopLevel<W> {
    type Value = W::Out;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        Node(self.0).visit_map(map)
    }
}

/// Any JSON value, walked with `W`.
struct Node<W>(W);

impl<'de, W: Walk<'de>> DeserializeSeed<'de> for Node<W> {
    type Value = W::Out;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, W: Walk<'de>> Visitor<'de> for Node<W> {
    type Value = W::Out;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(self.0.leaf(|| Value::Bool(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(self.0.leaf(|| Value::from(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(self.0.leaf(|| Value::from(v)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(self.0.leaf(|| Value::from(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.0.leaf(|| Value::String(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(self.0.leaf(|| Value::String(v)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(self.0.leaf(|| Value::Null))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = W::Items::default();
        while let Some(item) = seq.next_element_seed(Node(self.0))? {
            self.0.push_item(&mut items, item);
        }
        Ok(self.0.array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut seen = SeenNames::default();
        let mut members = W::Members::default();
        while let Some(Name(name)) = map.next_key::<Name<'de>>()? {
            let repeated = match W::has_member(&members, &name) {
                Some(repeated) => repeated,
                None => !seen.insert(name.clone()),
            };
            if repeated {
                self.0.mark_duplicate();
                return Err(de::Error::custom("duplicate member name"));
            }
            let value = map.next_value_seed(Node(self.0))?;
            self.0.push_member(&mut members, name, value);
        }
        Ok(self.0.object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_are_found_at_every_depth() {
        for json in [
            &br#"{"exp":1,"exp":2}"#[..],
            br#"{"a":{"b":1,"b":1}}"#,
            br#"{"a":[{"b":1},{"c":1,"c":2}]}"#,
            br#"{"e\u0078p":1,"exp":2}"#,
        ] {
            assert_eq!(
                ensure_unique_members(json),
                Err(SessionCookieError::DuplicateMember),
                "{}",
                String::from_utf8_lossy(json)
            );
            assert_eq!(
                object_from_slice(json),
                Err(SessionCookieError::DuplicateMember)
            );
        }
    }

    #[test]
    fn the_same_name_in_different_objects_is_fine() {
        let json = br#"{"a":{"x":1},"b":{"x":2},"x":[{"x":3}],"big":1e400}"#;
        assert!(
            ensure_unique_members(json).is_err(),
            "out of f64 range: refused, as serde_json refuses it"
        );
        let json = br#"{"a":{"x":1},"b":{"x":2},"x":[{"x":3}],"n":null,"t":true,"f":-1.5}"#;
        assert_eq!(ensure_unique_members(json), Ok(()));
        let built = object_from_slice(json).unwrap();
        let plain: Map<String, Value> = serde_json::from_slice(json).unwrap();
        assert_eq!(built, plain);
    }

    #[test]
    fn only_one_object_is_a_payload() {
        for json in [&b"[]"[..], b"1", b"\"x\"", b"null", b"{} {}", b"{", b""] {
            assert_eq!(
                ensure_unique_members(json),
                Err(SessionCookieError::PayloadNotJsonObject)
            );
            assert_eq!(
                object_from_slice(json),
                Err(SessionCookieError::PayloadNotJsonObject)
            );
        }
    }

    #[test]
    fn lone_surrogates_become_the_replacement_character() {
        let fix = |s: &str| {
            String::from_utf8(replace_lone_surrogates(s.as_bytes()).into_owned()).unwrap()
        };
        assert_eq!(fix(r#"{"name":"a\ud800b"}"#), r#"{"name":"a\uFFFDb"}"#);
        assert_eq!(fix(r#"{"name":"\udc00"}"#), r#"{"name":"\uFFFD"}"#);
        assert_eq!(
            fix(r#"{"name":"\ud83d\ude00"}"#),
            r#"{"name":"\ud83d\ude00"}"#,
            "a pair stays"
        );
        assert_eq!(
            fix(r#"{"n":"\ud83d\ud83d\ude00"}"#),
            r#"{"n":"\uFFFD\ud83d\ude00"}"#
        );
        assert_eq!(
            fix(r#"{"n":"\\ud800"}"#),
            r#"{"n":"\\ud800"}"#,
            "an escaped backslash"
        );
        assert_eq!(fix(r#"{"n":"x\u00e9"}"#), r#"{"n":"x\u00e9"}"#);
        assert!(matches!(
            replace_lone_surrogates(b"{\"a\":1}"),
            Cow::Borrowed(_)
        ));
        let map = object_from_slice(&replace_lone_surrogates(br#"{"name":"Jo\ud83d"}"#)).unwrap();
        assert_eq!(map["name"], "Jo\u{fffd}");
    }

    #[test]
    fn many_names_switch_to_a_set() {
        let mut json: String = (0..500).map(|i| format!("\"k{i}\":{i},")).collect();
        json.insert(0, '{');
        json.push_str("\"k7\":0}");
        assert_eq!(
            ensure_unique_members(json.as_bytes()),
            Err(SessionCookieError::DuplicateMember)
        );
        let unique = json.replace("\"k7\":0}", "\"z\":0}");
        assert_eq!(object_from_slice(unique.as_bytes()).unwrap().len(), 501);
    }
}
