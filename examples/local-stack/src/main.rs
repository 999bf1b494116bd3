//! The local stack: the Rust `/api/*` tier on 127.0.0.1, in the slot of Next.js's
//! `node server.js`.
//!
//! * With no `COGNITO_ISSUER`, an embedded, development-only Cognito-like issuer starts in the
//!   same process (demo users are printed), so sign-in works with no AWS account.
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
use auth_core::session_cookie::{OsRandom, RandomSource, Secrets, WireFormat};
use cognito_provider::Cognito;
use dev_issuer::{DevClient, DevIssuer, DevUser, RunningIssuer};
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
        .config()
        .public_origin()
        .map_or_else(|| format!("http://{local}"), |o| o.as_str().to_owned());

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
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown())
        .await?;
    if let Some(issuer) = issuer {
        issuer.shutdown().await;
    }
    Ok(())
}

/// The embedded issuer and a handler wired to it. `NEXTAUTH_URL` and `NEXTAUTH_SECRET` are used
/// when set; otherwise the URL is this server's and the secret is random for this run (sessions
/// end when the process stops).
async fn embedded(local: SocketAddr) -> Result<(auth_core::AuthHandler, RunningIssuer), BoxError> {
    let public_url = env("NEXTAUTH_URL")
        .or_else(|| env("AUTH_URL"))
        .unwrap_or_else(|| format!("http://{local}"));
    let public_url = public_url.trim_end_matches('/').to_owned();
    let secret = match env("NEXTAUTH_SECRET").or_else(|| env("AUTH_SECRET")) {
        Some(secret) => secret,
        None => {
            tracing::info!("NEXTAUTH_SECRET is not set: using a random secret for this run");
            random_hex()?
        }
    };
    let client_secret = random_hex()?;
    let issuer = DevIssuer::builder()
        .client(
            DevClient::confidential("local-stack-client", client_secret.clone())
                .redirect_uri(format!("{public_url}/api/auth/callback/cognito"))
                .logout_uri(format!("{public_url}/")),
        )
        .users(DevUser::demo_users())
        .build()?
        .serve(TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0)).await?)?;

    let cognito = Cognito::builder(issuer.issuer_url().as_str(), "local-stack-client")
        .client_secret(client_secret)
        .hosted_ui_logout()
        .build()?;
    let format = match env("NEXTAUTH_WIRE_FORMAT").as_deref() {
        Some("v5") => WireFormat::AuthJsV5,
        None | Some("v4") => WireFormat::NextAuthV4,
        Some(_) => return Err("NEXTAUTH_WIRE_FORMAT is malformed: expected v4 or v5".into()),
    };
    let config = AuthConfig::builder(format, Secrets::single(secret)?).public_url(&public_url)?;
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
