//! One-pass typed decoding: deserialize the caller's type and, on the way through, keep the
//! top-level `exp`, `nbf` and `iat` for the time check — instead of a second pass over the JSON.
//!
//! Only the top level is intercepted: member names and the three time values pass through here;
//! every other value goes from serde_json straight to the caller's visitor, so nested values
//! deserialize exactly as they would without this layer.

use std::borrow::Cow;
use std::fmt;

use serde::de::value::{BorrowedStrDeserializer, StringDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde_json::Value;

/// The time claims seen at the top level.
#[derive(Default)]
pub(crate) struct TimeSlots {
    pub(crate) exp: Option<Value>,
    pub(crate) nbf: Option<Value>,
    pub(crate) iat: Option<Value>,
    /// Whether the top level was an object at all.
    pub(crate) saw_object: bool,
}

/// Deserialize `T` from `json`, filling `slots` with the time claims.
pub(crate) fn deserialize_with_times<'de, T: de::Deserialize<'de>>(
    json: &'de [u8],
    slots: &mut TimeSlots,
) -> Result<T, serde_json::Error> {
    let mut inner = serde_json::Deserializer::from_slice(json);
    let value = T::deserialize(Tee {
        inner: &mut inner,
        slots,
    })?;
    inner.end()?;
    Ok(value)
}

struct Tee<'a, D> {
    inner: D,
    slots: &'a mut TimeSlots,
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Tee<'_, D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.inner.deserialize_any(TeeVisitor {
            visitor,
            slots: self.slots,
        })
    }

    // JSON is self-describing: every request goes through `deserialize_any`, which for the
    // top-level object calls `visit_map`, as serde_json's own struct and map paths do.
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

struct TeeVisitor<'a, V> {
    visitor: V,
    slots: &'a mut TimeSlots,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for TeeVisitor<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.slots.saw_object = true;
        self.visitor.visit_map(TeeMap {
            map,
            slots: self.slots,
            pending: None,
        })
    }

    // Anything but an object is refused by the caller (`saw_object` stays false); pass the rest
    // through so that the caller's type reports its own error.
    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.visitor.visit_seq(seq)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        self.visitor.visit_bool(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        self.visitor.visit_i64(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        self.visitor.visit_u64(v)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        self.visitor.visit_f64(v)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        self.visitor.visit_str(v)
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        self.visitor.visit_borrowed_str(v)
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        self.visitor.visit_string(v)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.visitor.visit_unit()
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.visitor.visit_none()
    }
}

#[derive(Clone, Copy)]
enum Slot {
    Exp,
    Nbf,
    Iat,
}

struct TeeMap<'a, A> {
    map: A,
    slots: &'a mut TimeSlots,
    pending: Option<Slot>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for TeeMap<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        let Some(key) = self.map.next_key::<Cow<'de, str>>()? else {
            return Ok(None);
        };
        self.pending = match key.as_ref() {
            "exp" => Some(Slot::Exp),
            "nbf" => Some(Slot::Nbf),
            "iat" => Some(Slot::Iat),
            _ => None,
        };
        match key {
            Cow::Borrowed(k) => seed.deserialize(BorrowedStrDeserializer::new(k)).map(Some),
            Cow::Owned(k) => seed.deserialize(StringDeserializer::new(k)).map(Some),
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<S::Value, Self::Error> {
        let Some(slot) = self.pending.take() else {
            return self.map.next_value_seed(seed);
        };
        let value: Value = self.map.next_value()?;
        let result = seed.deserialize(value.clone()).map_err(de::Error::custom);
        let target = match slot {
            Slot::Exp => &mut self.slots.exp,
            Slot::Nbf => &mut self.slots.nbf,
            Slot::Iat => &mut self.slots.iat,
        };
        *target = Some(value);
        result
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct View<'a> {
        sub: &'a str,
        #[serde(default)]
        exp: Option<i64>,
        nested: Option<serde_json::Map<String, Value>>,
    }

    #[test]
    fn captures_top_level_times_only() {
        let json = br#"{"sub":"u","nested":{"exp":1,"iat":"x"},"exp":99,"iat":5,"nbf":7}"#;
        let mut slots = TimeSlots::default();
        let view: View<'_> = deserialize_with_times(json, &mut slots).unwrap();
        assert_eq!(view.sub, "u");
        assert_eq!(view.exp, Some(99));
        assert_eq!(view.nested.unwrap()["iat"], "x");
        assert_eq!(slots.exp, Some(Value::from(99)));
        assert_eq!(slots.iat, Some(Value::from(5)));
        assert_eq!(slots.nbf, Some(Value::from(7)));
        assert!(slots.saw_object);
    }

    #[test]
    fn non_objects_are_noticed() {
        let mut slots = TimeSlots::default();
        let r: Result<Vec<i64>, _> = deserialize_with_times(b"[1,2]", &mut slots);
        assert!(r.is_ok());
        assert!(!slots.saw_object);
        let mut slots = TimeSlots::default();
        assert!(
            deserialize_with_times::<View<'_>>(b"{\"sub\":\"u\"} trailing", &mut slots).is_err()
        );
    }

    #[test]
    fn escaped_keys_still_match() {
        let json = br#"{"sub":"u","\u0065xp":3}"#;
        let mut slots = TimeSlots::default();
        let _: View<'_> = deserialize_with_times(json, &mut slots).unwrap();
        assert_eq!(slots.exp, Some(Value::from(3)));
    }
}
