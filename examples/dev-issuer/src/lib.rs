//! A development-only, Cognito-shaped OpenID Connect issuer for the local stack.
//!
//! Skeleton: filled in by its own issue.
