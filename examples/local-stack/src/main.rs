//! The local stack: auth-core behind axum with an embedded Cognito-like issuer
//!
//! Skeleton: filled in by its own issue.

fn main() {}
