//! `nextauth-cookie`: see what is in a NextAuth session cookie, or mint one.
//!
//! ```text
//! nextauth-cookie decode [--v5] [SECRET] [--salt NAME] [--now UNIX]
//!                        (--token T | --cookie-header H [--secure])
//! nextauth-cookie encode [--v5] [SECRET] [--salt NAME] [--max-age N] [--now UNIX] < claims.json
//!
//! SECRET: nothing (NEXTAUTH_SECRET, else AUTH_SECRET, from the environment)
//!       | --secret-stdin (one per line on standard input, up to an empty line)
//!       | --secret S [--secret S2 ...]
//! ```
//!
//! `decode` prints the payload as JSON and exits 0. With `--cookie-header` it finds the session
//! cookie by its v4 or v5 name (`__Secure-` variant with `--secure`), puts chunks back together
//! and decodes. On failure it exits 1 with one line `error: <reason>` on stderr, the reason in
//! the test vectors' vocabulary (`expired`, `decryption_failed`, ...).
//!
//! Where the secret comes from matters: an argument is visible to every user of the machine
//! (`ps`, `/proc/<pid>/cmdline`) and lands in shell history, so `--secret` is for throw-away test
//! secrets. The environment (`NEXTAUTH_SECRET=... nextauth-cookie decode ...`) and standard input
//! (`nextauth-cookie decode --secret-stdin --token T < secret.txt`) are not. With
//! `--secret-stdin`, `encode` reads the secrets, an empty line, then the claims:
//! `printf '%s\n\n{"sub":"u"}' "$SECRET" | nextauth-cookie encode --secret-stdin`.

use std::io::BufRead;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use session_cookie::time::OffsetDateTime;
use session_cookie::{
    Clock, CookieNames, OsRandom, RequestCookies, Secrets, SessionClaims, SessionCookieError,
    SessionReader, SystemClock, TokenCodec, WireFormat,
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
    /// The secret (NEXTAUTH_SECRET / AUTH_SECRET), on the command line: visible in `ps` and
    /// shell history, so for test secrets only. Repeat for rotation: encode uses the first,
    /// decode tries all. Without it and `--secret-stdin`, the environment's NEXTAUTH_SECRET (or
    /// else AUTH_SECRET) is used.
    #[arg(long = "secret")]
    secrets: Vec<String>,
    /// Read the secrets from standard input, one per line, up to an empty line or the end of
    /// input (encode then reads the claims from the rest).
    #[arg(long, conflicts_with = "secrets")]
    secret_stdin: bool,
    /// HKDF salt, for `--token` only. Default: "" for v4, the session cookie name for v5 (a
    /// `--cookie-header` is always read with the default, as every tier reads it).
    #[arg(long)]
    salt: Option<String>,
    /// The secure (https) cookie names: __Secure-next-auth.session-token /
    /// __Secure-authjs.session-token.
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
    /// Taken as bytes, as a server receives it: a neighbour cookie that is not UTF-8 is
    /// skipped, not an error.
    #[arg(long, value_parser = clap::builder::OsStringValueParser::new())]
    cookie_header: Option<std::ffi::OsString>,
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

impl From<SessionCookieError> for Failure {
    fn from(e: SessionCookieError) -> Self {
        Failure(e.reason())
    }
}

struct Setup {
    names: CookieNames,
    codec: TokenCodec,
    /// The session reader of the format, when the salt is the format's own (a cookie header is
    /// read the way every tier reads it).
    reader: Option<SessionReader>,
    now: OffsetDateTime,
}

/// The environment variables read for the secret, in order, when none is given otherwise.
const SECRET_VARIABLES: [&str; 2] = ["NEXTAUTH_SECRET", "AUTH_SECRET"];

/// The secrets, from the first source given: `--secret-stdin`, `--secret`, the environment.
fn secrets(common: &Common, stdin: &mut dyn BufRead) -> Result<Secrets, Failure> {
    let list: Vec<String> = if common.secret_stdin {
        let mut list = Vec::new();
        let mut line = String::new();
        loop {
            line.clear();
            if stdin
                .read_line(&mut line)
                .map_err(|_| Failure("unreadable_input"))?
                == 0
            {
                break;
            }
            let secret = line.trim_end_matches(['\r', '\n']);
            if secret.is_empty() {
                break;
            }
            list.push(secret.to_owned());
        }
        list
    } else if !common.secrets.is_empty() {
        common.secrets.clone()
    } else {
        SECRET_VARIABLES
            .iter()
            .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
            .into_iter()
            .collect()
    };
    Ok(Secrets::new(list)?)
}

fn setup(common: &Common, stdin: &mut dyn BufRead) -> Result<Setup, Failure> {
    let format = if common.v5 {
        WireFormat::AuthJsV5
    } else {
        WireFormat::NextAuthV4
    };
    let names = CookieNames::new(format, common.secure);
    let secrets = secrets(common, stdin)?;
    let salt = common
        .salt
        .clone()
        .unwrap_or_else(|| format.session_salt(names.session_token()).to_owned());
    let codec = TokenCodec::new(format, &secrets, &salt);
    let reader = (salt == format.session_salt(names.session_token()))
        .then(|| SessionReader::new(format, &secrets));
    let now = match common.now {
        Some(secs) => {
            OffsetDateTime::from_unix_timestamp(secs).map_err(|_| Failure("invalid_time"))?
        }
        None => SystemClock.now(),
    };
    Ok(Setup {
        names,
        codec,
        reader,
        now,
    })
}

fn decode(args: DecodeArgs, stdin: &mut dyn BufRead) -> Result<String, Failure> {
    let Setup {
        names,
        codec,
        reader,
        now,
    } = setup(&args.common, stdin)?;
    let claims = match (&args.token, &args.cookie_header) {
        (Some(token), _) => codec.decode(token, now)?,
        (None, Some(header)) => {
            // The session reader of the tiers: names of the scheme, strict chunks, one decoder.
            let reader = reader.ok_or(Failure("salt_not_for_cookie_header"))?;
            let cookies = RequestCookies::parse_all_bytes([header.as_encoded_bytes()]);
            reader
                .read(&cookies, names.secure(), now)?
                .ok_or(SessionCookieError::NoTokenOrBadHeader)?
        }
        (None, None) => return Err(Failure("no_token_or_bad_header")),
    };
    serde_json::to_string_pretty(claims.as_map()).map_err(|_| Failure("payload_not_json_object"))
}

fn encode(args: EncodeArgs, stdin: &mut dyn BufRead) -> Result<String, Failure> {
    let Setup { mut codec, now, .. } = setup(&args.common, stdin)?;
    if let Some(max_age) = args.max_age {
        codec = codec.with_max_age(max_age);
    }
    let mut input = String::new();
    stdin
        .read_to_string(&mut input)
        .map_err(|_| Failure("unreadable_input"))?;
    let mut claims: SessionClaims = match serde_json::from_str(&input) {
        Ok(serde_json::Value::Object(map)) => SessionClaims::from_map(map),
        _ => return Err(Failure("payload_not_json_object")),
    };
    Ok(codec.encode(&mut claims, now, &OsRandom)?)
}

fn main() -> ExitCode {
    let mut stdin = std::io::stdin().lock();
    let result = match Cli::parse().command {
        Command::Decode(args) => decode(args, &mut stdin),
        Command::Encode(args) => encode(args, &mut stdin),
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
