//! Compact JWE with `alg: "dir"`: `A256GCM` (v4, and v5 on decode) and `A256CBC-HS512` (v5).
//!
//! Hand-written over RustCrypto primitives rather than a general JOSE library: the general
//! libraries either pull in OpenSSL (which cannot go to the edge as wasm) or accept every
//! algorithm the standard knows, while this format needs exactly two content encryptions, one
//! key-management mode and a strict allow-list.

use aes::Aes256;
use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce, Tag};
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockModeDecrypt, BlockModeEncrypt, InnerIvInit};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha512;
use zeroize::Zeroizing;

use crate::error::Malformed;
use crate::kdf::{EncryptionKey, derive_key};
use crate::{RandomSource, Secrets, SessionCookieError, WireFormat, b64};

/// `{"alg":"dir","enc":"A256GCM"}`, the only header next-auth 4 emits.
const V4_HEADER_B64: &str = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0";

const GCM_IV_LEN: usize = 12;
const GCM_TAG_LEN: usize = 16;
const CBC_IV_LEN: usize = 16;
const CBC_TAG_LEN: usize = 32;

/// The content encryption of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Enc {
    A256Gcm,
    A256CbcHs512,
}

/// AES-256-CBC + HMAC-SHA-512/256 (RFC 7518 §5.2.5) keys, ready to use.
#[derive(Clone)]
struct CbcHs512 {
    /// HMAC keyed with the first 32 bytes; cloned per token so the key schedule runs once.
    mac: Hmac<Sha512>,
    /// AES-256 keyed with the last 32 bytes.
    aes: Aes256,
}

impl CbcHs512 {
    fn new(key: &[u8]) -> Self {
        CbcHs512 {
            mac: hmac_sha512(&key[..32]),
            aes: aes256(&key[32..64]),
        }
    }

    /// RFC 7518 §5.2.2.1: PKCS#7-pad and encrypt, then MAC; the tag is the MAC's first half.
    fn seal(
        &self,
        iv: &[u8; CBC_IV_LEN],
        aad: &[u8],
        plaintext: &[u8],
    ) -> (Vec<u8>, [u8; CBC_TAG_LEN]) {
        let ciphertext = cbc::Encryptor::<Aes256>::inner_iv_init(self.aes.clone(), iv.into())
            .encrypt_padded_vec::<Pkcs7>(plaintext);
        let mut mac = self.mac.clone();
        mac_input(&mut mac, aad, iv, &ciphertext);
        let full: [u8; 64] = mac.finalize().into_bytes().into();
        let mut tag = [0u8; CBC_TAG_LEN];
        tag.copy_from_slice(&full[..CBC_TAG_LEN]);
        (ciphertext, tag)
    }

