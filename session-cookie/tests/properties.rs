//! Property tests: round trips for every encoder/decoder pair, and "never panics, never accepts
//! a modified token" for every parser of untrusted input.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

use std::collections::BTreeMap;

use proptest::prelude::*;
use serde_json::{Map, Number, Value};
use session_cookie::time::{Duration, OffsetDateTime};
use session_cookie::{
    CookieNames, CsrfProtection, OsRandom, RequestCookies, Secrets, SessionClaims, SessionCookie,
    TokenCodec, WireFormat, bearer_token,
};

fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_767_225_600).unwrap()
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON has no NaN or infinity", |f| f.is_finite())
            .prop_map(|f| Value::Number(Number::from_f64(f).unwrap())),
        // Any Unicode scalar values, including controls, quotes, U+2028 and astral planes.
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn claims() -> impl Strategy<Value = SessionClaims> {
    prop::collection::btree_map(any::<String>(), json_value(), 0..12).prop_map(
        |m: BTreeMap<String, Value>| SessionClaims::from_map(m.into_iter().collect::<Map<_, _>>()),
    )
}

/// Claims with one big member, so the token needs several cookies (but stays under the 32 KiB
/// decode limit: at most 4 bytes per char, 4/3 for base64).
fn large_claims() -> impl Strategy<Value = SessionClaims> {
    (claims(), prop::collection::vec(any::<char>(), 3000..4500)).prop_map(|(mut c, chars)| {
        c.insert("big", chars.into_iter().collect::<String>());
        c
    })
}

fn formats() -> impl Strategy<Value = (WireFormat, bool)> {
    prop_oneof![
        Just((WireFormat::NextAuthV4, false)),
        Just((WireFormat::NextAuthV4, true)),
        Just((WireFormat::AuthJsV5, false)),
        Just((WireFormat::AuthJsV5, true)),
    ]
}

/// A browser cookie jar: applies `Set-Cookie` lines, produces the `Cookie` header.
#[derive(Default)]
struct Jar(Vec<(String, String)>);

impl Jar {
    fn apply(&mut self, line: &str) {
        let cookie = cookie::Cookie::parse(line.to_owned()).unwrap();
        self.0.retain(|(n, _)| n != cookie.name());
        if cookie.max_age() != Some(cookie::time::Duration::ZERO) {
            self.0
                .push((cookie.name().to_owned(), cookie.value().to_owned()));
        }
    }

