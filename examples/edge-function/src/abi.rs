//! The module's exports: JSON in, JSON out, through two buffers Rust owns.
//!
//! | export | signature | does |
//! |---|---|---|
//! | `edge_input` | `(len: usize) -> usize` | sizes the input buffer to `len` bytes and returns its address; the host writes the UTF-8 text there |
//! | `edge_configure` | `(len: usize) -> usize` | reads the input as the configuration, keeps the [`Runtime`]; returns the output length |
//! | `edge_handle` | `(len: usize, now_secs: f64) -> usize` | reads the input as an event, handles it at `now_secs`; returns the output length |
//! | `edge_output` | `() -> usize` | the output buffer's address |
//!
//! The output is always JSON: [`Runtime::summary_json`], [`Runtime::handle`]'s envelope, or
//! `{"error": …}`. The host must read the output before its next call, and must take a fresh
//! view of the memory after every call (a call may grow it).
//!
//! Buffers live in `thread_local`s (the module is single-threaded; Node calls it from one
//! thread). Rust never turns an address back into a pointer: the host writes into the input
//! `Vec` between calls, and Rust reads it as the `Vec` it is. The only `unsafe` is the
//! `#[unsafe(no_mangle)]` attribute on each export.

use std::cell::RefCell;

use crate::{Runtime, error_json};

thread_local! {
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static OUTPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static RUNTIME: RefCell<Option<Runtime>> = const { RefCell::new(None) };
}

/// Size the input buffer to `len` bytes (zeroed) and return its address.
// SAFETY: `no_mangle` exports the function under this exact name. Nothing else in the module
// is named `edge_input` (all exports carry the `edge_` prefix), and its signature is plain
// integers, which the WebAssembly C ABI passes as `i32`.
#[allow(unsafe_code)]
#[unsafe(no_mangle)]
pub extern "C" fn edge_input(len: usize) -> usize {
    INPUT.with_borrow_mut(|input| {
        input.clear();
        input.resize(len, 0);
        // An address handed to the host, never dereferenced here.
        input.as_mut_ptr() as usize
    })
}

/// Configure the module from the JSON in the input buffer's first `len` bytes. Returns the
/// output length.
// SAFETY: as for `edge_input`: a unique, prefixed export name and an integer signature.
#[allow(unsafe_code)]
#[unsafe(no_mangle)]
pub extern "C" fn edge_configure(len: usize) -> usize {
    let output = with_input(len, |json| match Runtime::from_config_json(json) {
        Ok(runtime) => {
            let summary = runtime.summary_json();
            RUNTIME.with_borrow_mut(|slot| *slot = Some(runtime));
            summary
        }
        Err(e) => error_json(&e.to_string()),
    });
    set_output(output)
}

/// Handle the event in the input buffer's first `len` bytes at `now_secs` (Unix seconds).
/// Returns the output length.
// SAFETY: as for `edge_input`: a unique, prefixed export name; integers and an `f64`, which the
// WebAssembly C ABI passes as `i32` and `f64`.
#[allow(unsafe_code)]
#[unsafe(no_mangle)]
pub extern "C" fn edge_handle(len: usize, now_secs: f64) -> usize {
    let output = with_input(len, |event| {
        RUNTIME.with_borrow(|runtime| match runtime {
            Some(runtime) => runtime.handle(event, now_secs),
            None => error_json("edge_configure has not succeeded"),
        })
    });
    set_output(output)
}

/// The output buffer's address.
// SAFETY: as for `edge_input`: a unique, prefixed export name and an integer signature.
#[allow(unsafe_code)]
#[unsafe(no_mangle)]
pub extern "C" fn edge_output() -> usize {
    OUTPUT.with_borrow(|output| output.as_ptr() as usize)
}

/// Run `f` on the input's first `len` bytes as UTF-8; a bad length or bad UTF-8 is an error
/// answer, never a trap.
fn with_input(len: usize, f: impl FnOnce(&str) -> String) -> String {
    INPUT.with_borrow(|input| match input.get(..len).map(std::str::from_utf8) {
        Some(Ok(text)) => f(text),
        Some(Err(_)) => error_json("the input is not UTF-8"),
        None => error_json("the input length exceeds the buffer edge_input sized"),
    })
}

fn set_output(text: String) -> usize {
    let len = text.len();
    OUTPUT.with_borrow_mut(|output| *output = text.into_bytes());
    len
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The exports driven from Rust: the host's side of "write into the buffer" is a write
    /// through `INPUT` here.
    fn call(text: &str, f: impl FnOnce(usize) -> usize) -> String {
        edge_input(text.len());
        INPUT.with_borrow_mut(|input| input.copy_from_slice(text.as_bytes()));
        let len = f(text.len());
        assert_ne!(edge_output(), 0);
        OUTPUT.with_borrow(|output| {
            assert_eq!(output.len(), len);
            String::from_utf8(output.clone()).unwrap()
        })
    }

    #[test]
    fn configure_then_handle() {
        let event = r#"{"Records":[{"cf":{"config":{"distributionDomainName":"d1.cloudfront.net",
          "distributionId":"E1","eventType":"viewer-request"},
          "request":{"clientIp":"198.51.100.1","method":"GET","uri":"/account","querystring":"","headers":{}}}}]}"#;
        assert!(call(event, |n| edge_handle(n, 1.7e9)).contains("edge_configure has not"));
        let bad = call(r#"{"secrets":[""],"protected_paths":[]}"#, |n| {
            edge_configure(n)
        });
        assert!(bad.contains("error"), "{bad}");
        let ok = call(r#"{"secrets":["s"],"protected_paths":["/account"]}"#, |n| {
            edge_configure(n)
        });
        assert!(ok.contains(r#""ok":true"#), "{ok}");
        let out = call(event, |n| edge_handle(n, 1.7e9));
        assert!(out.contains(r#""status":"302""#), "{out}");
        // A length beyond the buffer is an error answer, not a trap.
        edge_input(4);
        let len = edge_handle(5, 1.7e9);
        let out = OUTPUT.with_borrow(|o| String::from_utf8(o[..len].to_vec()).unwrap());
        assert!(out.contains("exceeds"), "{out}");
    }
}
