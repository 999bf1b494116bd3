//! The [`edge_adapter`] handlers as one WebAssembly module for a Node.js 20 Lambda@Edge function.
//!
//! Lambda@Edge runs only Node.js and Python, has no environment variables, no layers and no
//! container images. So the Rust code is compiled to `wasm32-unknown-unknown`, and a small
//! Node handler (`js/index.mjs`) loads it next to a `config.json` that `build.sh` writes at
//! package time. The whole function is three files in one zip:
//!
//! | file | what |
//! |---|---|
//! | `index.mjs` | `export const handler = async (event) => …`: instantiates the module once per cold start, passes each event and `Date.now()` in, returns what comes out |
//! | `edge_function.wasm` | this crate, `--target wasm32-unknown-unknown`, size-optimised |
//! | `config.json` | the [`EdgeConfig`] JSON, secret included |
//!
//! # Quick start
//!
//! ```sh
//! EDGE_NEXTAUTH_SECRET=... EDGE_PUBLIC_ORIGIN=https://www.example.com \
//! EDGE_PROTECTED_PATHS='/account/**,/admin/**' bash examples/edge-function/build.sh
//! # → examples/edge-function/dist/edge-function.zip, handler "index.handler", runtime nodejs20.x
//! bash examples/edge-function/test.sh   # builds with a fixed test config and runs node --test
//! ```
//!
//! The same calls in Rust, as `index.mjs` makes them through the ABI:
//!
//! ```
//! use edge_function::Runtime;
//!
//! let runtime = Runtime::from_config_json(
//!     r#"{"secrets":["s3cr3t"],"public_origin":"https://www.example.com","protected_paths":["/account/**"]}"#,
//! )?;
//! let event = r#"{"Records":[{"cf":{"config":{"distributionDomainName":"d1.cloudfront.net",
//!   "distributionId":"E1","eventType":"viewer-request"},
//!   "request":{"clientIp":"198.51.100.1","method":"GET","uri":"/account","querystring":"","headers":{}}}}]}"#;
//! let out: serde_json::Value = serde_json::from_str(&runtime.handle(event, 1_767_225_600.5))?;
//! assert_eq!(out["result"]["status"], "302");
//! assert_eq!(out["decision"], "sign-in-redirect (no_session)");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Why a plain C ABI, not wasm-bindgen
//!
//! The module exports four functions of integers and one float (see [`abi`]); `index.mjs` copies
//! JSON in and out of linear memory with `TextEncoder`/`TextDecoder` and instantiates the module
//! with `WebAssembly.instantiate` and **no imports at all**. wasm-bindgen would need its CLI,
//! pinned to the exact version of the crate, downloaded or built (`cargo install` of a
//! ~minute) on every clean machine, plus its generated glue, to move two strings; the
//! payloads here are JSON either way. The price is `unsafe` in the Rust sources: exporting a
//! symbol under a fixed name takes `#[unsafe(no_mangle)]`. It is confined to [`abi`], four
//! attributes, each with its `SAFETY:` comment; no raw pointer is ever dereferenced in Rust —
//! the host writes into and reads from buffers Rust owns, through the addresses [`abi`] hands
//! out.
//!
//! # Features
//!
//! | Feature | Default | What it adds |
//! |---|---|---|
//! | *(none)* | | No Cargo features. No `getrandom`, no clock, no imports: `now` comes from `Date.now()` with every call, and nothing at the edge needs random bytes (it only decodes). |
//!
//! # Security
//!
//! * The secret is in `config.json` inside the zip, readable by anyone allowed
//!   `lambda:GetFunction` on the function. Lambda@Edge offers no environment variables and no
//!   secret injection; the alternative — fetching it from Secrets Manager at cold start — adds
//!   a network call to the viewer's first request. Treat the zip as secret material: `dist/` is
//!   git-ignored, and the tests package into `dist-test/` with the vectors' public secret so a
//!   test build is never mistaken for a deployable one.
//! * Failures fail closed: a configuration that does not validate makes the cold start throw
//!   (and `build.sh` validates it before zipping); an event the module cannot read makes the
//!   invocation throw, so CloudFront answers 5xx instead of letting the request through.
//!   After a WebAssembly trap the instance is thrown away and rebuilt.
//! * Output for logs carries decision codes only, never cookie values.
//!
//! # Interop
//!
//! `test.mjs` runs the packaged function in Node 20 on the event fixtures of `edge-adapter` and
//! on session cookies written by `next-auth` 4.24.15 and `@auth/core` 0.41.3 (the workspace's
//! vector files) and by this workspace's Rust tier (the `mint-session` example).

