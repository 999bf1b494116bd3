//! nextauth-cookie: inspect and mint NextAuth session cookies
//!
//! Skeleton: filled in by its own issue.

fn main() {}
