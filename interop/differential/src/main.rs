//! The differential suite's Rust side: every Rust session reader judges the mutated session
//! cookies that `interop/jwt/differential.mjs` made and had the real packages judge, and
//! `cognito_provider::CognitoJwtVerifier` judges the Cognito JWT cases that aws-jwt-verify
//! judged (`interop/jwt/cognito-cases.mjs`; each case's JWKS is served on loopback).
//!
//! ```text
//! differential <cases.json> --cli <path to nextauth-cookie>
//! ```
//!
//! The readers: `auth-core`'s session route (`GET /api/auth/session`), `get_token`, the axum
//! `Session` extractor, `nextauth-cookie decode`, and the packaged Lambda@Edge function (judged
//! in Node, its verdict in the case file). The rules:
//!
//! - **lax**: no Rust reader accepts a cookie the reference refuses;
//! - **strict**: a reader refuses what the reference accepts only where the case is in
//!   `session-cookie/strict-on-input.md` or `cognito-provider/strict-on-input.md` (the packages,
//!   or Cognito, never issue such a token; the crates' docs quote the lists);
//! - **disagreeing**: all Rust readers give one verdict;
//! - **crash**: no 5xx, no panic, no hang.
//!
//! Before judging for real, the suite proves it can fail: the same comparison with the reference
//! forced to accept everything, to refuse everything, and with a deliberately lax reader (the
//! session route of a handler whose clock is ten years early; a verifier with ten years of
//! leeway) must each report failures.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::Arc;
use std::time::Duration;

use auth_core::session_cookie::{FixedClock, Secrets, WireFormat};
use auth_core::{AuthConfig, AuthHandler};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use cognito_provider::{CognitoJwtVerifier, TokenUse};
use http::{HeaderValue, Request};
use serde::Deserialize;
use tower::ServiceExt;

/// The allow-lists of refusals that are stricter than the reference, quoted by the crates' docs.
const ALLOW_LISTS: [&str; 2] = [
    include_str!("../../../session-cookie/strict-on-input.md"),
    include_str!("../../../cognito-provider/strict-on-input.md"),
];

/// Ten years, the lax readers' head start.
const TEN_YEARS: i64 = 10 * 365 * 24 * 3600;

#[derive(Deserialize)]
struct CaseFile {
    now: i64,
    origin: String,
    secrets: BTreeMap<String, Vec<String>>,
    session: Vec<Case>,
    verifier: VerifierFile,
}

/// The Cognito JWT cases and the configuration aws-jwt-verify judged them with.
#[derive(Deserialize)]
struct VerifierFile {
    issuer: String,
    client_ids: Vec<String>,
    cases: Vec<VerifierCase>,
}

#[derive(Deserialize)]
struct VerifierCase {
    id: String,
    /// `access` or `id`.
    token_use: String,
    token: String,
    /// The JWKS document's bytes, base64.
    jwks: String,
    groups: Option<Vec<String>>,
    scopes: Option<Vec<String>>,
    /// aws-jwt-verify's `graceSeconds`, the verifier's leeway.
    grace: i64,
    reference: Reference,
}

#[derive(Deserialize)]
struct Case {
    id: String,
    format: String,
    /// The Cookie header's bytes, base64.
    cookie: String,
    reference: Reference,
    /// The packaged edge function's verdict (`null` when the case file was made without it).
    edge: Option<bool>,
}

#[derive(Deserialize, Clone, Copy)]
struct Reference {
    accept: bool,
    status: u16,
}

/// One reader's answer to one cookie.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Verdict {
    Accept,
    Refuse,
    /// A 5xx, a panic, a signal or a hang.
    Crash,
}

impl Verdict {
    fn from_accept(accept: bool) -> Self {
        if accept {
            Verdict::Accept
        } else {
            Verdict::Refuse
        }
    }
}

/// The readers' answers to one case, in a fixed order of names.
struct Judged<'c> {
    id: &'c str,
    format: &'c str,
    reference: Reference,
    readers: Vec<(&'static str, Verdict)>,
    /// The deliberately lax reader's answer, for the self-test only.
    lax: Verdict,
}

