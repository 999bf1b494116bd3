//! Amazon Cognito sign-in for auth-core with every OIDC check on
//!
//! Skeleton: filled in by its own issue.
