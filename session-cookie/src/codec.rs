//! `encode` / `decode` of NextAuth JWTs: claims in, JWE out, and back.

use std::fmt;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::jwe::Keyring;
use crate::{CookieNames, RandomSource, Secrets, SessionClaims, SessionCookieError, WireFormat};

/// next-auth's default session lifetime: 30 days.
pub const DEFAULT_MAX_AGE_SECS: i64 = 30 * 24 * 60 * 60;

/// The longest token [`TokenCodec::decode`] looks at, by default: 32 KiB.
///
/// Node's HTTP server refuses request headers above 16 KiB by default, so next-auth sessions are
/// smaller than that in practice; twice that leaves room while bounding the work an attacker
/// can ask for. Change it with [`TokenCodec::with_max_token_len`].
pub const DEFAULT_MAX_TOKEN_LEN: usize = 32 * 1024;

/// Encrypts claims into, and decrypts them out of, the JWE next-auth stores in its cookies.
///
/// A codec is built for one wire format, one secret list and one HKDF salt. Building it derives
/// the keys (HKDF) once; `encode` and `decode` then only run the cipher. Clones share the keys.
///
/// ```
/// use session_cookie::{
///     Clock, CookieNames, OsRandom, Secrets, SessionClaims, SystemClock, TokenCodec, WireFormat,
/// };
///
/// let secrets = Secrets::single("a long random value from NEXTAUTH_SECRET")?;
/// let names = CookieNames::new(WireFormat::NextAuthV4, false);
/// let codec = TokenCodec::for_session(&names, &secrets);
///
/// let mut claims = SessionClaims::new();
/// claims.insert("sub", "user-1");
/// let now = SystemClock.now();
/// let token = codec.encode(&mut claims, now, &OsRandom)?;
///
/// let decoded = codec.decode(&token, now)?;
/// assert_eq!(decoded.get_str("sub"), Some("user-1"));
/// assert!(decoded.get("jti").is_some());
/// # Ok::<(), session_cookie::SessionCookieError>(())
/// ```
#[derive(Clone)]
pub struct TokenCodec {
    keyring: Arc<Keyring>,
    max_age_secs: i64,
    max_token_len: usize,
}

impl TokenCodec {
    /// A codec for `format` with HKDF salt `salt` (v4 session tokens: `""`; v5 session tokens and
    /// all check cookies: the cookie's name).
    pub fn new(format: WireFormat, secrets: &Secrets, salt: &str) -> Self {
        TokenCodec {
            keyring: Arc::new(Keyring::new(format, secrets, salt)),
            max_age_secs: DEFAULT_MAX_AGE_SECS,
            max_token_len: DEFAULT_MAX_TOKEN_LEN,
        }
    }

    /// The codec of the session token cookie named in `names` (the salt follows the format).
    pub fn for_session(names: &CookieNames, secrets: &Secrets) -> Self {
        let format = names.format();
        Self::new(format, secrets, format.session_salt(names.session_token()))
    }

    /// Lifetime `encode` gives tokens (`exp = iat + max_age`). Default 30 days.
    #[must_use]
    pub fn with_max_age(mut self, secs: i64) -> Self {
        self.max_age_secs = secs;
        self
    }

    /// Longest token `decode` accepts. Default [`DEFAULT_MAX_TOKEN_LEN`].
    #[must_use]
    pub fn with_max_token_len(mut self, len: usize) -> Self {
        self.max_token_len = len;
        self
    }

    /// The wire format.
    pub fn format(&self) -> WireFormat {
        self.keyring.format()
    }

    /// The HKDF salt.
    pub fn salt(&self) -> &str {
        self.keyring.salt()
    }

    /// The lifetime `encode` gives tokens, in seconds.
    pub fn max_age_secs(&self) -> i64 {
        self.max_age_secs
    }

    /// Stamp `claims` with `iat`, `exp` and a fresh `jti` (see [`SessionClaims::stamp`]) and
    /// encrypt them with the first secret. The stamped claims stay in `claims`, so the caller
    /// knows the new expiry.
    pub fn encode(
        &self,
        claims: &mut SessionClaims,
        now: OffsetDateTime,
        rng: &dyn RandomSource,
    ) -> Result<String, SessionCookieError> {
        claims.stamp(now, self.max_age_secs, rng)?;
        self.encrypt_claims(claims, rng)
    }

