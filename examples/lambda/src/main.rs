//! The Rust /api/* tier as an AWS Lambda function (API Gateway HTTP API)
//!
//! Skeleton: filled in by its own issue.

fn main() {}
