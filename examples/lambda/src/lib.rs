//! The Rust `/api/*` tier as an AWS Lambda function: the local stack's application
//! (`/api/auth/*` and `/api/me`) on `lambda_http`, for API Gateway HTTP APIs (payload 2.0),
//! REST APIs and Function URLs. Configured by the variables next-auth reads (see
//! [`local_stack`]).
//!
//! Read timeouts and body limits: API Gateway (and a Function URL) reads the whole request
//! before the function runs — at most 10 MB (6 MB for a Function URL), within its 30 s
//! integration timeout — so a slow or never-ending request never reaches the function, and the
//! function's own timeout (set in the CDK stack) bounds the rest. The handler still refuses a
//! body above `max_body_bytes` with `413`. The local stack, which has no gateway in front,
//! sets header and body read timeouts itself (`local_stack::serve`).

use axum::Router;
use local_stack::BoxError;

/// The function's HTTP service: the application router, routing on the stage-free path — what
/// `auth_core::lambda::run_service` runs. `lambda_http`'s request goes to the router as is.
pub fn service(app: Router) -> auth_core::lambda::WithoutStage<Router> {
    auth_core::lambda::WithoutStage { inner: app }
}

/// The application from the environment (`NEXTAUTH_URL`, `NEXTAUTH_SECRET`, `COGNITO_*`, ...).
pub fn app_from_env(lookup: &impl Fn(&str) -> Option<String>) -> Result<Router, BoxError> {
    Ok(local_stack::api_router(local_stack::auth_from_env(lookup)?))
}
