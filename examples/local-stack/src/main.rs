//! The local stack: the Rust `/api/*` tier on 127.0.0.1, in the slot of Next.js's
//! `node server.js`.
//!
//! * With no `COGNITO_ISSUER`, an embedded, development-only Cognito-like issuer starts in the
//!   same process (demo users are printed), so sign-in works with no AWS account. Its users are
//!   the demo users, or `DEV_ISSUER_USERS` (`username:password[:group,group]` entries separated
//!   by `;`), as for the `dev-issuer` binary.
//! * With `COGNITO_ISSUER`, `COGNITO_CLIENT_ID`, `COGNITO_CLIENT_SECRET`, `NEXTAUTH_URL` and
//!   `NEXTAUTH_SECRET` it signs in against that user pool, as next-auth would.
//! * With `STATIC_DIR` it serves a Next.js static export for every path but `/api/*`, with the
//!   rules CloudFront + S3 apply in the deployment; without it, a small demo page at `/`.
//!
//! It listens on `HOSTNAME`:`PORT` (default `127.0.0.1:3000`) and refuses a non-loopback address
//! unless `LOCAL_STACK_ALLOW_NON_LOOPBACK=true`.

mod demo;
mod static_site;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use auth_core::AuthConfig;
use auth_core::session_cookie::{OsRandom, RandomSource};
use cognito_provider::Cognito;
use dev_issuer::{DevClient, DevIssuer, DevUser, RunningIssuer};
use local_stack::serve::Timeouts;
use local_stack::{
    BoxError, allow_non_loopback, api_router, auth_from_env, auth_handler, listen_address,
};
use tokio::net::TcpListener;

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("RUST_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .init();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("local-stack: {e}");
            ExitCode::from(1)
        }
    }
}

async fn run() -> Result<(), BoxError> {
    let addr = listen_address(&env)?;
    if !addr.ip().is_loopback() && !allow_non_loopback(&env)? {
        return Err(format!(
            "HOSTNAME is {}, not a loopback address; the local stack is for development. \
             Set LOCAL_STACK_ALLOW_NON_LOOPBACK=true to listen there anyway",
            addr.ip()
        )
        .into());
    }
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr} (HOSTNAME, PORT): {e}"))?;
    let local = listener.local_addr()?;

    // A real user pool, or the embedded issuer.
    let (auth, issuer) = if env("COGNITO_ISSUER").is_some() {
        (auth_from_env(&env)?, None)
    } else {
        let (auth, issuer) = embedded(local).await?;
        (auth, Some(issuer))
    };
    let public_url = auth
        .auth
        .config()
        .public_origin()
        .map_or_else(|| format!("http://{local}"), |o| o.as_str().to_owned());

    let timeouts = Timeouts {
        max_body_bytes: auth.auth.config().max_body_bytes(),
        ..Timeouts::from_lookup(&env)?
    };
    let mut app = api_router(auth);
    match env("STATIC_DIR").filter(|d| !d.is_empty()) {
        Some(dir) => {
            let site = static_site::StaticSite::new(PathBuf::from(&dir), &env)?;
            tracing::info!(dir, "serving the static export for every path but /api/*");
            app = app.fallback_service(site.service());
        }
        None => app = app.merge(demo::router()),
    }

    println!("local-stack listening on http://{local}");
    println!("  open {public_url}/");
    if let Some(issuer) = &issuer {
        for line in issuer.describe() {
            println!("  {line}");
        }
    }
    local_stack::serve::serve(listener, app, timeouts, shutdown()).await;
    if let Some(issuer) = issuer {
        issuer.shutdown().await;
    }
    Ok(())
}

/// The embedded issuer and a handler wired to it, configured like any other deployment through
/// `AuthConfig::from_lookup` (so `NEXTAUTH_WIRE_FORMAT`, `AUTH_SECRET_1..3`,
/// `NEXTAUTH_SESSION_MAX_AGE` and the rest mean what they mean elsewhere), with two defaults of
/// its own: the URL is this server's, and the secret is random for this run (sessions end when
/// the process stops).
async fn embedded(local: SocketAddr) -> Result<(local_stack::AppState, RunningIssuer), BoxError> {
    let default_url = format!("http://{local}");
    let default_secret = if env("NEXTAUTH_SECRET")
        .or_else(|| env("AUTH_SECRET"))
        .is_none()
    {
        tracing::info!("NEXTAUTH_SECRET is not set: using a random secret for this run");
        Some(random_hex()?)
    } else {
        None
    };
    let configured_url = env("NEXTAUTH_URL").or_else(|| env("AUTH_URL"));
    let lookup = |name: &str| match name {
        "NEXTAUTH_URL" if configured_url.is_none() => Some(default_url.clone()),
        "NEXTAUTH_SECRET" => env(name).or_else(|| default_secret.clone()),
        _ => env(name),
    };
    let config = AuthConfig::from_lookup(lookup)?;
    let public_url = configured_url
        .as_deref()
        .unwrap_or(&default_url)
        .trim_end_matches('/')
        .to_owned();

    // next-auth's rule: a NEXTAUTH_URL with a path names the base path, else `/api/auth`.
    let has_path = public_url
        .parse::<http::Uri>()
        .is_ok_and(|uri| !matches!(uri.path(), "" | "/"));
    let auth_url = if has_path {
        public_url.clone()
    } else {
        format!("{public_url}/api/auth")
    };
    let client_secret = random_hex()?;
    let issuer = DevIssuer::builder()
        .client(
            DevClient::confidential("local-stack-client", client_secret.clone())
                .redirect_uri(format!("{auth_url}/callback/cognito"))
                // The one sign-out URL the handler ever sends (see `hosted_ui_logout`).
                .logout_uri(format!("{auth_url}/signout/cognito")),
        )
        .users(DevUser::from_env().map_err(|e| format!("DEV_ISSUER_USERS is malformed: {e}"))?)
        .build()?
        .serve(TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0)).await?)?;

    let cognito = Cognito::builder(issuer.issuer_url().as_str(), "local-stack-client")
        .client_secret(client_secret)
        .hosted_ui_logout()
        .build()?;
    Ok((auth_handler(config, cognito)?, issuer))
}

fn random_hex() -> Result<String, BoxError> {
    let mut bytes = [0u8; 32];
    OsRandom.fill(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
