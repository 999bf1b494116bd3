//! The JWT claims set: registered time claims, `jti`, and the 15-second tolerance.

use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::{RandomSource, SessionCookieError};

/// Clock tolerance for `exp` and `nbf`, as next-auth and Auth.js pass to jose (15 s).
pub const CLOCK_TOLERANCE_SECS: i64 = 15;

/// The claims inside a session token: a JSON object whose members keep their order.
///
/// `Debug` lists the member names only; values (e-mail addresses, access tokens) are never
/// printed.
///
/// ```
/// use session_cookie::SessionClaims;
///
/// let mut claims = SessionClaims::new();
/// claims.insert("sub", "user-1");
/// claims.insert("email", "jane@example.com");
/// assert_eq!(claims.get_str("sub"), Some("user-1"));
/// assert_eq!(format!("{claims:?}"), r#"SessionClaims { members: ["sub", "email"] }"#);
/// ```
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SessionClaims(Map<String, Value>);

impl SessionClaims {
    /// An empty claims set.
    pub fn new() -> Self {
        SessionClaims(Map::new())
    }

    /// Wrap a JSON object.
    pub fn from_map(map: Map<String, Value>) -> Self {
        SessionClaims(map)
    }

    /// Build claims from any value that serializes to a JSON object.
    pub fn from_serialize<T: Serialize + ?Sized>(value: &T) -> Result<Self, SessionCookieError> {
        match serde_json::to_value(value) {
            Ok(Value::Object(map)) => Ok(SessionClaims(map)),
            _ => Err(SessionCookieError::ClaimsNotObject),
        }
    }

    /// Deserialize the claims into a typed value. A mismatch is
    /// [`SessionCookieError::ClaimsShape`], naming the claim (a path like `user.roles[2]`) and the
    /// kind of mismatch, never a value.
    pub fn deserialize<T: DeserializeOwned>(&self) -> Result<T, SessionCookieError> {
        let value = Value::Object(self.0.clone());
        T::deserialize(&value)
            .map_err(|e| SessionCookieError::ClaimsShape(shape_error(&e, path_of::<T, _>(&value))))
    }

    /// Deserialize the claims into a typed value, consuming them.
    pub fn into_deserialize<T: DeserializeOwned>(self) -> Result<T, SessionCookieError> {
        let value = Value::Object(self.0);
        T::deserialize(&value)
            .map_err(|e| SessionCookieError::ClaimsShape(shape_error(&e, path_of::<T, _>(&value))))
    }

    /// The members as a JSON map.
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }

    /// The members as a mutable JSON map.
    pub fn as_map_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.0
    }

    /// The JSON map.
    pub fn into_map(self) -> Map<String, Value> {
        self.0
    }

    /// A member.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(name)
    }

    /// A member that is a string.
    pub fn get_str(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(Value::as_str)
    }

    /// Set a member; an existing member keeps its position.
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<Value>) -> Option<Value> {
        self.0.insert(name.into(), value.into())
    }

    /// Remove a member, keeping the order of the others.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        self.0.shift_remove(name)
    }

    /// The `exp` claim in Unix seconds, if it is a number.
    pub fn expires_at(&self) -> Option<f64> {
        self.0.get("exp").and_then(Value::as_f64)
    }

    /// Set `iat` = now, `exp` = now + `max_age_secs` and a fresh UUID v4 `jti`, as next-auth's
    /// `encode` does: members that exist keep their position, new ones are appended in the order
    /// `iat`, `exp`, `jti`.
    pub fn stamp(
        &mut self,
        now: OffsetDateTime,
        max_age_secs: i64,
        rng: &dyn RandomSource,
    ) -> Result<(), SessionCookieError> {
        let now = now.unix_timestamp();
        let jti = uuid::Builder::from_random_bytes(crate::env::random_array(rng)?).into_uuid();
        self.0.insert("iat".into(), now.into());
        self.0
            .insert("exp".into(), now.saturating_add(max_age_secs).into());
        self.0
            .insert("jti".into(), jti.hyphenated().to_string().into());
        Ok(())
    }

    /// Check `exp`, `nbf` and `iat` the way jose does for next-auth: each is optional, must be a
    /// number when present; `exp <= now - 15` is expired, `nbf > now + 15` is not yet valid.
    pub fn validate_times(&self, now: OffsetDateTime) -> Result<(), SessionCookieError> {
        check_times(self.0.get("exp"), self.0.get("nbf"), self.0.get("iat"), now)
    }
}

/// The time checks of [`SessionClaims::validate_times`], on the three members alone.
pub(crate) fn check_times(
    exp: Option<&Value>,
    nbf: Option<&Value>,
    iat: Option<&Value>,
    now: OffsetDateTime,
) -> Result<(), SessionCookieError> {
    let now = now.unix_timestamp() as f64;
    let tolerance = CLOCK_TOLERANCE_SECS as f64;
    if let Some(exp) = exp {
        let exp = exp
            .as_f64()
            .ok_or(SessionCookieError::ClaimInvalid("exp"))?;
        if exp <= now - tolerance {
            return Err(SessionCookieError::Expired);
        }
    }
    if let Some(nbf) = nbf {
        let nbf = nbf
            .as_f64()
            .ok_or(SessionCookieError::ClaimInvalid("nbf"))?;
        if nbf > now + tolerance {
            return Err(SessionCookieError::ClaimInvalid("nbf"));
        }
    }
    if let Some(iat) = iat {
        iat.as_f64()
            .ok_or(SessionCookieError::ClaimInvalid("iat"))?;
    }
    Ok(())
}