/// The Rust readers of one wire format, configured like the reference.
struct Readers {
    format: WireFormat,
    secrets: Vec<String>,
    handler: AuthHandler,
    /// The deliberately lax reader of the self-test: a clock ten years early accepts expired
    /// tokens the reference refuses.
    lax: AuthHandler,
    app: axum::Router,
}

impl Readers {
    fn new(format: WireFormat, secrets: &[String], origin: &str, now: i64) -> Result<Self, String> {
        let handler_at = |at: i64| -> Result<AuthHandler, String> {
            let secrets = Secrets::new(secrets.iter().cloned()).map_err(|e| e.to_string())?;
            let config = AuthConfig::builder(format, secrets)
                .public_url(origin)
                .map_err(|e| e.to_string())?
                .clock(FixedClock::at_unix(at))
                .build()
                .map_err(|e| e.to_string())?;
            Ok(AuthHandler::new(config))
        };
        let handler = handler_at(now)?;
        let app =
            axum::Router::new()
                .route(
                    "/api/me",
                    axum::routing::get(
                        |auth_core::axum::Session(_): auth_core::axum::Session<
                            serde_json::Value,
                        >| async { "ok" },
                    ),
                )
                .layer(handler.session_layer())
                .with_state(handler.clone());
        Ok(Readers {
            format,
            secrets: secrets.to_vec(),
            lax: handler_at(now - TEN_YEARS)?,
            handler,
            app,
        })
    }
}

fn request(origin: &str, path: &str, cookie: &[u8]) -> Option<Request<Bytes>> {
    let mut builder = Request::get(format!("{origin}{path}"));
    // A header value http refuses (a control byte) never reaches any reader: the case is
    // judged as a request without that cookie.
    if let Ok(value) = HeaderValue::from_bytes(cookie) {
        builder = builder.header("cookie", value);
    }
    builder.body(Bytes::new()).ok()
}

async fn session_route(handler: &AuthHandler, origin: &str, cookie: &[u8]) -> Verdict {
    let Some(req) = request(origin, "/api/auth/session", cookie) else {
        return Verdict::Crash;
    };
    let response = handler.handle(req).await;
    if response.status().is_server_error() {
        return Verdict::Crash;
    }
    let body: serde_json::Value = serde_json::from_slice(response.body()).unwrap_or_default();
    Verdict::from_accept(body.get("expires").is_some())
}

/// `nextauth-cookie decode --cookie-header`: exit 0 is a session, 1 is a refusal, anything
/// else (a panic exits 101) is a crash. The secrets go in through stdin, as the CLI advises.
fn cli(bin: &Path, readers: &Readers, now: i64, cookie: &[u8]) -> Verdict {
    use std::io::Write as _;
    use std::os::unix::ffi::OsStrExt as _;
    let mut command = Command::new(bin);
    command.arg("decode");
    if readers.format == WireFormat::AuthJsV5 {
        command.arg("--v5");
    }
    command
        .args(["--secret-stdin", "--now", &now.to_string(), "--secure"])
        .arg("--cookie-header")
        .arg(std::ffi::OsStr::from_bytes(cookie))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let Ok(mut child) = command.spawn() else {
        return Verdict::Crash;
    };
    if let Some(mut stdin) = child.stdin.take() {
        let input = format!("{}\n\n", readers.secrets.join("\n"));
        if stdin.write_all(input.as_bytes()).is_err() {
            return Verdict::Crash;
        }
    }
    match child.wait().map(|status| status.code()) {
        Ok(Some(0)) => Verdict::Accept,
        Ok(Some(1)) => Verdict::Refuse,
        _ => Verdict::Crash,
    }
}

