//! Untrusted JWTs, as a Rust API receives them in `Authorization: Bearer` and as the token
//! endpoint returns id_tokens: splitting, base64url, the header, the RS256-only rule, the RSA
//! signature check against a real key set, every claim check and the profile mapping must give
//! a typed error or a verdict, never a panic. Only the two tokens signed with the key's private
//! half (`fixtures/cognito-genuine-tokens.txt`, also in the seed corpus) may verify: the
//! private key was thrown away, so nothing the fuzzer derives from them can.
#![no_main]

use std::sync::LazyLock;

use cognito_provider::fuzzing::verify_offline;
use libfuzzer_sys::fuzz_target;
use openidconnect::core::CoreJsonWebKeySet;

const ISSUER: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Fuzz";
const CLIENT_ID: &str = "fuzzclient0123456789abcdef";

/// A 2048-bit RSA public key under `kid` "a", and a malformed one under "b".
static KEYS: LazyLock<CoreJsonWebKeySet> =
    LazyLock::new(|| serde_json::from_str(include_str!("../fixtures/jwks.json")).expect("jwks"));

static GENUINE: LazyLock<Vec<&str>> = LazyLock::new(|| {
    include_str!("../fixtures/cognito-genuine-tokens.txt")
        .lines()
        .collect()
});

fuzz_target!(|data: &[u8]| {
    let Ok(token) = std::str::from_utf8(data) else {
        return;
    };
    let verdict = verify_offline(token, &KEYS, ISSUER, CLIENT_ID, 1_767_225_600);
    if let Ok((Ok(()), _claims)) = verdict {
        assert!(
            GENUINE.contains(&token),
            "a token the fuzzer made verified: {token}"
        );
    }
});
