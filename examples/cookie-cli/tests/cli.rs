//! Runs the `nextauth-cookie` binary over the decode vectors and through an encode/decode round
//! trip: exit codes, stdout payloads and the one-line `error: <reason>` on stderr.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_nextauth-cookie"))
}

fn run(args: &[String], stdin: Option<&str>) -> Output {
    let mut child = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

/// The payload a successful `decode` printed (the failure's stderr otherwise).
fn decoded(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn vectors(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/vectors")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn secret_args(secret: &Value) -> Vec<String> {
    let list: Vec<&str> = match secret {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().map(|s| s.as_str().unwrap()).collect(),
        _ => unreachable!(),
    };
    list.into_iter()
        .flat_map(|s| ["--secret".to_owned(), s.to_owned()])
        .collect()
}

#[test]
fn decodes_the_vectors_like_the_library() {
    let mut ran = 0;
    for (file, v5) in [("v4-jwt-decode.json", false), ("v5-jwt-decode.json", true)] {
        for case in vectors(file)["cases"].as_array().unwrap() {
            let input = &case["input"];
            let mut args = vec!["decode".to_owned()];
            if v5 {
                args.push("--v5".into());
            }
            args.extend(secret_args(&case["secret"]));
            args.extend(["--salt".into(), case["salt"].as_str().unwrap().into()]);
            args.extend(["--now".into(), case["now"].to_string()]);
            if let Some(token) = input["token"].as_str() {
                args.extend(["--token".into(), token.into()]);
            } else if let Some(header) = input["cookie_header"].as_str() {
                args.extend(["--cookie-header".into(), header.into()]);
                if input["secureCookie"] == Value::Bool(true) {
                    args.push("--secure".into());
                }
            } else {
                continue; // the CLI takes no Authorization header
            }
            let out = run(&args, None);
            let name = case["name"].as_str().unwrap();
            let lenient = case["strict_implementation_may_reject"] == Value::Bool(true);
            if case["expected"]["valid"] == Value::Bool(true) && !lenient {
                assert!(
                    out.status.success(),
                    "{name}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
                assert_eq!(printed, case["decode"]["payload"], "{name}");
            } else {
                assert_eq!(out.status.code(), Some(1), "{name}");
                let stderr = String::from_utf8(out.stderr).unwrap();
                assert_eq!(stderr.lines().count(), 1, "{name}: one line");
                if !lenient {
                    let reason = case["expected"]["reason"].as_str().unwrap();
                    assert_eq!(stderr.trim_end(), format!("error: {reason}"), "{name}");
                }
                assert!(out.stdout.is_empty());
            }
            ran += 1;
        }
    }
    assert_eq!(ran, 47);
}

#[test]
fn encode_then_decode_through_a_cookie_header() {
    for v5 in [false, true] {
        let mut common = vec![
            "--secret".to_owned(),
            "cli-secret".into(),
            "--now".into(),
            "1767225600".into(),
        ];
        if v5 {
            common.push("--v5".into());
        }
        let claims = format!(r#"{{"sub":"user-1","big":"{}"}}"#, "x".repeat(5000));
        let mut args = vec!["encode".to_owned(), "--max-age".into(), "60".into()];
        args.extend(common.clone());
        let out = run(&args, Some(&claims));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();

        // Split into chunks as the browser would hold them.
        let name = if v5 {
            "authjs.session-token"
        } else {
            "next-auth.session-token"
        };
        let header: Vec<String> = token
            .as_bytes()
            .chunks(3900)
            .enumerate()
            .map(|(i, c)| format!("{name}.{i}={}", std::str::from_utf8(c).unwrap()))
            .collect();
        let mut args = vec![
            "decode".to_owned(),
            "--cookie-header".into(),
            header.join("; "),
        ];
        args.extend(common.clone());
        let payload = decoded(&run(&args, None));
        assert_eq!(payload["sub"], "user-1");
        assert_eq!(payload["exp"], 1_767_225_660);

        // A neighbour cookie whose value is not UTF-8 (a browser sends such bytes) is skipped
        // alone: the header is taken as bytes, not refused as an argument.
        {
            use std::os::unix::ffi::OsStrExt as _;
            let mut raw = b"other=\xff\xfe; ".to_vec();
            raw.extend_from_slice(header.join("; ").as_bytes());
            let out = bin()
                .arg("decode")
                .arg("--cookie-header")
                .arg(std::ffi::OsStr::from_bytes(&raw))
                .args(&common)
                .output()
                .unwrap();
            assert_eq!(decoded(&out)["sub"], "user-1");
        }

        // 76 s later (beyond the 15 s tolerance) it has expired.
        let mut args = vec!["decode".to_owned(), "--token".into(), token];
        args.extend([
            "--secret".into(),
            "cli-secret".into(),
            "--now".into(),
            "1767225676".into(),
        ]);
        if v5 {
            args.push("--v5".into());
        }
        let out = run(&args, None);
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(String::from_utf8(out.stderr).unwrap(), "error: expired\n");
    }
}

#[test]
fn bad_input_gives_one_error_line() {
    let encode = run(
        &["encode".into(), "--secret".into(), "s".into()],
        Some("[1,2]"),
    );
    assert_eq!(encode.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(encode.stderr).unwrap(),
        "error: payload_not_json_object\n"
    );

    let no_cookie = run(
        &[
            "decode".into(),
            "--secret".into(),
            "s".into(),
            "--cookie-header".into(),
            "other=1".into(),
        ],
        None,
    );
    assert_eq!(
        String::from_utf8(no_cookie.stderr).unwrap(),
        "error: no_token_or_bad_header\n"
    );

    let empty_secret = run(
        &[
            "decode".into(),
            "--secret".into(),
            "".into(),
            "--token".into(),
            "x".into(),
        ],
        None,
    );
    assert_eq!(empty_secret.status.code(), Some(1));
    // The secret never appears in any output.
    let secret = run(
        &[
            "decode".into(),
            "--secret".into(),
            "do-not-print-me".into(),
            "--token".into(),
            "a.b.c.d.e".into(),
        ],
        None,
    );
    assert!(!String::from_utf8_lossy(&secret.stderr).contains("do-not-print-me"));
}

/// The secret can stay out of the argument list (`ps` shows it to every user): from the
/// environment, or from standard input — also for `encode`, whose claims then follow an empty
/// line. All three sources give the same token verdict.
#[test]
fn the_secret_comes_from_the_environment_or_stdin() {
    let run_with = |args: &[&str], env: &[(&str, &str)], stdin: &str| {
        let mut command = bin();
        command
            .args(args)
            .env_remove("NEXTAUTH_SECRET")
            .env_remove("AUTH_SECRET")
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let now = ["--now", "1767225600"];
    let encoded = run_with(
        &[&["encode", "--secret-stdin"][..], &now].concat(),
        &[],
        "from-stdin\n\n{\"sub\":\"user-1\"}",
    );
    assert!(
        encoded.status.success(),
        "{}",
        String::from_utf8_lossy(&encoded.stderr)
    );
    let token = String::from_utf8(encoded.stdout).unwrap().trim().to_owned();
    let decode = [&["decode", "--token", &token][..], &now].concat();

    for (label, env, stdin) in [
        (
            "NEXTAUTH_SECRET",
            &[("NEXTAUTH_SECRET", "from-stdin")][..],
            "",
        ),
        ("AUTH_SECRET", &[("AUTH_SECRET", "from-stdin")][..], ""),
        ("stdin, rotated", &[][..], "old-secret\nfrom-stdin\n"),
    ] {
        let args: Vec<&str> = if stdin.is_empty() {
            decode.clone()
        } else {
            [&decode[..], &["--secret-stdin"]].concat()
        };
        let out = run_with(&args, env, stdin);
        assert!(
            out.status.success(),
            "{label}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let payload: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(payload["sub"], "user-1", "{label}");
    }

    // A wrong secret from either source is refused; no secret at all is a clear error.
    let wrong = run_with(&decode, &[("NEXTAUTH_SECRET", "other")], "");
    assert_eq!(
        String::from_utf8(wrong.stderr).unwrap(),
        "error: decryption_failed\n"
    );
    let none = run_with(&decode, &[], "");
    assert_eq!(
        String::from_utf8(none.stderr).unwrap(),
        "error: invalid_secret\n"
    );
    let none = run_with(&[&decode[..], &["--secret-stdin"]].concat(), &[], "\n");
    assert_eq!(
        String::from_utf8(none.stderr).unwrap(),
        "error: invalid_secret\n"
    );
}