    fn header(&self) -> String {
        self.0
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn encode_decode_round_trip((format, secure) in formats(), claims in claims()) {
        let secrets = Secrets::new(["current-secret", "previous-secret"]).unwrap();
        let codec = TokenCodec::for_session(&CookieNames::new(format, secure), &secrets);
        let mut stamped = claims.clone();
        let token = codec.encode(&mut stamped, now(), &OsRandom).unwrap();
        let decoded = codec.decode(&token, now()).unwrap();
        prop_assert_eq!(decoded.as_map(), stamped.as_map());
        let typed: Map<String, Value> = codec.decode_as(&token, now()).unwrap();
        prop_assert_eq!(&typed, stamped.as_map());
        // Every original member survives unchanged (stamping only sets iat, exp, jti).
        for (k, v) in claims.as_map() {
            if !matches!(k.as_str(), "iat" | "exp" | "jti") {
                prop_assert_eq!(decoded.get(k), Some(v));
            }
        }
    }

    #[test]
    fn rotation_decodes_tokens_of_any_listed_secret((format, secure) in formats(), claims in claims()) {
        let names = CookieNames::new(format, secure);
        let old = TokenCodec::for_session(&names, &Secrets::single("old-secret").unwrap());
        let rotated = TokenCodec::for_session(&names, &Secrets::new(["new-secret", "old-secret"]).unwrap());
        let mut c = claims;
        let token = old.encode(&mut c, now(), &OsRandom).unwrap();
        prop_assert_eq!(rotated.decode(&token, now()).unwrap(), c);
        let dropped = TokenCodec::for_session(&names, &Secrets::single("new-secret").unwrap());
        prop_assert!(dropped.decode(&token, now()).is_err());
    }

    #[test]
    fn any_modified_token_is_rejected((format, secure) in formats(), claims in claims(), pos in any::<prop::sample::Index>(), replacement in "[A-Za-z0-9_.-]") {
        let codec = TokenCodec::for_session(&CookieNames::new(format, secure), &Secrets::single("s").unwrap());
        let mut c = claims;
        let token = codec.encode(&mut c, now(), &OsRandom).unwrap();
        let i = pos.index(token.len());
        let mut bytes = token.clone().into_bytes();
        bytes[i] = replacement.as_bytes()[0];
        let modified = String::from_utf8(bytes).unwrap();
        prop_assume!(modified != token);
        prop_assert!(codec.decode(&modified, now()).is_err());
    }

    #[test]
    fn chunked_cookies_round_trip_through_a_browser_jar(
        (format, secure) in formats(),
        sessions in prop::collection::vec(prop_oneof![claims(), large_claims()], 1..5),
    ) {
        // A sequence of re-issues (growing and shrinking) through one jar: the jar always ends
        // up holding exactly the newest token, with no stale chunk left behind.
        let names = CookieNames::new(format, secure);
        let codec = TokenCodec::for_session(&names, &Secrets::single("s").unwrap());
        let mut jar = Jar::default();
        for claims in sessions {
            let header = jar.header();
            let cookies = RequestCookies::parse(&header);
            let session = SessionCookie::from_request(&cookies, &names);
            let mut c = claims;
            let token = codec.encode(&mut c, now(), &OsRandom).unwrap();
            for line in session.write(&token, now() + Duration::days(30)) {
                jar.apply(&line.to_string());
            }
            let header = jar.header();
            let cookies = RequestCookies::parse(&header);
            let read = SessionCookie::from_request(&cookies, &names);
            prop_assert_eq!(read.token().unwrap(), Some(token.as_str()));
            let chunks = token.len().div_ceil(format.chunk_size());
            prop_assert_eq!(jar.0.len(), if chunks > 1 { chunks } else { 1 });
            prop_assert_eq!(codec.decode(read.token().unwrap().unwrap(), now()).unwrap(), c);
        }
        // Sign-out empties the jar.
        let header = jar.header();
        let cookies = RequestCookies::parse(&header);
        for line in SessionCookie::from_request(&cookies, &names).clear() {
            jar.apply(&line.to_string());
        }
        prop_assert!(jar.0.is_empty());
    }

    #[test]
    fn csrf_cookie_round_trip_and_tamper((format, secure) in formats(), pos in any::<prop::sample::Index>(), flip in 1u8..16) {
        let csrf = CsrfProtection::new(&CookieNames::new(format, secure), &Secrets::new(["a", "b"]).unwrap());
        let (token, cookie) = csrf.issue(&OsRandom).unwrap();
        prop_assert!(csrf.verify_cookie(cookie.value()).is_some_and(|t| t.matches(token.expose_secret())));
        let outcome = csrf.check(Some(cookie.value()), true, Some(token.expose_secret()), &OsRandom).unwrap();
        prop_assert!(outcome.verified);
        // Change one hex digit anywhere: the cookie no longer verifies.
        let mut bytes = cookie.value().as_bytes().to_vec();
        let i = pos.index(bytes.len());
        prop_assume!(bytes[i] != b'|');
        let digit = (bytes[i] as char).to_digit(16).unwrap() as u8;
        bytes[i] = char::from_digit(u32::from((digit + flip) % 16), 16).unwrap() as u8;
        prop_assert!(csrf.verify_cookie(std::str::from_utf8(&bytes).unwrap()).is_none());
    }

    #[test]
    fn decode_never_panics(input in any::<String>(), (format, secure) in formats()) {
        let codec = TokenCodec::for_session(&CookieNames::new(format, secure), &Secrets::single("s").unwrap());
        let _ = codec.decode(&input, now());
    }

    #[test]
    fn decode_never_panics_on_jwe_shaped_input(segments in prop::collection::vec("[A-Za-z0-9_-]{0,40}", 5), (format, secure) in formats()) {
        let codec = TokenCodec::for_session(&CookieNames::new(format, secure), &Secrets::single("s").unwrap());
        let token = segments.join(".");
        prop_assert!(codec.decode(&token, now()).is_err());
    }

    #[test]
    fn cookie_header_parsing_never_panics(header in any::<String>(), (format, secure) in formats()) {
        let names = CookieNames::new(format, secure);
        let cookies = RequestCookies::parse(&header);
        let session = SessionCookie::from_request(&cookies, &names);
        let _ = session.token();
        let _ = session.clear();
        let _ = bearer_token(&header);
    }

    #[test]
    fn oversized_tokens_are_never_emitted((format, secure) in formats(), extra in 0usize..4096) {
        let codec = TokenCodec::for_session(&CookieNames::new(format, secure), &Secrets::single("s").unwrap());
        let mut claims = SessionClaims::new();
        claims.insert("big", "a".repeat(session_cookie::DEFAULT_MAX_TOKEN_LEN + extra));
        let err = codec.encode(&mut claims, now(), &OsRandom).unwrap_err();
        prop_assert!(
            matches!(err, session_cookie::SessionCookieError::TokenTooLarge { .. }),
            "{}",
            err
        );
    }

    #[test]
    fn bearer_round_trip(token in "[A-Za-z0-9_.~-]{1,200}") {
        prop_assert_eq!(bearer_token(&format!("Bearer {token}")).unwrap(), token);
    }
}
