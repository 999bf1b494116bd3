//! Untrusted session tokens: whatever arrives in a cookie or a Bearer header must give a typed
//! error or claims, never a panic, for both wire formats and with secret rotation.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use session_cookie::time::OffsetDateTime;
use session_cookie::{CookieNames, Secrets, TokenCodec, WireFormat};

static CODECS: LazyLock<Vec<TokenCodec>> = LazyLock::new(|| {
    let secrets = Secrets::new(["fuzz-secret-new", "fuzz-secret-old"]).expect("valid secrets");
    [WireFormat::NextAuthV4, WireFormat::AuthJsV5]
        .into_iter()
        .flat_map(|f| {
            [false, true]
                .map(|secure| TokenCodec::for_session(&CookieNames::new(f, secure), &secrets))
        })
        .collect()
});

fuzz_target!(|data: &[u8]| {
    let Ok(token) = std::str::from_utf8(data) else {
        return;
    };
    let now = OffsetDateTime::from_unix_timestamp(1_767_225_600).expect("valid time");
    for codec in CODECS.iter() {
        let _ = codec.decode(token, now);
    }
});