/// Where deserializing into `T` fails, as a path of member names and indexes (run only after a
/// failure: tracking the path costs on every value).
pub(crate) fn path_of<'de, T: Deserialize<'de>, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Option<String> {
    serde_path_to_error::deserialize::<_, T>(deserializer)
        .err()
        .map(|e| e.path().to_string())
}

/// The text of [`SessionCookieError::ClaimsShape`]: where (`path`, member names from the token,
/// with control characters escaped) and what kind of mismatch. serde's messages can quote values
/// ("invalid type: string \"...\""); only the kind is kept, so that no claim value reaches a
/// log line.
pub(crate) fn shape_error(e: &serde_json::Error, path: Option<String>) -> String {
    let kind = mismatch_kind(e);
    match path.filter(|p| !p.is_empty() && p != ".") {
        Some(path) => {
            let path: String = path
                .chars()
                .take(120)
                .flat_map(char::escape_default)
                .collect();
            format!("at `{path}`: {kind}")
        }
        None => kind,
    }
}

fn mismatch_kind(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.find(':') {
        Some(i) if text.starts_with("invalid type") || text.starts_with("invalid value") => {
            text[..i].to_owned()
        }
        _ if text.starts_with("missing field") || text.starts_with("unknown field") => {
            text.split(" at line").next().unwrap_or_default().to_owned()
        }
        _ => "unexpected claims".to_owned(),
    }
}

impl fmt::Debug for SessionClaims {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionClaims")
            .field("members", &self.0.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl From<Map<String, Value>> for SessionClaims {
    fn from(map: Map<String, Value>) -> Self {
        SessionClaims(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FixedClock;
    use crate::env::Clock;

    #[derive(Debug)]
    struct Zeros;
    impl RandomSource for Zeros {
        fn fill(&self, dest: &mut [u8]) -> Result<(), SessionCookieError> {
            dest.fill(0);
            Ok(())
        }
    }

    #[test]
    fn stamp_appends_in_order_and_replaces_in_place() {
        let now = FixedClock::at_unix(1_767_225_600).now();
        let mut c = SessionClaims::new();
        c.insert("name", "Jane");
        c.stamp(now, 60, &Zeros).expect("stamp");
        let keys: Vec<_> = c.as_map().keys().cloned().collect();
        assert_eq!(keys, ["name", "iat", "exp", "jti"]);
        assert_eq!(c.get("exp"), Some(&Value::from(1_767_225_660)));
        // A UUID v4 built from zero bytes still carries the version and variant bits.
        assert_eq!(
            c.get_str("jti"),
            Some("00000000-0000-4000-8000-000000000000")
        );

        let mut reissued = SessionClaims::new();
        reissued.insert("exp", 1);
        reissued.insert("sub", "x");
        reissued.stamp(now, 60, &Zeros).expect("stamp");
        let keys: Vec<_> = reissued.as_map().keys().cloned().collect();
        assert_eq!(keys, ["exp", "sub", "iat", "jti"]);
    }

    #[test]
    fn time_checks_follow_jose() {
        let now = FixedClock::at_unix(1000).now();
        let with = |k: &str, v: Value| {
            let mut c = SessionClaims::new();
            c.insert(k, v);
            c.validate_times(now)
        };
        assert_eq!(with("exp", 986.into()), Ok(()), "within tolerance");
        assert_eq!(with("exp", 985.into()), Err(SessionCookieError::Expired));
        assert_eq!(
            with("exp", "soon".into()),
            Err(SessionCookieError::ClaimInvalid("exp"))
        );
        assert_eq!(with("nbf", 1015.into()), Ok(()));
        assert_eq!(
            with("nbf", 1016.into()),
            Err(SessionCookieError::ClaimInvalid("nbf"))
        );
        assert_eq!(
            with("iat", Value::Null),
            Err(SessionCookieError::ClaimInvalid("iat"))
        );
        assert_eq!(
            SessionClaims::new().validate_times(now),
            Ok(()),
            "no claim is required"
        );
    }

    #[test]
    fn shape_errors_do_not_quote_values() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Typed {
            exp: i64,
        }
        let mut c = SessionClaims::new();
        c.insert("exp", "secret-looking-value");
        let err = c.deserialize::<Typed>().unwrap_err();
        assert!(!err.to_string().contains("secret-looking-value"), "{err}");
    }

    #[test]
    fn shape_errors_name_the_claim() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Typed {
            sub: String,
            user: User,
        }
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct User {
            roles: Vec<u32>,
        }
        let claims = SessionClaims::from_serialize(&serde_json::json!({
            "sub": "a",
            "user": { "roles": [1, 2, "admin-secret"] },
        }))
        .unwrap();
        for err in [
            claims.deserialize::<Typed>().unwrap_err(),
            claims.clone().into_deserialize::<Typed>().unwrap_err(),
        ] {
            let text = err.to_string();
            assert!(text.contains("at `user.roles[2]`: invalid type"), "{text}");
            assert!(!text.contains("admin-secret"), "{text}");
        }
        let missing =
            SessionClaims::from_serialize(&serde_json::json!({ "user": { "roles": [] } }))
                .unwrap()
                .deserialize::<Typed>()
                .unwrap_err();
        assert!(
            missing.to_string().contains("missing field `sub`"),
            "{missing}"
        );
    }
}