async fn judge<'c>(
    case: &'c Case,
    readers: &Readers,
    file: &CaseFile,
    cli_bin: &Path,
) -> Result<Judged<'c>, String> {
    let cookie = STANDARD
        .decode(&case.cookie)
        .map_err(|e| format!("{}: cookie is not base64: {e}", case.id))?;
    let origin = &file.origin;
    let route = session_route(&readers.handler, origin, &cookie).await;
    let lax = session_route(&readers.lax, origin, &cookie).await;
    let get_token = match request(origin, "/", &cookie) {
        Some(req) => Verdict::from_accept(
            readers
                .handler
                .get_token::<serde_json::Value>(req.headers())
                .is_some(),
        ),
        None => Verdict::Crash,
    };
    let extractor = match request(origin, "/api/me", &cookie) {
        Some(req) => {
            match tokio::time::timeout(
                Duration::from_secs(5),
                readers.app.clone().oneshot(req.map(axum::body::Body::from)),
            )
            .await
            {
                Ok(Ok(response)) if response.status() == 200 => Verdict::Accept,
                Ok(Ok(response)) if response.status() == 401 => Verdict::Refuse,
                _ => Verdict::Crash,
            }
        }
        None => Verdict::Crash,
    };
    let cli = cli(cli_bin, readers, file.now, &cookie);
    let mut verdicts = vec![
        ("session route", route),
        ("get_token", get_token),
        ("axum extractor", extractor),
        ("nextauth-cookie", cli),
    ];
    if let Some(edge) = case.edge {
        verdicts.push(("edge package", Verdict::from_accept(edge)));
    }
    Ok(Judged {
        id: &case.id,
        format: &case.format,
        reference: case.reference,
        readers: verdicts,
        lax,
    })
}

