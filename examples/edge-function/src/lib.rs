//! The edge-adapter compiled to WebAssembly for a Node.js Lambda@Edge function.
//!
//! Skeleton: filled in by its own issue.
