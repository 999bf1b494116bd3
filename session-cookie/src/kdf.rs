//! Key derivation: HKDF-SHA256 with each format's salt and info, and the v5 key id.
//!
//! Keys are derived once, when a [`TokenCodec`](crate::TokenCodec) is built, and reused for every
//! token; HKDF is far more expensive than decrypting a session.

use std::fmt;

use hkdf::Hkdf;
use sha2::{Digest, Sha256, Sha512};
use zeroize::Zeroizing;

use crate::{AuthSecret, WireFormat, b64};

/// A derived content-encryption key. `Debug` is redacted and the bytes are zeroed on drop.
#[derive(Clone)]
pub struct EncryptionKey(Zeroizing<Vec<u8>>);

impl EncryptionKey {
    pub(crate) fn from_slice(bytes: &[u8]) -> Self {
        EncryptionKey(Zeroizing::new(bytes.to_vec()))
    }

    /// The raw key bytes.
    pub fn expose_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The RFC 7638 thumbprint Auth.js puts into the `kid` header:
    /// `b64u(SHA-512('{"k":"<b64u key>","kty":"oct"}'))` for the 64-byte key, SHA-256 for the
    /// 32-byte (`A256GCM`) key (Auth.js names the digest after the key's bit length).
    pub fn thumbprint(&self) -> String {
        let k = Zeroizing::new(b64::encode(&self.0));
        let digest = if self.0.len() == 64 {
            ThumbprintHash::Sha512
        } else {
            ThumbprintHash::Sha256
        };
        jwk_thumbprint(&[("k", &k), ("kty", "oct")], digest)
    }
}

/// The digest of an RFC 7638 thumbprint.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ThumbprintHash {
    Sha256,
    Sha512,
}

/// RFC 7638 §3: the JSON object of the key's required members, names in lexicographic order, no
/// whitespace, hashed and base64url-encoded. `members` must already be sorted; their values must
/// need no JSON escaping (base64url text and short names, as every JWK member is).
pub(crate) fn jwk_thumbprint(members: &[(&str, &str)], hash: ThumbprintHash) -> String {
    let mut json = Zeroizing::new(String::from("{"));
    for (i, (name, value)) in members.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push('"');
        json.push_str(name);
        json.push_str("\":\"");
        json.push_str(value);
        json.push('"');
    }
    json.push('}');
    match hash {
        ThumbprintHash::Sha256 => b64::encode(Sha256::digest(json.as_bytes())),
        ThumbprintHash::Sha512 => b64::encode(Sha512::digest(json.as_bytes())),
    }
}

impl fmt::Debug for EncryptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EncryptionKey([redacted; {} bytes])", self.0.len())
    }
}

/// The HKDF `info` string next-auth uses for `format` and `salt`.
pub fn info(format: WireFormat, salt: &str) -> String {
    match format {
        WireFormat::NextAuthV4 if salt.is_empty() => "NextAuth.js Generated Encryption Key".into(),
        WireFormat::NextAuthV4 => format!("NextAuth.js Generated Encryption Key ({salt})"),
        WireFormat::AuthJsV5 => format!("Auth.js Generated Encryption Key ({salt})"),
    }
}

/// `HKDF-SHA256(ikm = secret, salt, info(format, salt), len)`, exactly as next-auth's
/// `getDerivedEncryptionKey` computes it.
///
/// `len` is 32 for v4 and for v5's `A256GCM`, 64 for v5's `A256CBC-HS512`; HKDF output is prefix
/// stable, so the 32-byte key is the first half of the 64-byte one.
///
/// # Panics
///
/// Never for `len` up to 8160 bytes (255 SHA-256 blocks); this crate only asks for 32 or 64.
pub fn derive_key(
    format: WireFormat,
    secret: &AuthSecret,
    salt: &str,
    len: usize,
) -> EncryptionKey {
    let hkdf = Hkdf::<Sha256>::new(Some(salt.as_bytes()), secret.expose_secret().as_bytes());
    let mut okm = Zeroizing::new(vec![0u8; len]);
    #[allow(clippy::expect_used)] // 32 or 64 bytes is far below HKDF-SHA256's 8160-byte limit
    hkdf.expand(info(format, salt).as_bytes(), &mut okm)
        .expect("HKDF output length within limit");
    EncryptionKey(okm)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_strings() {
        assert_eq!(
            info(WireFormat::NextAuthV4, ""),
            "NextAuth.js Generated Encryption Key"
        );
        assert_eq!(
            info(WireFormat::NextAuthV4, "next-auth.state"),
            "NextAuth.js Generated Encryption Key (next-auth.state)"
        );
        assert_eq!(
            info(WireFormat::AuthJsV5, "authjs.session-token"),
            "Auth.js Generated Encryption Key (authjs.session-token)"
        );
    }

    #[test]
    fn key_debug_is_redacted() {
        let secret = AuthSecret::new("s3cret").expect("non-empty");
        let key = derive_key(WireFormat::NextAuthV4, &secret, "", 32);
        assert_eq!(format!("{key:?}"), "EncryptionKey([redacted; 32 bytes])");
    }

    /// RFC 7638 §3.1: the example RSA key's SHA-256 thumbprint, through the same code path the
    /// `kid` of an `oct` key takes.
    #[test]
    fn rfc7638_known_answer() {
        let n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
        let thumbprint = jwk_thumbprint(
            &[("e", "AQAB"), ("kty", "RSA"), ("n", n)],
            ThumbprintHash::Sha256,
        );
        assert_eq!(thumbprint, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
    }

    #[test]
    fn oct_thumbprint_digest_follows_key_length() {
        let short = EncryptionKey(Zeroizing::new(vec![7u8; 32]));
        let long = EncryptionKey(Zeroizing::new(vec![7u8; 64]));
        assert_eq!(short.thumbprint().len(), 43, "SHA-256");
        assert_eq!(long.thumbprint().len(), 86, "SHA-512");
    }
}