pub mod abi;

use edge_adapter::{EdgeConfig, handle_event_json};

/// A configured set of handlers: what one WebAssembly instance holds between invocations.
#[derive(Debug)]
pub struct Runtime {
    config: EdgeConfig,
}

impl Runtime {
    /// Read and validate the configuration, and derive the session keys.
    pub fn from_config_json(json: &str) -> Result<Self, edge_adapter::EdgeError> {
        Ok(Runtime {
            config: EdgeConfig::from_json(json)?,
        })
    }

    /// What `index.mjs` needs to know about the configuration, as JSON:
    /// `{"ok":true,"log_decisions":false}`.
    pub fn summary_json(&self) -> String {
        serde_json::json!({"ok": true, "log_decisions": self.config.log_decisions()}).to_string()
    }

    /// Handle one event (JSON text) at `now_secs` (Unix seconds, fractions ignored).
    ///
    /// Returns `{"result": <request or response>, "decision": "<code>"}`, or
    /// `{"error": "<message>"}` — never a panic, and no message contains request data.
    pub fn handle(&self, event: &str, now_secs: f64) -> String {
        if !now_secs.is_finite() {
            return error_json("the current time is not a finite number");
        }
        // Seconds since 1970 fit an i64 far beyond any date `time` accepts; out-of-range values
        // saturate and are then refused by `handle_event_json`.
        let now = now_secs.floor() as i64;
        match handle_event_json(&self.config, event, now) {
            Ok((result, decision)) => {
                let decision = serde_json::Value::String(decision.to_string());
                format!(r#"{{"result":{result},"decision":{decision}}}"#)
            }
            Err(e) => error_json(&e.to_string()),
        }
    }
}

/// `{"error": message}`.
pub(crate) fn error_json(message: &str) -> String {
    serde_json::json!({ "error": message }).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    const CONFIG: &str = r#"{"secrets":["s"],"public_origin":"https://www.example.com",
        "protected_paths":["/account/**"],"log_decisions":true}"#;

    #[test]
    fn envelope() {
        let runtime = Runtime::from_config_json(CONFIG).unwrap();
        let summary: Value = serde_json::from_str(&runtime.summary_json()).unwrap();
        assert_eq!(summary["log_decisions"], true);

        let event = r#"{"Records":[{"cf":{"config":{"distributionDomainName":"d1.cloudfront.net",
          "distributionId":"E1","eventType":"viewer-request"},
          "request":{"clientIp":"198.51.100.1","method":"GET","uri":"/about","querystring":"","headers":{}}}}]}"#;
        let out: Value = serde_json::from_str(&runtime.handle(event, 1.7e9)).unwrap();
        assert_eq!(out["decision"], "public");
        assert_eq!(out["result"]["uri"], "/about");

        for now in [f64::NAN, f64::INFINITY, 1e300] {
            let out: Value = serde_json::from_str(&runtime.handle(event, now)).unwrap();
            assert!(out["error"].is_string(), "{now}");
        }
        let out: Value = serde_json::from_str(&runtime.handle("{", 1.7e9)).unwrap();
        assert!(out["error"].as_str().unwrap().contains("event"));
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let runtime = Runtime::from_config_json(
            r#"{"secrets":["hunter2-edge-secret"],"protected_paths":[]}"#,
        )
        .unwrap();
        let printed = format!("{runtime:?} {runtime:#?}");
        assert!(!printed.contains("hunter2"), "{printed}");
    }

    #[test]
    fn bad_config() {
        assert!(Runtime::from_config_json(r#"{"secrets":[]}"#).is_err());
    }
}
