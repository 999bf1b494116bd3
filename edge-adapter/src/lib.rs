//! NextAuth sessions at CloudFront's edge (Lambda@Edge)
//!
//! Skeleton: filled in by its own issue.
