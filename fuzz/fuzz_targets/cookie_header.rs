//! Untrusted `Cookie` and `Authorization` headers: parsing, session chunk reassembly, clearing,
//! CSRF cookie verification and OAuth check cookies must never panic.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use session_cookie::time::OffsetDateTime;
use session_cookie::{
    CheckKind, CookieNames, CsrfProtection, OAuthChecks, RequestCookies, Secrets, SessionCookie,
    SessionReader, TokenCodec, WireFormat, bearer_token,
};

struct Fixture {
    names: CookieNames,
    codec: TokenCodec,
    csrf: CsrfProtection,
    checks: OAuthChecks,
}

/// The one reader of the tiers, both formats (the edge's migration setup).
static READER: LazyLock<SessionReader> = LazyLock::new(|| {
    let secrets = Secrets::single("fuzz-secret").expect("valid secret");
    SessionReader::for_formats(
        [WireFormat::NextAuthV4, WireFormat::AuthJsV5],
        &secrets,
        None,
    )
    .expect("two formats")
});

static FIXTURES: LazyLock<Vec<Fixture>> = LazyLock::new(|| {
    let secrets = Secrets::single("fuzz-secret").expect("valid secret");
    [WireFormat::NextAuthV4, WireFormat::AuthJsV5]
        .into_iter()
        .flat_map(|f| [false, true].map(|secure| CookieNames::new(f, secure)))
        .map(|names| Fixture {
            codec: TokenCodec::for_session(&names, &secrets),
            csrf: CsrfProtection::new(&names, &secrets),
            checks: OAuthChecks::new(&names, &secrets),
            names,
        })
        .collect()
});

fuzz_target!(|data: &[u8]| {
    let now = OffsetDateTime::from_unix_timestamp(1_767_225_600).expect("valid time");
    // Header values are bytes (any of them may be ≥ 0x80); HTTP/2 may split cookies over
    // several headers: fuzz that path too.
    let cookies = RequestCookies::parse_all_bytes(data.split(|&b| b == b'\n'));
    for secure in [false, true] {
        let _ = READER.read(&cookies, secure, now);
        let _ = READER.read_as::<serde_json::Value>(&cookies, secure, now);
        let _ = READER.clear(&cookies, secure);
    }
    for fx in FIXTURES.iter() {
        let session = SessionCookie::from_request(&cookies, &fx.names);
        if let Ok(Some(token)) = session.token() {
            let _ = fx.codec.decode(token, now);
        }
        let _ = session.clear();
        if let Ok(Some(token)) = session.token() {
            let _ = session.write(token, now);
        }
        if let Some(value) = cookies.get(fx.names.csrf_token()) {
            let _ = fx.csrf.verify_cookie(value);
        }
        for kind in [
            CheckKind::State,
            CheckKind::PkceCodeVerifier,
            CheckKind::Nonce,
        ] {
            let _ = fx.checks.open(kind, &cookies, "cognito", now);
        }
    }
    if let Ok(header) = std::str::from_utf8(data) {
        let _ = bearer_token(header);
    }
});
