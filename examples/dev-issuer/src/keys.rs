//! The RS256 signing key, its JWK, and compact JWS signing / verification.

use std::fmt;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::rand_core::OsRng;
use rsa::sha2::Sha256 as Sha256v10;
use rsa::signature::{RandomizedSigner, SignatureEncoding, Verifier};
use rsa::traits::PublicKeyParts;
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::DevIssuerError;

/// Key size of a generated key, as Cognito's.
pub const KEY_BITS: usize = 2048;

/// The issuer's RSA signing key, generated in memory; never written anywhere.
///
/// Cloning is cheap (shared). Tests that build many issuers can generate one key and pass it to
/// each with [`DevIssuerBuilder::signing_key`](crate::DevIssuerBuilder::signing_key).
/// `Debug` shows only the key id.
#[derive(Clone)]
pub struct DevSigningKey {
    inner: Arc<KeyInner>,
}

struct KeyInner {
    signing: SigningKey<Sha256v10>,
    verifying: VerifyingKey<Sha256v10>,
    n: String,
    e: String,
    kid: String,
}

impl fmt::Debug for DevSigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DevSigningKey")
            .field("kid", &self.inner.kid)
            .finish_non_exhaustive()
    }
}

impl DevSigningKey {
    /// Generate a fresh 2048-bit RSA key from the OS's random source.
    ///
    /// About 0.1 s in a release build; in an unoptimised build it takes seconds unless
    /// `num-bigint-dig` is optimised (`[profile.dev.package.num-bigint-dig] opt-level = 3`).
    pub fn generate() -> Result<Self, DevIssuerError> {
        let started = std::time::Instant::now();
        let private =
            RsaPrivateKey::new(&mut OsRng, KEY_BITS).map_err(DevIssuerError::KeyGeneration)?;
        let key = Self::from_private(private);
        tracing::debug!(
            kid = %key.kid(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "generated RSA signing key"
        );
        Ok(key)
    }

    fn from_private(private: RsaPrivateKey) -> Self {
        let public: RsaPublicKey = private.to_public_key();
        let n = URL_SAFE_NO_PAD.encode(public.n().to_bytes_be());
        let e = URL_SAFE_NO_PAD.encode(public.e().to_bytes_be());
        // RFC 7638 thumbprint: the required members in lexicographic order, no whitespace.
        let thumbprint_input = format!(r#"{{"e":"{e}","kty":"RSA","n":"{n}"}}"#);
        let kid = URL_SAFE_NO_PAD.encode(Sha256::digest(thumbprint_input.as_bytes()));
        Self {
            inner: Arc::new(KeyInner {
                signing: SigningKey::<Sha256v10>::new(private),
                verifying: VerifyingKey::<Sha256v10>::new(public),
                n,
                e,
                kid,
            }),
        }
    }

    /// The key id (`kid`): the RFC 7638 SHA-256 thumbprint of the public key.
    pub fn kid(&self) -> &str {
        &self.inner.kid
    }

    /// The public key as a JWK (`kty`, `alg`, `use`, `kid`, `n`, `e`).
    pub fn public_jwk(&self) -> Value {
        json!({
            "alg": "RS256",
            "e": self.inner.e,
            "kid": self.inner.kid,
            "kty": "RSA",
            "n": self.inner.n,
            "use": "sig",
        })
    }

    /// Sign `claims` as a compact RS256 JWS with header `{"kid", "alg"}` (Cognito's header).
    pub(crate) fn sign(&self, claims: &Map<String, Value>) -> String {
        let header = json!({ "kid": self.inner.kid, "alg": "RS256" });
        let mut input = URL_SAFE_NO_PAD.encode(header.to_string());
        input.push('.');
        input.push_str(&URL_SAFE_NO_PAD.encode(Value::Object(claims.clone()).to_string()));
        // Blinded signing (the RNG is used only for blinding; PKCS#1 v1.5 is deterministic).
        let signature = self
            .inner
            .signing
            .sign_with_rng(&mut OsRng, input.as_bytes());
        input.push('.');
        input.push_str(&URL_SAFE_NO_PAD.encode(signature.to_bytes()));
        input
    }

    /// Verify a compact JWS we issued: header `alg` RS256 with our `kid`, and the signature.
    /// Returns the claims; `None` for anything else (no detail: the caller answers one error).
    pub(crate) fn verify(&self, token: &str) -> Option<Map<String, Value>> {
        let mut parts = token.split('.');
        let (header_b64, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let header: Map<String, Value> =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header_b64).ok()?).ok()?;
        if header.get("alg")?.as_str()? != "RS256" || header.get("kid")?.as_str()? != self.kid() {
            return None;
        }
        let signature =
            Signature::try_from(URL_SAFE_NO_PAD.decode(signature).ok()?.as_slice()).ok()?;
        let signing_input = &token.as_bytes()[..header_b64.len() + 1 + payload.len()];
        self.inner
            .verifying
            .verify(signing_input, &signature)
            .ok()?;
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    fn key() -> &'static DevSigningKey {
        static KEY: OnceLock<DevSigningKey> = OnceLock::new();
        KEY.get_or_init(|| DevSigningKey::generate().expect("keygen"))
    }

    #[test]
    fn sign_then_verify_round_trips_and_rejects_tampering() {
        let key = key();
        let mut claims = Map::new();
        claims.insert("sub".into(), json!("x"));
        let token = key.sign(&claims);
        assert_eq!(key.verify(&token), Some(claims));

        // Flip one character of the payload.
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        parts[1] = URL_SAFE_NO_PAD.encode(r#"{"sub":"y"}"#);
        assert_eq!(key.verify(&parts.join(".")), None);
        // alg none / missing signature.
        let none_header =
            URL_SAFE_NO_PAD.encode(format!(r#"{{"kid":"{}","alg":"none"}}"#, key.kid()));
        let original_payload = token.split('.').nth(1).expect("payload");
        assert_eq!(
            key.verify(&format!("{none_header}.{original_payload}.")),
            None
        );
        assert_eq!(key.verify("a.b"), None);
        assert_eq!(key.verify(&format!("{token}.x")), None);
    }

    #[test]
    fn jwk_shape_and_thumbprint() {
        let key = key();
        let jwk = key.public_jwk();
        assert_eq!(jwk["kty"], "RSA");
        assert_eq!(jwk["alg"], "RS256");
        assert_eq!(jwk["use"], "sig");
        assert_eq!(jwk["e"], "AQAB");
        assert_eq!(jwk["kid"], key.kid());
        let n = URL_SAFE_NO_PAD
            .decode(jwk["n"].as_str().expect("n"))
            .expect("n is base64url");
        assert_eq!(n.len(), KEY_BITS / 8);
        assert!(!format!("{key:?}").contains(jwk["n"].as_str().expect("n")));
    }
}