/// Serves each verifier case's JWKS bytes at `/jwks/<index>` on 127.0.0.1; returns the port.
async fn serve_jwks(documents: Vec<Vec<u8>>) -> Result<u16, String> {
    let documents = Arc::new(documents);
    let app = axum::Router::new().route(
        "/jwks/{index}",
        axum::routing::get(
            |axum::extract::Path(index): axum::extract::Path<usize>| async move {
                match documents.get(index) {
                    Some(body) => (http::StatusCode::OK, body.clone()),
                    None => (http::StatusCode::NOT_FOUND, Vec::new()),
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| format!("cannot listen on loopback: {e}"))?;
    let port = listener
        .local_addr()
        .map_err(|e| format!("loopback address: {e}"))?
        .port();
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(port)
}

/// `CognitoJwtVerifier`'s verdict on one case, configured as aws-jwt-verify was, with
/// `extra_leeway` added (the lax reader's head start). A panic or a hang is a crash.
async fn verify(
    case: &VerifierCase,
    file: &VerifierFile,
    now: i64,
    jwks_uri: String,
    extra_leeway: i64,
) -> Verdict {
    let token_use = if case.token_use == "id" {
        TokenUse::Id
    } else {
        TokenUse::Access
    };
    let verifier = CognitoJwtVerifier::builder(&file.issuer, token_use, file.client_ids.clone())
        .leeway_secs(case.grace + extra_leeway)
        .clock(FixedClock::at_unix(now))
        .jwks_uri(jwks_uri)
        .require_any_group(case.groups.clone().unwrap_or_default())
        .require_any_scope(case.scopes.clone().unwrap_or_default())
        .build();
    let Ok(verifier) = verifier else {
        return Verdict::Crash;
    };
    let token = case.token.clone();
    let run = tokio::spawn(async move { verifier.verify(&token).await.is_ok() });
    match tokio::time::timeout(Duration::from_secs(10), run).await {
        Ok(Ok(accept)) => Verdict::from_accept(accept),
        _ => Verdict::Crash,
    }
}

/// Every verifier case through `CognitoJwtVerifier`, and through the lax one for the self-test.
async fn judge_verifier_cases(file: &VerifierFile, now: i64) -> Result<Vec<Judged<'_>>, String> {
    let documents = file
        .cases
        .iter()
        .map(|case| {
            STANDARD
                .decode(&case.jwks)
                .map_err(|e| format!("{}: JWKS is not base64: {e}", case.id))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let port = serve_jwks(documents).await?;
    let mut judged = Vec::with_capacity(file.cases.len());
    for (index, case) in file.cases.iter().enumerate() {
        let uri = format!("http://127.0.0.1:{port}/jwks/{index}");
        let verdict = verify(case, file, now, uri.clone(), 0).await;
        let lax = verify(case, file, now, uri, TEN_YEARS).await;
        judged.push(Judged {
            id: &case.id,
            format: "cognito",
            reference: case.reference,
            readers: vec![("CognitoJwtVerifier", verdict)],
            lax,
        });
    }
    Ok(judged)
}

/// The allow-lists' case id patterns (`*` matches any run of characters): the code span that
/// opens each list item.
fn allow_list() -> Vec<&'static str> {
    ALLOW_LISTS
        .iter()
        .flat_map(|list| list.lines())
        .filter_map(|line| line.strip_prefix("- `"))
        .filter_map(|rest| rest.split_once('`'))
        .map(|(pattern, _)| pattern)
        .collect()
}

fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let [first, middle @ .., last] = parts.as_slice() else {
        return pattern == text;
    };
    if parts.len() == 1 {
        return pattern == text;
    }
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[derive(Default)]
struct Tally {
    per_format: BTreeMap<String, usize>,
    lax: Vec<String>,
    strict_explained: usize,
    strict_unexplained: Vec<String>,
    disagreeing: Vec<String>,
    crashes: Vec<String>,
    reference_errors: Vec<String>,
}

impl Tally {
    fn failures(&self) -> usize {
        self.lax.len() + self.strict_unexplained.len() + self.disagreeing.len() + self.crashes.len()
    }
}

/// Compare with the rules above. `reference` may be overridden (the self-test), and `lax_reader`
/// swaps the lax reader in for the session route.
fn compare(
    judged: &[Judged<'_>],
    allowed: &[&str],
    reference: impl Fn(&Judged<'_>) -> bool,
    lax_reader: bool,
) -> Tally {
    let mut tally = Tally::default();
    for j in judged {
        *tally.per_format.entry(j.format.to_owned()).or_default() += 1;
        if j.reference.status >= 500 {
            tally.reference_errors.push(j.id.to_owned());
        }
        let reference = reference(j);
        let mut readers = j.readers.clone();
        if lax_reader {
            readers[0].1 = j.lax; // the session route comes first (see `judge`)
        }
        let crashed: Vec<&str> = readers
            .iter()
            .filter(|(_, v)| *v == Verdict::Crash)
            .map(|(n, _)| *n)
            .collect();
        if !crashed.is_empty() {
            tally
                .crashes
                .push(format!("{}: {}", j.id, crashed.join(", ")));
            continue;
        }
        let accepted: Vec<&str> = readers
            .iter()
            .filter(|(_, v)| *v == Verdict::Accept)
            .map(|(n, _)| *n)
            .collect();
        if !accepted.is_empty() && accepted.len() != readers.len() {
            tally.disagreeing.push(format!(
                "{}: accepted by {} only",
                j.id,
                accepted.join(", ")
            ));
            continue;
        }
        let rust_accepts = !accepted.is_empty();
        match (reference, rust_accepts) {
            (false, true) => tally.lax.push(j.id.to_owned()),
            (true, false) => {
                if allowed.iter().any(|pattern| glob(pattern, j.id)) {
                    tally.strict_explained += 1;
                } else {
                    tally.strict_unexplained.push(j.id.to_owned());
                }
            }
            _ => {}
        }
    }
    tally
}

fn print_list(label: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    println!("  {label} ({}):", items.len());
    for item in items.iter().take(200) {
        println!("    {item}");
    }
    if items.len() > 200 {
        println!("    ... and {} more", items.len() - 200);
    }
}

fn summary(tally: &Tally) -> String {
    // The session formats first, then the Cognito verifier cases.
    let mut per_format: Vec<(&String, &usize)> = tally.per_format.iter().collect();
    per_format.sort_by_key(|(format, _)| format.as_str() == "cognito");
    let formats: Vec<String> = per_format
        .into_iter()
        .map(|(format, n)| match format.as_str() {
            "cognito" => format!("{n} Cognito verifier cases"),
            _ => format!("{n} {format} mutations"),
        })
        .collect();
    format!(
        "{}; lax {}, unexplained strict {} (explained {}), readers disagreeing {}, crashes {}",
        formats.join(", "),
        tally.lax.len(),
        tally.strict_unexplained.len(),
        tally.strict_explained,
        tally.disagreeing.len(),
        tally.crashes.len()
    )
}

async fn run(cases_path: &Path, cli_bin: &Path) -> Result<bool, String> {
    let text = std::fs::read_to_string(cases_path)
        .map_err(|e| format!("cannot read {}: {e}", cases_path.display()))?;
    let file: CaseFile = serde_json::from_str(&text).map_err(|e| format!("case file: {e}"))?;
    let mut readers = BTreeMap::new();
    for (name, format) in [("v4", WireFormat::NextAuthV4), ("v5", WireFormat::AuthJsV5)] {
        let secrets = file
            .secrets
            .get(name)
            .ok_or_else(|| format!("case file has no {name} secrets"))?;
        readers.insert(
            name.to_owned(),
            Readers::new(format, secrets, &file.origin, file.now)?,
        );
    }
    let mut judged = Vec::with_capacity(file.session.len());
    for case in &file.session {
        let readers = readers
            .get(&case.format)
            .ok_or_else(|| format!("{}: unknown format {}", case.id, case.format))?;
        judged.push(judge(case, readers, &file, cli_bin).await?);
    }
    judged.extend(judge_verifier_cases(&file.verifier, file.now).await?);
    let allowed = allow_list();
    if allowed.is_empty() {
        return Err(
            "the allow-lists have no entries: are the strict-on-input.md files there?".into(),
        );
    }

    // The suite proves it can fail before it is trusted to pass.
    let sabotage = [
        (
            "the reference forced to accept everything",
            compare(&judged, &allowed, |_| true, false),
        ),
        (
            "the reference forced to refuse everything",
            compare(&judged, &allowed, |_| false, false),
        ),
        (
            "a lax reader (ten years early / ten years of leeway)",
            compare(&judged, &allowed, |j| j.reference.accept, true),
        ),
    ];
    let tally = compare(&judged, &allowed, |j| j.reference.accept, false);
    let mut self_test_ok = true;
    for (what, sabotaged) in &sabotage {
        // Caught means: more failures than the honest run has (which should have none).
        let caught = sabotaged.failures() > tally.failures();
        println!(
            "self-test: {what}: {} ({} failures)",
            if caught { "caught" } else { "NOT CAUGHT" },
            sabotaged.failures()
        );
        self_test_ok &= caught;
    }

    print_list(
        "lax: a Rust reader accepts what the reference refuses",
        &tally.lax,
    );
    print_list(
        "strict without a reason in a strict-on-input.md allow-list",
        &tally.strict_unexplained,
    );
    print_list("Rust readers disagreeing", &tally.disagreeing);
    print_list("crashes (5xx, panic, hang)", &tally.crashes);
    print_list(
        "reference errors (5xx in the package itself; not a failure)",
        &tally.reference_errors,
    );
    let unused: Vec<String> = allowed
        .iter()
        .filter(|pattern| {
            !judged.iter().any(|j| {
                glob(pattern, j.id)
                    && j.reference.accept
                    && j.readers.iter().any(|(_, v)| *v == Verdict::Refuse)
            })
        })
        .map(|pattern| (*pattern).to_owned())
        .collect();
    print_list("allow-list entries no case needs (remove them)", &unused);
    println!("differential: {}", summary(&tally));
    Ok(self_test_ok && tally.failures() == 0 && unused.is_empty())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(cases), Some(cli_at)) = (args.first(), args.iter().position(|a| a == "--cli")) else {
        eprintln!("usage: differential <cases.json> --cli <path to nextauth-cookie>");
        return ExitCode::from(2);
    };
    let Some(cli_bin) = args.get(cli_at + 1).map(PathBuf::from) else {
        eprintln!("--cli needs a path");
        return ExitCode::from(2);
    };
    match run(Path::new(cases), &cli_bin).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("differential: {message}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn glob_matches_runs_of_characters() {
        assert!(glob("v4/header/alg/*", "v4/header/alg/3:\"A256KW\""));
        assert!(glob("*/payload/deep-200", "v5/payload/deep-200"));
        assert!(glob("v4/a*c*e", "v4/abcde"));
        assert!(!glob("v4/a*c*e", "v4/abcdef"));
        assert!(!glob("v4/exact", "v4/exact2"));
        assert!(glob("v4/exact", "v4/exact"));
    }
}