    /// RFC 7518 §5.2.2.2: check the tag in constant time first (encrypt-then-MAC), and only then
    /// decrypt and remove the padding.
    fn open(
        &self,
        iv: &[u8; CBC_IV_LEN],
        aad: &[u8],
        mut ciphertext: Zeroizing<Vec<u8>>,
        tag: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, SessionCookieError> {
        let mut mac = self.mac.clone();
        mac_input(&mut mac, aad, iv, &ciphertext);
        mac.verify_truncated_left(tag)
            .map_err(|_| SessionCookieError::DecryptionFailed)?;
        if ciphertext.is_empty() || !ciphertext.len().is_multiple_of(16) {
            return Err(SessionCookieError::DecryptionFailed);
        }
        let plaintext_len = cbc::Decryptor::<Aes256>::inner_iv_init(self.aes.clone(), iv.into())
            .decrypt_padded::<Pkcs7>(&mut ciphertext)
            .map_err(|_| SessionCookieError::DecryptionFailed)?
            .len();
        ciphertext.truncate(plaintext_len);
        Ok(ciphertext)
    }
}

/// Everything derived from one secret for one salt.
#[derive(Clone)]
struct SecretKeys {
    /// AES-256-GCM: the v4 key, or the first half of the v5 key.
    gcm: Aes256Gcm,
    /// v5 only.
    cbc: Option<CbcHs512>,
    /// v5 only: thumbprints of the 64-byte and the 32-byte key.
    kid_cbc: Option<String>,
    kid_gcm: Option<String>,
    /// The protected header segment a token encrypted with this secret starts with.
    header_b64: String,
}

/// The keys of every configured secret for one (format, salt) pair.
#[derive(Clone)]
pub(crate) struct Keyring {
    format: WireFormat,
    salt: String,
    keys: Vec<SecretKeys>,
}

impl Keyring {
    pub(crate) fn new(format: WireFormat, secrets: &Secrets, salt: &str) -> Self {
        let keys = secrets
            .iter()
            .map(|secret| match format {
                WireFormat::NextAuthV4 => {
                    let key = derive_key(format, secret, salt, 32);
                    SecretKeys {
                        gcm: gcm_cipher(&key.expose_bytes()[..32]),
                        cbc: None,
                        kid_cbc: None,
                        kid_gcm: None,
                        header_b64: V4_HEADER_B64.to_owned(),
                    }
                }
                WireFormat::AuthJsV5 => {
                    let key = derive_key(format, secret, salt, 64);
                    let bytes = key.expose_bytes();
                    let kid_cbc = key.thumbprint();
                    let half = EncryptionKey::from_slice(&bytes[..32]);
                    let header =
                        format!(r#"{{"alg":"dir","enc":"A256CBC-HS512","kid":"{kid_cbc}"}}"#);
                    SecretKeys {
                        gcm: gcm_cipher(&bytes[..32]),
                        cbc: Some(CbcHs512::new(bytes)),
                        kid_gcm: Some(half.thumbprint()),
                        kid_cbc: Some(kid_cbc),
                        header_b64: b64::encode(header),
                    }
                }
            })
            .collect();
        Keyring {
            format,
            salt: salt.to_owned(),
            keys,
        }
    }

    pub(crate) fn format(&self) -> WireFormat {
        self.format
    }

    pub(crate) fn salt(&self) -> &str {
        &self.salt
    }

    pub(crate) fn secret_count(&self) -> usize {
        self.keys.len()
    }

    /// Encrypt `plaintext` with the first secret, as next-auth's `encode` does.
    pub(crate) fn encrypt(
        &self,
        plaintext: &[u8],
        rng: &dyn RandomSource,
    ) -> Result<String, SessionCookieError> {
        let keys = &self.keys[0];
        let aad = keys.header_b64.as_bytes();
        match (self.format, &keys.cbc) {
            (WireFormat::AuthJsV5, Some(cbc)) => {
                let iv: [u8; CBC_IV_LEN] = crate::env::random_array(rng)?;
                let (ciphertext, tag) = cbc.seal(&iv, aad, plaintext);
                Ok(assemble(&keys.header_b64, &iv, &ciphertext, &tag))
            }
            _ => {
                let iv: [u8; GCM_IV_LEN] = crate::env::random_array(rng)?;
                let mut buffer = plaintext.to_vec();
                let tag = keys
                    .gcm
                    .encrypt_inout_detached(&Nonce::from(iv), aad, buffer.as_mut_slice().into())
                    .map_err(|_| SessionCookieError::DecryptionFailed)?;
                Ok(assemble(&keys.header_b64, &iv, &buffer, &tag))
            }
        }
    }

    /// Decrypt a compact JWE, returning the plaintext.
    pub(crate) fn decrypt(
        &self,
        token: &str,
        max_len: usize,
    ) -> Result<Zeroizing<Vec<u8>>, SessionCookieError> {
        if token.is_empty() {
            return Err(SessionCookieError::EmptyToken);
        }
        if token.len() > max_len {
            return Err(SessionCookieError::TokenTooLarge {
                len: token.len(),
                max: max_len,
            });
        }
        let mut segments = token.split('.');
        let (Some(header), Some(encrypted_key), Some(iv), Some(ciphertext), Some(tag), None) = (
            segments.next(),
            segments.next(),
            segments.next(),
            segments.next(),
            segments.next(),
            segments.next(),
        ) else {
            return Err(SessionCookieError::MalformedJwe(Malformed::SegmentCount));
        };

        let (enc, candidates) = self.select_keys(header)?;
        if !encrypted_key.is_empty() {
            return Err(SessionCookieError::MalformedJwe(
                Malformed::UnexpectedEncryptedKey,
            ));
        }
        // IV and tag are checked before the ciphertext is decoded: they are short, and their
        // lengths are fixed by `enc`.
        let array_error = |wrong_length: Malformed| {
            move |e| match e {
                b64::ArrayError::Base64 => SessionCookieError::MalformedJwe(Malformed::Base64),
                b64::ArrayError::Length => SessionCookieError::MalformedJwe(wrong_length),
            }
        };
        let aad = header.as_bytes();
        match enc {
            Enc::A256Gcm => {
                let iv: [u8; GCM_IV_LEN] =
                    b64::decode_array(iv).map_err(array_error(Malformed::IvLength))?;
                let tag: [u8; GCM_TAG_LEN] =
                    b64::decode_array(tag).map_err(array_error(Malformed::TagLength))?;
                let mut ciphertext_bytes = decode_ciphertext(ciphertext)?;
                let (nonce, tag) = (Nonce::from(iv), Tag::from(tag));
                let last = candidates.len() - 1;
                for (i, keys) in candidates.iter().enumerate() {
                    // Only v4 ever has several candidates (no `kid`): each needs a fresh copy of
                    // the ciphertext, as a failed attempt leaves the buffer undefined.
                    let mut buffer = if i == last {
                        std::mem::take(&mut ciphertext_bytes)
                    } else {
                        Zeroizing::new(ciphertext_bytes.to_vec())
                    };
                    if keys
                        .gcm
                        .decrypt_inout_detached(&nonce, aad, buffer.as_mut_slice().into(), &tag)
                        .is_ok()
                    {
                        return Ok(buffer);
                    }
                }
                Err(SessionCookieError::DecryptionFailed)
            }
            Enc::A256CbcHs512 => {
                let iv: [u8; CBC_IV_LEN] =
                    b64::decode_array(iv).map_err(array_error(Malformed::IvLength))?;
                let tag: [u8; CBC_TAG_LEN] =
                    b64::decode_array(tag).map_err(array_error(Malformed::TagLength))?;
                let ciphertext_bytes = decode_ciphertext(ciphertext)?;
                let cbc = candidates[0]
                    .cbc
                    .as_ref()
                    .ok_or(SessionCookieError::DecryptionFailed)?;
                cbc.open(&iv, aad, ciphertext_bytes, &tag)
            }
        }
    }

    /// Parse and gate the protected header, then pick the keys to try.
    fn select_keys(&self, header_b64: &str) -> Result<(Enc, &[SecretKeys]), SessionCookieError> {
        // Fast path: a header we emit ourselves is recognised by its exact bytes.
        match self.format {
            WireFormat::NextAuthV4 if header_b64 == V4_HEADER_B64 => {
                return Ok((Enc::A256Gcm, &self.keys));
            }
            WireFormat::AuthJsV5 => {
                if let Some(i) = self.keys.iter().position(|k| k.header_b64 == header_b64) {
                    return Ok((Enc::A256CbcHs512, &self.keys[i..=i]));
                }
            }
            WireFormat::NextAuthV4 => {}
        }

        let header = parse_header(header_b64)?;
        let enc = gate(self.format, &header.alg, &header.enc)?;
        match self.format {
            WireFormat::NextAuthV4 => Ok((enc, &self.keys)),
            WireFormat::AuthJsV5 => match &header.kid {
                // As @auth/core: without a `kid`, only the first secret is tried.
                None => Ok((enc, &self.keys[..1])),
                Some(kid) => {
                    let found = self.keys.iter().position(|k| {
                        let candidate = match enc {
                            Enc::A256CbcHs512 => &k.kid_cbc,
                            Enc::A256Gcm => &k.kid_gcm,
                        };
                        candidate.as_deref() == Some(kid.as_str())
                    });
                    found
                        .map(|i| (enc, &self.keys[i..=i]))
                        .ok_or(SessionCookieError::NoMatchingSecret)
                }
            },
        }
    }
}

/// The ciphertext segment's bytes, in a buffer that is zeroed when dropped (it is decrypted in
/// place).
fn decode_ciphertext(segment: &str) -> Result<Zeroizing<Vec<u8>>, SessionCookieError> {
    let mut bytes = Zeroizing::new(Vec::with_capacity(segment.len() * 3 / 4 + 3));
    if b64::decode_into(segment, &mut bytes) {
        Ok(bytes)
    } else {
        Err(SessionCookieError::MalformedJwe(Malformed::Base64))
    }
}

/// The protected header members we read. Unknown members are ignored, except those that change
/// how the token must be processed (`zip`, `crit`), which are refused.
///
/// A member that is present counts as present whatever its value: jose refuses `"zip": null`
/// and `"crit": null`, and a `"kid": null` is not "no kid" (which would try the first secret)
/// but a malformed header. serde's `Option` would read each `null` as absent.
#[derive(Deserialize)]
struct Header {
    alg: String,
    enc: String,
    #[serde(default, deserialize_with = "string_when_present")]
    kid: Option<String>,
    #[serde(default, deserialize_with = "present")]
    zip: Option<()>,
    #[serde(default, deserialize_with = "present")]
    crit: Option<()>,
    /// Claims replicated as header parameters (RFC 7519 §5.3). jose requires them to equal the
    /// payload's; the packages never write them, so any of them is refused outright.
    #[serde(default, deserialize_with = "present")]
    iss: Option<()>,
    #[serde(default, deserialize_with = "present")]
    sub: Option<()>,
    #[serde(default, deserialize_with = "present")]
    aud: Option<()>,
}

/// `Some(())` for a member that is there, `null` included.
fn present<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<()>, D::Error> {
    serde::de::IgnoredAny::deserialize(deserializer).map(|_| Some(()))
}

/// A member that, when there, must be a string (`null` is refused, not read as absent).
fn string_when_present<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    String::deserialize(deserializer).map(Some)
}

fn parse_header(header_b64: &str) -> Result<Header, SessionCookieError> {
    let bytes =
        b64::decode(header_b64).ok_or(SessionCookieError::MalformedJwe(Malformed::Base64))?;
    // A JOSE header is one JSON object naming each parameter once (serde would fill `Header`
    // from an array by position, and pick either of two `alg`s).
    crate::json::ensure_unique_members(&bytes).map_err(|e| match e {
        SessionCookieError::DuplicateMember => e,
        _ => SessionCookieError::MalformedJwe(Malformed::Header),
    })?;
    let header: Header = serde_json::from_slice(&bytes)
        .map_err(|_| SessionCookieError::MalformedJwe(Malformed::Header))?;
    if header.crit.is_some() {
        return Err(SessionCookieError::MalformedJwe(Malformed::CriticalHeader));
    }
    if header.zip.is_some() {
        return Err(SessionCookieError::CompressionNotAllowed);
    }
    if header.iss.is_some() || header.sub.is_some() || header.aud.is_some() {
        return Err(SessionCookieError::MalformedJwe(Malformed::Header));
    }
    Ok(header)
}

/// The algorithm allow-list.
///
/// v5 (as @auth/core): `dir` with `A256CBC-HS512` or `A256GCM`. v4: `dir` with `A256GCM` only —
/// next-auth 4 passes no allow-list to jose and so also accepts key wrapping, PBES2 and
/// `A128CBC-HS256`, none of which it emits. `dir` with an `enc` whose key length differs from the
/// derived 32 bytes is reported as a key-length error, as next-auth does.
fn gate(format: WireFormat, alg: &str, enc: &str) -> Result<Enc, SessionCookieError> {
    match (format, alg, enc) {
        (WireFormat::NextAuthV4, "dir", "A256GCM") => Ok(Enc::A256Gcm),
        (
            WireFormat::NextAuthV4,
            "dir",
            "A128GCM" | "A192GCM" | "A192CBC-HS384" | "A256CBC-HS512",
        ) => Err(SessionCookieError::MalformedJwe(Malformed::KeyLength)),
        (WireFormat::AuthJsV5, "dir", "A256CBC-HS512") => Ok(Enc::A256CbcHs512),
        (WireFormat::AuthJsV5, "dir", "A256GCM") => Ok(Enc::A256Gcm),
        _ => Err(SessionCookieError::alg_not_allowed(alg, enc)),
    }
}

fn gcm_cipher(key: &[u8]) -> Aes256Gcm {
    #[allow(clippy::expect_used)] // callers pass exactly 32 bytes
    Aes256Gcm::new_from_slice(key).expect("32-byte AES-256-GCM key")
}

fn aes256(key: &[u8]) -> Aes256 {
    #[allow(clippy::expect_used)] // callers pass exactly 32 bytes
    Aes256::new_from_slice(key).expect("32-byte AES-256 key")
}

fn hmac_sha512(key: &[u8]) -> Hmac<Sha512> {
    #[allow(clippy::expect_used)] // HMAC accepts keys of any length
    <Hmac<Sha512> as KeyInit>::new_from_slice(key).expect("HMAC takes any key length")
}

/// RFC 7518 §5.2.2.1 step 4: MAC over `AAD ‖ IV ‖ ciphertext ‖ AL`, AL = AAD length in bits.
fn mac_input(mac: &mut Hmac<Sha512>, aad: &[u8], iv: &[u8], ciphertext: &[u8]) {
    mac.update(aad);
    mac.update(iv);
    mac.update(ciphertext);
    mac.update(&((aad.len() as u64) * 8).to_be_bytes());
}

/// `header..iv.ciphertext.tag` (the encrypted-key segment is empty with `dir`).
fn assemble(header_b64: &str, iv: &[u8], ciphertext: &[u8], tag: &[u8]) -> String {
    let mut token = String::with_capacity(
        header_b64.len() + 4 + (iv.len() + ciphertext.len() + tag.len()) * 4 / 3 + 3,
    );
    token.push_str(header_b64);
    token.push_str("..");
    b64::encode_into(iv, &mut token);
    token.push('.');
    b64::encode_into(ciphertext, &mut token);
    token.push('.');
    b64::encode_into(tag, &mut token);
    token
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the differential suite: jose refuses a header `sub` that differs from the
    /// payload's; the packages never write one, so any replicated claim is refused.
    #[test]
    fn claims_replicated_in_the_header_are_refused() {
        for member in ["iss", "sub", "aud"] {
            let header = format!(r#"{{"alg":"dir","enc":"A256GCM","{member}":"x"}}"#);
            assert!(
                matches!(
                    parse_header(&b64::encode(header)),
                    Err(SessionCookieError::MalformedJwe(Malformed::Header))
                ),
                "{member}"
            );
        }
        assert!(parse_header(&b64::encode(r#"{"alg":"dir","enc":"A256GCM"}"#)).is_ok());
    }

    #[test]
    fn v4_header_constant_is_the_spec_header() {
        assert_eq!(
            b64::decode(V4_HEADER_B64).as_deref(),
            Some(&br#"{"alg":"dir","enc":"A256GCM"}"#[..])
        );
    }

    #[test]
    fn header_must_be_one_object_naming_each_parameter_once() {
        let parse = |json: &str| parse_header(&b64::encode(json.as_bytes()));
        assert!(parse(r#"{"alg":"dir","enc":"A256GCM"}"#).is_ok());
        assert_eq!(
            parse(r#"{"alg":"dir","enc":"A256GCM","enc":"A256GCM"}"#).err(),
            Some(SessionCookieError::DuplicateMember)
        );
        assert_eq!(
            parse(r#"{"alg":"dir","alg":"none","enc":"A256GCM"}"#).err(),
            Some(SessionCookieError::DuplicateMember)
        );
        assert_eq!(
            parse(r#"["dir","A256GCM"]"#).err(),
            Some(SessionCookieError::MalformedJwe(Malformed::Header))
        );
        // Present is present: null is not absent (jose refuses these too).
        assert_eq!(
            parse(r#"{"alg":"dir","enc":"A256GCM","zip":null}"#).err(),
            Some(SessionCookieError::CompressionNotAllowed)
        );
        assert_eq!(
            parse(r#"{"alg":"dir","enc":"A256GCM","crit":null}"#).err(),
            Some(SessionCookieError::MalformedJwe(Malformed::CriticalHeader))
        );
        assert_eq!(
            parse(r#"{"alg":"dir","enc":"A256CBC-HS512","kid":null}"#).err(),
            Some(SessionCookieError::MalformedJwe(Malformed::Header))
        );
        assert_eq!(
            parse(r#"{"alg":"dir","enc":"A256CBC-HS512","kid":5}"#).err(),
            Some(SessionCookieError::MalformedJwe(Malformed::Header))
        );
        // Header bytes that are not UTF-8, inside a member or outside.
        for bytes in [
            &b"{\"alg\":\"dir\",\"enc\":\"A256GCM\",\"x\":\"\xff\"}"[..],
            b"{\"alg\":\"dir\",\"enc\":\"A256GCM\"}\xff",
        ] {
            assert_eq!(
                parse_header(&b64::encode(bytes)).err(),
                Some(SessionCookieError::MalformedJwe(Malformed::Header)),
                "{bytes:?}"
            );
        }
    }

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// RFC 7518 Appendix B.3, AES_256_CBC_HMAC_SHA_512, through the codec's own seal/open.
    #[test]
    fn rfc7518_b3_known_answer() {
        let key = hex(concat!(
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
            "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
        ));
        let plaintext = hex(concat!(
            "41206369706865722073797374656d206d757374206e6f742062652072657175",
            "6972656420746f206265207365637265742c20616e64206974206d7573742062",
            "652061626c6520746f2066616c6c20696e746f207468652068616e6473206f66",
            "2074686520656e656d7920776974686f757420696e636f6e76656e69656e6365"
        ));
        let iv: [u8; 16] = hex("1af38c2dc2b96ffdd86694092341bc04").try_into().unwrap();
        let aad = hex(concat!(
            "546865207365636f6e64207072696e6369706c65206f66204175677573746520",
            "4b6572636b686f666673"
        ));
        let expected_ciphertext = hex(concat!(
            "4affaaadb78c31c5da4b1b590d10ffbd3dd8d5d302423526912da037ecbcc7bd",
            "822c301dd67c373bccb584ad3e9279c2e6d12a1374b77f077553df829410446b",
            "36ebd97066296ae6427ea75c2e0846a11a09ccf5370dc80bfecbad28c73f09b3",
            "a3b75e662a2594410ae496b2e2e6609e31e6e02cc837f053d21f37ff4f51950b",
            "be2638d09dd7a4930930806d0703b1f6"
        ));
        let expected_tag = hex("4dd3b4c088a7f45c216839645b2012bf2e6269a8c56a816dbc1b267761955bc5");

        let keys = CbcHs512::new(&key);
        let (ciphertext, tag) = keys.seal(&iv, &aad, &plaintext);
        assert_eq!(ciphertext, expected_ciphertext);
        assert_eq!(tag.to_vec(), expected_tag);

        let opened = keys
            .open(&iv, &aad, Zeroizing::new(ciphertext.clone()), &tag)
            .unwrap();
        assert_eq!(*opened, plaintext);
        let mut bad_tag = tag;
        bad_tag[31] ^= 1;
        assert_eq!(
            keys.open(&iv, &aad, Zeroizing::new(ciphertext), &bad_tag),
            Err(SessionCookieError::DecryptionFailed)
        );
    }

    #[test]
    fn gate_table() {
        use WireFormat::*;
        assert_eq!(gate(NextAuthV4, "dir", "A256GCM"), Ok(Enc::A256Gcm));
        assert_eq!(gate(AuthJsV5, "dir", "A256GCM"), Ok(Enc::A256Gcm));
        assert_eq!(
            gate(AuthJsV5, "dir", "A256CBC-HS512"),
            Ok(Enc::A256CbcHs512)
        );
        for (alg, enc) in [
            ("A256KW", "A256GCM"),
            ("PBES2-HS256+A128KW", "A256GCM"),
            ("dir", "A128CBC-HS256"),
            ("none", "A256GCM"),
        ] {
            assert_eq!(
                gate(NextAuthV4, alg, enc).unwrap_err().reason(),
                "alg_not_allowed"
            );
            assert_eq!(
                gate(AuthJsV5, alg, enc).unwrap_err().reason(),
                "alg_not_allowed"
            );
        }
        assert_eq!(
            gate(NextAuthV4, "dir", "A128GCM"),
            Err(SessionCookieError::MalformedJwe(Malformed::KeyLength))
        );
    }
}
