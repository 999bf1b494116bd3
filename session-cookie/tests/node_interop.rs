//! Round trips through the real `next-auth` 4.24.15 and `@auth/core` 0.41.3 packages, in both
//! directions, via the harness in `interop/jwt` (see its README for the JSON contract):
//!
//! * Node encodes 300 random tokens (150 per format, a third of them chunked); we decode each to
//!   the same claims, reassemble its chunks from the Cookie header, and write byte-identical
//!   `Set-Cookie` lines for it.
//! * We encode 300 random tokens; Node's `decode()` and `getToken()` (which reassembles our
//!   chunks) must return the same claims.
//!
//! Needs Node and `npm ci` in `interop/jwt`, so it is ignored by a plain `cargo test`;
//! `scripts/test-all.sh` installs the packages and runs it with `--ignored`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

use std::path::{Path, PathBuf};
use std::process::Command;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use serde_json::{Map, Number, Value, json};
use session_cookie::time::{Duration, OffsetDateTime, format_description::well_known::Rfc2822};
use session_cookie::{
    Clock, CookieNames, OsRandom, RequestCookies, Secrets, SessionClaims, SessionCookie,
    SystemClock, TokenCodec, WireFormat,
};

fn harness() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../interop/jwt");
    assert!(
        dir.join("node_modules").is_dir(),
        "run `npm ci` in {} first (scripts/test-all.sh does)",
        dir.display()
    );
    dir
}

