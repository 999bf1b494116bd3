//! `josekit` (OpenSSL-backed, so a dev-dependency only) as an independent JOSE implementation:
//! it decrypts what this crate encrypts, and this crate decrypts what it encrypts with the same
//! keys — including headers this crate never emits itself (other member order, `typ`), which
//! take the general header-parsing path instead of the byte-equality fast path.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

use josekit::jwe::{A256KW, Dir, JweHeader};
use josekit::jwt::{self, JwtPayload};
use serde_json::{Map, Value, json};
use session_cookie::kdf::derive_key;
use session_cookie::time::OffsetDateTime;
use session_cookie::{
    CookieNames, OsRandom, Secrets, SessionClaims, SessionCookieError, TokenCodec, WireFormat,
};

const SECRET: &str = "josekit-oracle-secret";

fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_767_225_600).unwrap()
}

fn sample_claims() -> SessionClaims {
    let Value::Object(map) = json!({
        "name": "Zoë \"Q\" Ünïcødé 🦀",
        "email": "zoe@example.com",
        "sub": "42",
        "groups": ["a", "b/c", "</script>"],
        "nested": {"n": 1.5, "neg": -7, "t": true, "nil": null}
    }) else {
        unreachable!()
    };
    SessionClaims::from_map(map)
}

fn key_for(format: WireFormat, salt: &str, len: usize) -> Vec<u8> {
    let secret = session_cookie::AuthSecret::new(SECRET).unwrap();
    derive_key(format, &secret, salt, len)
        .expose_bytes()
        .to_vec()
}

fn payload_map(payload: &JwtPayload) -> Map<String, Value> {
    payload.claims_set().clone()
}

#[test]
fn josekit_decrypts_our_tokens() {
    let secrets = Secrets::single(SECRET).unwrap();
    for (format, secure, enc, len) in [
        (WireFormat::NextAuthV4, false, "A256GCM", 32),
        (WireFormat::NextAuthV4, true, "A256GCM", 32),
        (WireFormat::AuthJsV5, false, "A256CBC-HS512", 64),
        (WireFormat::AuthJsV5, true, "A256CBC-HS512", 64),
    ] {
        let names = CookieNames::new(format, secure);
        let codec = TokenCodec::for_session(&names, &secrets);
        let mut claims = sample_claims();
        let token = codec.encode(&mut claims, now(), &OsRandom).unwrap();

        let key = key_for(format, format.session_salt(names.session_token()), len);
        let decrypter = Dir.decrypter_from_bytes(&key).unwrap();
        let (payload, header) = jwt::decode_with_decrypter(&token, &decrypter).unwrap();
        assert_eq!(header.content_encryption(), Some(enc));
        assert_eq!(
            &payload_map(&payload),
            claims.as_map(),
            "{format:?} secure={secure}"
        );
        if format == WireFormat::AuthJsV5 {
            let kid = header.key_id().expect("v5 tokens carry a kid");
            assert_eq!(kid.len(), 86);
        }
    }
}

fn josekit_token(
    alg_dir: bool,
    enc: &str,
    key: &[u8],
    claims: &SessionClaims,
    kid: Option<&str>,
) -> String {
    let mut header = JweHeader::new();
    header.set_content_encryption(enc);
    header.set_token_type("JWT");
    if let Some(kid) = kid {
        header.set_key_id(kid);
    }
    let payload = JwtPayload::from_map(claims.as_map().clone()).unwrap();
    if alg_dir {
        jwt::encode_with_encrypter(&payload, &header, &Dir.encrypter_from_bytes(key).unwrap())
            .unwrap()
    } else {
        jwt::encode_with_encrypter(
            &payload,
            &header,
            &A256KW.encrypter_from_bytes(key).unwrap(),
        )
        .unwrap()
    }
}

#[test]
fn we_decrypt_josekit_tokens() {
    let secrets = Secrets::single(SECRET).unwrap();
    let claims = sample_claims();

    // v4: dir + A256GCM with the v4 key, josekit's own header bytes.
    let v4 = TokenCodec::new(WireFormat::NextAuthV4, &secrets, "");
    let token = josekit_token(
        true,
        "A256GCM",
        &key_for(WireFormat::NextAuthV4, "", 32),
        &claims,
        None,
    );
    assert_eq!(v4.decode(&token, now()).unwrap(), claims);

    // v5: A256CBC-HS512 with the 64-byte key and its kid; A256GCM with the 32-byte key and kid.
    let salt = "authjs.session-token";
    let v5 = TokenCodec::new(WireFormat::AuthJsV5, &secrets, salt);
    let long = key_for(WireFormat::AuthJsV5, salt, 64);
    let short = key_for(WireFormat::AuthJsV5, salt, 32);
    let secret = session_cookie::AuthSecret::new(SECRET).unwrap();
    let kid_long = derive_key(WireFormat::AuthJsV5, &secret, salt, 64).thumbprint();
    let kid_short = derive_key(WireFormat::AuthJsV5, &secret, salt, 32).thumbprint();
    let cbc = josekit_token(true, "A256CBC-HS512", &long, &claims, Some(&kid_long));
    assert_eq!(v5.decode(&cbc, now()).unwrap(), claims);
    let gcm = josekit_token(true, "A256GCM", &short, &claims, Some(&kid_short));
    assert_eq!(v5.decode(&gcm, now()).unwrap(), claims);
    // A kid naming no configured secret.
    let stranger = josekit_token(true, "A256CBC-HS512", &long, &claims, Some("someone-else"));
    assert_eq!(
        v5.decode(&stranger, now()),
        Err(SessionCookieError::NoMatchingSecret)
    );
}

#[test]
fn key_wrapping_is_refused_even_with_the_right_key() {
    let secrets = Secrets::single(SECRET).unwrap();
    let v4 = TokenCodec::new(WireFormat::NextAuthV4, &secrets, "");
    let key = key_for(WireFormat::NextAuthV4, "", 32);
    let token = josekit_token(false, "A256GCM", &key, &sample_claims(), None);
    let err = v4.decode(&token, now()).unwrap_err();
    assert!(
        matches!(err, SessionCookieError::AlgorithmNotAllowed { .. }),
        "{err}"
    );
}
