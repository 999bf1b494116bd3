//! `dev-issuer`: the development issuer on its own, for one's own service on these crates.
//!
//! ```text
//! DEV_ISSUER_PORT=9000 DEV_ISSUER_APP_URL=http://127.0.0.1:3000 cargo run -p dev-issuer
//! ```
//!
//! | Variable | Default |
//! |---|---|
//! | `DEV_ISSUER_PORT` | `9000` (`0`: any free port) on 127.0.0.1 |
//! | `DEV_ISSUER_APP_URL` | `http://127.0.0.1:3000`: the app's `NEXTAUTH_URL`; its `/api/auth/callback/cognito` and `/api/auth/signout/cognito` are registered |
//! | `DEV_ISSUER_CLIENT_ID` | `local-client` |
//! | `DEV_ISSUER_CLIENT_SECRET` | `local-client-secret` (empty: a public client) |
//! | `DEV_ISSUER_USERS` | the demo users; or `username:password[:group,group]` entries separated by `;` |
//!
//! It signs in those users (the demo users' passwords are printed at start) and prints the
//! `COGNITO_*` lines to give the app. Local development only: plain http, loopback only.

use std::process::ExitCode;

use dev_issuer::{DevClient, DevIssuer, DevUser};

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dev-issuer: {e}");
            ExitCode::from(1)
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = env_or("DEV_ISSUER_PORT", "9000")
        .trim()
        .parse()
        .map_err(|_| "DEV_ISSUER_PORT is malformed: expected a port number (0-65535)")?;
    let app = env_or("DEV_ISSUER_APP_URL", "http://127.0.0.1:3000");
    let app = app.trim_end_matches('/');
    let client_id = env_or("DEV_ISSUER_CLIENT_ID", "local-client");
    let secret = env_or("DEV_ISSUER_CLIENT_SECRET", "local-client-secret");
    let client = if secret.is_empty() {
        DevClient::public(client_id.clone())
    } else {
        DevClient::confidential(client_id.clone(), secret.clone())
    };
    let issuer = DevIssuer::builder()
        .client(
            client
                .redirect_uri(format!("{app}/api/auth/callback/cognito"))
                .logout_uri(format!("{app}/api/auth/signout/cognito")),
        )
        .users(DevUser::from_env().map_err(|e| format!("DEV_ISSUER_USERS is malformed: {e}"))?)
        .build()?;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let running = issuer.serve(listener)?;
    for line in running.describe() {
        println!("{line}");
    }
    println!();
    println!("Give the app (e.g. `cargo run -p local-stack`) these settings:");
    println!("COGNITO_ISSUER={}", running.issuer_url());
    println!("COGNITO_CLIENT_ID={client_id}");
    if !secret.is_empty() {
        println!("COGNITO_CLIENT_SECRET={secret}");
    }
    println!("NEXTAUTH_URL={app}");
    let _ = tokio::signal::ctrl_c().await;
    running.shutdown().await;
    Ok(())
}
