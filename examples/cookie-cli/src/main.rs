//! `nextauth-cookie`: see what is in a NextAuth session cookie, or mint one.
//!
//! ```text
//! nextauth-cookie decode [--v5] --secret S [--secret S2 ...] [--salt NAME] [--now UNIX]
//!                        (--token T | --cookie-header H [--secure])
//! nextauth-cookie encode [--v5] --secret S [--salt NAME] [--max-age N] [--now UNIX] < claims.json
//! ```
//!
//! `decode` prints the payload as JSON and exits 0. With `--cookie-header` it finds the session
//! cookie by its v4 or v5 name (`__Secure-` variant with `--secure`), puts chunks back together
//! and decodes. On failure it exits 1 with one line `error: <reason>` on stderr, the reason in
//! the test vectors' vocabulary (`expired`, `decryption_failed`, ...).
//!
//! Secrets on the command line end up in shell history and `ps`; prefer
//! `--secret "$NEXTAUTH_SECRET"` from the environment.

use std::io::Read;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use session_cookie::time::OffsetDateTime;
use session_cookie::{
    Claims, Clock, CookieNames, Error, OsRandom, RequestCookies, Secrets, SessionCookie,
    SystemClock, TokenCodec, WireFormat,
};

#[derive(Parser)]
#[command(
    name = "nextauth-cookie",
    version,
    about = "Inspect and mint NextAuth.js session cookies"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Decrypt a session token (or the session cookie of a Cookie header) and print its payload.
    Decode(DecodeArgs),
    /// Encrypt the JSON object on standard input into a session token.
    Encode(EncodeArgs),
}

#[derive(Args)]
struct Common {
    /// Speak Auth.js v5 (authjs.* cookies, A256CBC-HS512) instead of next-auth v4.
    #[arg(long)]
    v5: bool,
    /// The secret (NEXTAUTH_SECRET / AUTH_SECRET). Repeat for rotation: encode uses the first,
    /// decode tries all.
    #[arg(long = "secret", required = true)]
    secrets: Vec<String>,
    /// HKDF salt. Default: "" for v4, the session cookie name for v5.
    #[arg(long)]
    salt: Option<String>,
    /// The secure (https) cookie names: __Secure-next-auth.session-token / __Secure-authjs.session-token.
    #[arg(long)]
    secure: bool,
    /// Pretend the time is this many seconds after the Unix epoch.
    #[arg(long, value_name = "UNIX")]
    now: Option<i64>,
}

#[derive(Args)]
struct DecodeArgs {
    #[command(flatten)]
    common: Common,
    /// The token (a cookie value).
    #[arg(
        long,
        conflicts_with = "cookie_header",
        required_unless_present = "cookie_header"
    )]
    token: Option<String>,
    /// A whole Cookie request header; the session cookie (and its chunks) is found in it.
    #[arg(long)]
    cookie_header: Option<String>,
}

#[derive(Args)]
struct EncodeArgs {
    #[command(flatten)]
    common: Common,
    /// Lifetime in seconds (exp = now + max-age). Default 30 days.
    #[arg(long, value_name = "SECS")]
    max_age: Option<i64>,
}

/// A failure: the reason code for the `error:` line.
struct Failure(&'static str);

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure(e.reason())
    }
}

struct Setup {
    names: CookieNames,
    codec: TokenCodec,
    now: OffsetDateTime,
}

fn setup(common: &Common) -> Result<Setup, Failure> {
    let format = if common.v5 {
        WireFormat::AuthJsV5
    } else {
        WireFormat::NextAuthV4
    };
    let names = CookieNames::new(format, common.secure);
    let secrets = Secrets::new(common.secrets.iter().cloned())?;
    let salt = common
        .salt
        .clone()
        .unwrap_or_else(|| format.session_salt(names.session_token()).to_owned());
    let codec = TokenCodec::new(format, &secrets, &salt);
    let now = match common.now {
        Some(secs) => {
            OffsetDateTime::from_unix_timestamp(secs).map_err(|_| Failure("invalid_time"))?
        }
        None => SystemClock.now(),
    };
    Ok(Setup { names, codec, now })
}

fn decode(args: DecodeArgs) -> Result<String, Failure> {
    let Setup { names, codec, now } = setup(&args.common)?;
    let claims = match (&args.token, &args.cookie_header) {
        (Some(token), _) => codec.decode(token, now)?,
        (None, Some(header)) => {
            let cookies = RequestCookies::parse(header);
            let session = SessionCookie::from_request(&cookies, &names);
            let token = session.token()?.ok_or(Error::NoTokenOrBadHeader)?;
            codec.decode(token, now)?
        }
        (None, None) => return Err(Failure("no_token_or_bad_header")),
    };
    serde_json::to_string_pretty(claims.as_map()).map_err(|_| Failure("payload_not_json_object"))
}

fn encode(args: EncodeArgs) -> Result<String, Failure> {
    let Setup { mut codec, now, .. } = setup(&args.common)?;
    if let Some(max_age) = args.max_age {
        codec = codec.with_max_age(max_age);
    }
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|_| Failure("unreadable_input"))?;
    let mut claims: Claims = match serde_json::from_str(&input) {
        Ok(serde_json::Value::Object(map)) => Claims::from_map(map),
        _ => return Err(Failure("payload_not_json_object")),
    };
    Ok(codec.encode(&mut claims, now, &OsRandom)?)
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Decode(args) => decode(args),
        Command::Encode(args) => encode(args),
    };
    match result {
        Ok(output) => {
            println!("{output}");
            ExitCode::SUCCESS
        }
        Err(Failure(reason)) => {
            eprintln!("error: {reason}");
            ExitCode::from(1)
        }
    }
}