    /// Encrypt `claims` exactly as given, without stamping `iat`/`exp`/`jti`.
    ///
    /// Fails with [`SessionCookieError::TokenTooLarge`] rather than emit a token longer than this
    /// codec's decode limit, which no tier could read back.
    pub fn encrypt_claims(
        &self,
        claims: &SessionClaims,
        rng: &dyn RandomSource,
    ) -> Result<String, SessionCookieError> {
        let plaintext = Zeroizing::new(
            serde_json::to_vec(claims.as_map()).map_err(|_| SessionCookieError::ClaimsNotObject)?,
        );
        let token = self.keyring.encrypt(&plaintext, rng)?;
        if token.len() > self.max_token_len {
            return Err(SessionCookieError::TokenTooLarge {
                len: token.len(),
                max: self.max_token_len,
            });
        }
        Ok(token)
    }

    /// Decrypt a token and check its time claims at `now` (15 s tolerance): [`decode_as`]
    /// into [`SessionClaims`].
    ///
    /// [`decode_as`]: Self::decode_as
    pub fn decode(
        &self,
        token: &str,
        now: OffsetDateTime,
    ) -> Result<SessionClaims, SessionCookieError> {
        self.decode_as::<SessionClaims>(token, now)
    }

    /// Decrypt a token, check it and deserialize its payload into `T` — the one decoder every
    /// reader of this workspace goes through, so that all of them judge a token alike:
    ///
    /// 1. the JWE is decrypted with the first secret whose key fits (see [`Secrets`]);
    /// 2. the payload must be one JSON object naming each member once, at any depth
    ///    ([`crate::json`]);
    /// 3. `exp`, `nbf` and `iat`, where present, must be numbers (`null` is not absent): `exp`
    ///    more than 15 s past is [`SessionCookieError::Expired`], `nbf` more than 15 s ahead is
    ///    refused;
    /// 4. the payload is deserialized into `T` (any shape mismatch is
    ///    [`SessionCookieError::ClaimsShape`], naming the claim, as a path like `user.roles[2]`,
    ///    and the kind
    ///    of mismatch, but never a value).
    ///
    /// `T` can be as small as the one claim a caller reads: serde skips the rest.
    pub fn decode_as<T: DeserializeOwned>(
        &self,
        token: &str,
        now: OffsetDateTime,
    ) -> Result<T, SessionCookieError> {
        let plaintext = self.keyring.decrypt(token, self.max_token_len)?;
        // One pass: the strict adaptor checks every object and keeps the time claims while
        // serde fills `T`; the payload's own problems come first, then the times, then `T`.
        let parse = |json: &[u8]| crate::strict::from_str::<T>(crate::json::payload_text(json)?);
        let first = parse(&plaintext);
        let repaired = match first {
            Ok((Ok(_), _)) => None,
            _ => readable(&plaintext),
        };
        let (json, parsed) = match &repaired {
            Some(fixed) => (&fixed[..], parse(fixed)),
            None => (&plaintext[..], first),
        };
        let (value, times) = parsed?;
        crate::claims::check_times(
            times.exp.as_ref(),
            times.nbf.as_ref(),
            times.iat.as_ref(),
            now,
        )?;
        value.map_err(|e| {
            // Only now, on the failure path, find where `T` and the claims part ways.
            let path = std::str::from_utf8(json).ok().and_then(|text| {
                crate::claims::path_of::<T, _>(&mut serde_json::Deserializer::from_str(text))
            });
            SessionCookieError::ClaimsShape(crate::claims::shape_error(&e, path))
        })
    }
}

/// The payload with lone surrogate escapes replaced ([`crate::json::replace_lone_surrogates`]),
/// when there are any; zeroed on drop like the plaintext itself. The decoders call it only when
/// the payload as written does not parse: serde_json refuses a lone surrogate, and a payload
/// without one (nearly all) is then not scanned for escapes at all.
fn readable(plaintext: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    match crate::json::replace_lone_surrogates(plaintext) {
        std::borrow::Cow::Owned(fixed) => Some(Zeroizing::new(fixed)),
        std::borrow::Cow::Borrowed(_) => None,
    }
}