fn node(dir: &Path, args: &[&str]) {
    let out = Command::new("node")
        .arg("roundtrip.mjs")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("node runs");
    print!("{}", String::from_utf8_lossy(&out.stdout));
    assert!(
        out.status.success(),
        "node {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn format_of(case: &Value) -> WireFormat {
    match case["format"].as_str().unwrap() {
        "v4" => WireFormat::NextAuthV4,
        "v5" => WireFormat::AuthJsV5,
        other => panic!("unknown format {other}"),
    }
}

fn secrets_of(case: &Value) -> Secrets {
    Secrets::new(
        case["secrets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_owned()),
    )
    .unwrap()
}

#[test]
#[ignore = "needs Node and `npm ci` in interop/jwt; run by scripts/test-all.sh"]
fn we_decode_what_the_packages_encode() {
    let dir = harness();
    let out = std::env::temp_dir().join(format!("nextauth-node-made-{}.json", std::process::id()));
    node(&dir, &["make", out.to_str().unwrap()]);
    let made: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    std::fs::remove_file(&out).ok();

    let (mut decoded, mut chunked) = (0, 0);
    for case in made["cases"].as_array().unwrap() {
        let id = case["id"].as_str().unwrap();
        let format = format_of(case);
        let secrets = secrets_of(case);
        let names = CookieNames::new(format, case["secure"].as_bool().unwrap());
        assert_eq!(names.session_token(), case["cookie_name"].as_str().unwrap());
        let codec = TokenCodec::new(format, &secrets, case["salt"].as_str().unwrap());
        let now = OffsetDateTime::from_unix_timestamp(case["now"].as_i64().unwrap()).unwrap();
        let token = case["token"].as_str().unwrap();

        let claims = codec
            .decode(token, now)
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(&Value::Object(claims.into_map()), &case["claims"], "{id}");

        // The browser's Cookie header, reassembled.
        let header = case["cookie_header"].as_str().unwrap();
        let cookies = RequestCookies::parse(header);
        let session = SessionCookie::from_request(&cookies, &names);
        assert_eq!(session.token().unwrap(), Some(token), "{id}");

        // The same Set-Cookie lines the package's SessionStore wrote for this token.
        let expected: Vec<&str> = case["set_cookie"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let expires = expected[0]
            .split("; Expires=")
            .nth(1)
            .unwrap()
            .split(';')
            .next()
            .unwrap();
        let expires = OffsetDateTime::parse(&expires.replace("GMT", "+0000"), &Rfc2822).unwrap();
        let empty = RequestCookies::default();
        let written: Vec<String> = SessionCookie::from_request(&empty, &names)
            .write(token, expires)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(written, expected, "{id}");

        decoded += 1;
        chunked += usize::from(expected.len() > 1);
    }
    println!("decoded {decoded} tokens made by the packages ({chunked} chunked)");
    assert!(decoded >= 300 && chunked >= 60, "{decoded} / {chunked}");
}

fn json_value() -> impl Strategy<Value = Value> {
    // JavaScript numbers are doubles: keep integers within 2^53 so both sides agree exactly.
    const MAX_SAFE: i64 = (1 << 53) - 1;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-MAX_SAFE..=MAX_SAFE).prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| Value::Number(Number::from_f64(f).unwrap())),
        any::<String>().prop_map(Value::String),
        "[\"\\\\/<>\u{2028}\u{2029}\u{0}-\u{1f}]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_:]{1,12}|\\PC{0,8}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn random_claims(runner: &mut TestRunner, large: bool) -> SessionClaims {
    let mut map: Map<String, Value> = Map::new();
    map.insert("name".into(), "Jane Doe ✓".into());
    map.insert("email".into(), "jane@example.com".into());
    map.insert("sub".into(), "7a1e4f0c-0000-4000-8000-00000000c0c0".into());
    let extra = prop::collection::btree_map("[a-zA-Z_:]{1,16}", json_value(), 0..8);
    for (k, v) in extra.new_tree(runner).unwrap().current() {
        map.insert(k, v);
    }
    if large {
        // 150-420 groups: 1 to 4 chunks worth of token.
        let n = (40usize..140).new_tree(runner).unwrap().current() * 3;
        let groups: Vec<Value> = (0..n)
            .map(|i| format!("group-{i}-é-{}", "x".repeat(i % 17)).into())
            .collect();
        map.insert("groups".into(), groups.into());
    }
    SessionClaims::from_map(map)
}

#[test]
#[ignore = "needs Node and `npm ci` in interop/jwt; run by scripts/test-all.sh"]
fn the_packages_decode_what_we_encode() {
    let dir = harness();
    let mut runner = TestRunner::deterministic();
    let now = SystemClock.now();
    let mut cases = Vec::new();
    for format in [WireFormat::NextAuthV4, WireFormat::AuthJsV5] {
        for i in 0..150 {
            let secure = i % 3 == 0;
            let large = i % 3 == 1;
            let names = CookieNames::new(format, secure);
            // v5: encode with an older secret and hand the package the rotated list, so that
            // it must pick the key by `kid`. v4 has no rotation in next-auth: one secret.
            let (encoding, listed) = match (format, i % 2) {
                (WireFormat::AuthJsV5, 0) => {
                    (vec!["old-secret-1"], vec!["new-secret-2", "old-secret-1"])
                }
                _ => (vec!["current-secret-0"], vec!["current-secret-0"]),
            };
            let codec = TokenCodec::for_session(&names, &Secrets::new(encoding).unwrap());
            let mut claims = random_claims(&mut runner, large);
            let token = codec.encode(&mut claims, now, &OsRandom).unwrap();
            let empty = RequestCookies::default();
            let set_cookie: Vec<String> = SessionCookie::from_request(&empty, &names)
                .write(&token, now + Duration::days(30))
                .iter()
                .map(ToString::to_string)
                .collect();
            let cookie_header = set_cookie
                .iter()
                .map(|l| l.split(';').next().unwrap())
                .collect::<Vec<_>>()
                .join("; ");
            let tag = if format == WireFormat::AuthJsV5 {
                "v5"
            } else {
                "v4"
            };
            cases.push(json!({
                "id": format!("rust-{tag}-{i:04}"),
                "format": tag,
                "secrets": listed,
                "secure": secure,
                "cookie_name": names.session_token(),
                "salt": format.session_salt(names.session_token()),
                "now": now.unix_timestamp(),
                "claims": claims.as_map(),
                "token": token,
                "set_cookie": set_cookie,
                "cookie_header": cookie_header,
            }));
        }
    }
    let chunked = cases
        .iter()
        .filter(|c| c["set_cookie"].as_array().unwrap().len() > 1)
        .count();
    assert!(chunked >= 75, "{chunked} chunked cases");
    let input =
        std::env::temp_dir().join(format!("nextauth-rust-made-{}.json", std::process::id()));
    std::fs::write(
        &input,
        serde_json::to_vec(&json!({ "cases": cases })).unwrap(),
    )
    .unwrap();
    node(&dir, &["check", input.to_str().unwrap()]);
    std::fs::remove_file(&input).ok();
    println!(
        "the packages decoded {} tokens we made ({chunked} chunked)",
        cases.len()
    );
}
