//! Framework-agnostic handler for next-auth's /api/auth/* REST surface
//!
//! Skeleton: filled in by its own issue.