impl fmt::Debug for TokenCodec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCodec")
            .field("format", &self.format())
            .field("salt", &self.salt())
            .field("secrets", &self.keyring.secret_count())
            .field("max_age_secs", &self.max_age_secs)
            .field("max_token_len", &self.max_token_len)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CookieNames, FixedClock, OsRandom, Secrets, WireFormat};

    /// A token whose payload is `json` exactly, sealed with the real key.
    fn sealed(codec: &TokenCodec, json: &str) -> String {
        codec.keyring.encrypt(json.as_bytes(), &OsRandom).unwrap()
    }

    #[test]
    fn every_decoder_refuses_duplicate_members() {
        #[derive(serde::Deserialize)]
        #[allow(dead_code)]
        struct Sub {
            sub: Option<String>,
        }
        let now = FixedClock::at_unix(1_767_225_600).0;
        let future = 1_767_225_600 + 3600;
        for format in [WireFormat::NextAuthV4, WireFormat::AuthJsV5] {
            let names = CookieNames::new(format, false);
            let codec = TokenCodec::for_session(&names, &Secrets::single("s").unwrap());
            for json in [
                format!(r#"{{"sub":"a","exp":1,"exp":{future}}}"#),
                format!(r#"{{"sub":"a","exp":{future},"exp":1}}"#),
                format!(r#"{{"sub":"a","sub":"b","exp":{future}}}"#),
                format!(r#"{{"exp":{future},"user":{{"id":1,"id":2}}}}"#),
                // Inside values a typed view skips: nested in a list, and after a string that
                // holds a brace.
                format!(r#"{{"exp":{future},"groups":["{{",[{{"id":1,"id":2}}]]}}"#),
            ] {
                let token = sealed(&codec, &json);
                assert_eq!(
                    codec.decode(&token, now).unwrap_err(),
                    SessionCookieError::DuplicateMember,
                    "{json}"
                );
                assert_eq!(
                    codec.decode_as::<Sub>(&token, now).err(),
                    Some(SessionCookieError::DuplicateMember)
                );
                assert_eq!(
                    codec.decode_as::<SessionClaims>(&token, now).err(),
                    Some(SessionCookieError::DuplicateMember)
                );
            }
            // A lone surrogate (half an emoji, as `name.slice(0, n)` leaves it) is read as Node
            // reads it: U+FFFD, by every decoder.
            let token = sealed(
                &codec,
                &format!(r#"{{"sub":"a","name":"Jo\ud83d","exp":{future}}}"#),
            );
            assert_eq!(
                codec.decode(&token, now).unwrap().get_str("name"),
                Some("Jo\u{fffd}")
            );
            assert!(codec.decode_as::<Sub>(&token, now).is_ok());
            #[derive(serde::Deserialize)]
            struct Name {
                name: String,
            }
            assert_eq!(
                codec.decode_as::<Name>(&token, now).unwrap().name,
                "Jo\u{fffd}"
            );
            // A skipped claim is checked as strictly as a read one: a bad escape is refused,
            // braces inside strings are just text.
            for (json, ok) in [
                (format!(r#"{{"sub":"a","exp":{future},"x":"\q"}}"#), false),
                // Beyond f64, or deeper than serde_json reads, wherever it sits.
                (
                    format!(r#"{{"sub":"a","exp":{future},"x":[1e400]}}"#),
                    false,
                ),
                (
                    format!(
                        r#"{{"sub":"a","exp":{future},"x":{}}}"#,
                        "[".repeat(130) + &"]".repeat(130)
                    ),
                    false,
                ),
                // Half an emoji in a skipped list: read as U+FFFD by both.
                (
                    format!(r#"{{"sub":"a","exp":{future},"x":["\ud83d"]}}"#),
                    true,
                ),
                (
                    format!(r#"{{"sub":"a","exp":{future},"x":["{{}}",{{"a":"}}"}}]}}"#),
                    true,
                ),
            ] {
                let token = sealed(&codec, &json);
                assert_eq!(codec.decode(&token, now).is_ok(), ok, "{json}");
                assert_eq!(codec.decode_as::<Sub>(&token, now).is_ok(), ok, "{json}");
            }
            // Bytes that are not UTF-8 in a claim the typed view does not read: refused by all.
            let mut payload = format!(r#"{{"sub":"a","exp":{future},"other":"x"#).into_bytes();
            payload.extend_from_slice(b"\xff\"}");
            let token = codec.keyring.encrypt(&payload, &OsRandom).unwrap();
            assert!(codec.decode(&token, now).is_err());
            assert!(codec.decode_as::<Sub>(&token, now).is_err());
            // A typed view that does not fit names the claim, never its value.
            #[derive(Debug, serde::Deserialize)]
            #[allow(dead_code)]
            struct Account {
                user: User,
            }
            #[derive(Debug, serde::Deserialize)]
            #[allow(dead_code)]
            struct User {
                id: u64,
            }
            let token = sealed(
                &codec,
                &format!(r#"{{"sub":"a","exp":{future},"user":{{"id":"u-secret"}}}}"#),
            );
            let text = codec
                .decode_as::<Account>(&token, now)
                .unwrap_err()
                .to_string();
            assert!(text.contains("at `user.id`: invalid type"), "{text}");
            assert!(!text.contains("u-secret"), "{text}");
            // The control: the same payload without the repeat is a session for all of them.
            let token = sealed(&codec, &format!(r#"{{"sub":"a","exp":{future}}}"#));
            assert!(codec.decode(&token, now).is_ok());
            assert!(codec.decode_as::<Sub>(&token, now).is_ok());
        }
    }
}
