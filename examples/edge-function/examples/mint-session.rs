//! Session cookies written the way the Rust tier writes them, for the Node test of the packaged
//! function: `mint-session <secret> <now-unix>` prints JSON with one token per wire format and
//! cookie-name mode, minted at `now` with the operating system's randomness (30-day lifetime).

use std::process::ExitCode;

use session_cookie::time::OffsetDateTime;
use session_cookie::{CookieNames, OsRandom, Secrets, SessionClaims, TokenCodec, WireFormat};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(secret), Some(now)) = (args.first(), args.get(1).and_then(|n| n.parse().ok())) else {
        eprintln!("usage: mint-session <secret> <now-unix>");
        return ExitCode::from(2);
    };
    match mint(secret, now) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("mint-session: {e}");
            ExitCode::FAILURE
        }
    }
}

fn mint(secret: &str, now: i64) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    let secrets = Secrets::single(secret)?;
    let at = OffsetDateTime::from_unix_timestamp(now)?;
    let mut out = serde_json::Map::new();
    for (label, format, secure) in [
        ("v4", WireFormat::NextAuthV4, false),
        ("v4_secure", WireFormat::NextAuthV4, true),
        ("v5", WireFormat::AuthJsV5, false),
        ("v5_secure", WireFormat::AuthJsV5, true),
    ] {
        let names = CookieNames::new(format, secure);
        let codec = TokenCodec::for_session(&names, &secrets);
        let mut claims = SessionClaims::new();
        claims.insert("sub", format!("rust-tier-{label}"));
        claims.insert("email", "rust@example.com");
        let token = codec.encode(&mut claims, at, &OsRandom)?;
        out.insert(
            label.to_owned(),
            serde_json::json!({
                "cookie": format!("{}={token}", names.session_token()),
                "sub": format!("rust-tier-{label}"),
                "exp": claims.get("exp"),
            }),
        );
    }
    out.insert("now".to_owned(), now.into());
    Ok(serde_json::Value::Object(out))
}
