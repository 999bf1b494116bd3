//! `bootstrap` for `provided.al2023`: build it with `cargo lambda build --release --arm64 -p lambda`
//! (see examples/lambda/README.md).

use lambda::app_from_env;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    // CloudWatch keeps plain lines; RUST_LOG picks the level.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("RUST_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_ansi(false)
        .without_time()
        .with_target(false)
        .init();
    // A configuration error fails the cold start with one line naming the variable.
    let app = app_from_env(&|name| std::env::var(name).ok())
        .inspect_err(|e| tracing::error!("configuration: {e}"))?;
    auth_core::lambda::run_service(app).await
}
