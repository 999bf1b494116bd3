#!/usr/bin/env bash
# Instructions retired per token decode and per session read, counted with callgrind: the
# comparison BENCHMARKS.md quotes ("Against the tree before the one-reader change"). Timings on
# a shared machine move ±20 % between runs; instruction counts do not.
#
#   bash bench/instructions.sh [TREE]     # TREE: a checkout of this repository (default: this one)
#
# Builds two small programs against TREE's session-cookie and auth-core (TREE's Cargo.lock, the
# workspace's release profile) in a temporary directory, runs each operation N = 100 and 1,100
# times under `valgrind --tool=callgrind`, and prints (I(1100) - I(100)) / 1000 per operation,
# which cancels start-up and key derivation. The tokens are the codec bench's (`claims()` with
# 17 / 190 / 15 / 188 groups, same secret); the session read is the `session_read` bench's.
# Installs valgrind from Debian if missing.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
tree="$(cd "${1:-$here}" && pwd)"
source "$here/scripts/lib.sh"
ensure_apt valgrind
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The claims type was `Claims` before it became `SessionClaims`.
claims=SessionClaims
grep -q 'pub struct SessionClaims' "$tree/session-cookie/src/claims.rs" || claims=Claims
cp "$tree/Cargo.lock" "$work/Cargo.lock"
mkdir -p "$work/src/bin"
cat > "$work/Cargo.toml" <<EOF
[package]
name = "instructions"
version = "0.0.0"
edition = "2024"
publish = false
[dependencies]
session-cookie = { path = "$tree/session-cookie" }
auth-core = { path = "$tree/auth-core" }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
bytes = "1"
http = "1"
tokio = { version = "1", features = ["rt"] }
[profile.release]
lto = "thin"
codegen-units = 1
[workspace]
EOF
cat > "$work/src/bin/decode.rs" <<EOF
use serde_json::json;
use session_cookie::{$claims as Claims, Clock, CookieNames, OsRandom, Secrets, SystemClock, TokenCodec, WireFormat};

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct SessionView { sub: String, name: Option<String>, email: Option<String>, exp: i64 }

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (case, op, n) = (args[1].as_str(), args[2].as_str(), args[3].parse::<usize>().unwrap());
    let (format, groups) = match case {
        "v4-1k" => (WireFormat::NextAuthV4, 17),
        "v4-8k" => (WireFormat::NextAuthV4, 190),
        "v5-1k" => (WireFormat::AuthJsV5, 15),
        _ => (WireFormat::AuthJsV5, 188),
    };
    let groups: Vec<String> = (0..groups).map(|i| format!("group-{i:03}-{}", "x".repeat(12))).collect();
    let mut claims = Claims::from_serialize(&json!({
        "name": "Jane Doe", "email": "jane.doe@example.com", "picture": "https://example.com/p.png",
        "sub": "7a1e4f0c-0000-4000-8000-00000000c0c0", "groups": groups,
    })).unwrap();
    let names = CookieNames::new(format, false);
    let codec = TokenCodec::for_session(&names, &Secrets::single("bench-secret-0123456789abcdef").unwrap());
    let now = SystemClock.now();
    let token = codec.encode(&mut claims, now, &OsRandom).unwrap();
    for _ in 0..n {
        if op == "decode" {
            std::hint::black_box(codec.decode(std::hint::black_box(&token), now).unwrap());
        } else {
            std::hint::black_box(codec.decode_as::<SessionView>(std::hint::black_box(&token), now).unwrap());
        }
    }
}
EOF
cat > "$work/src/bin/session.rs" <<EOF
use auth_core::{AuthConfig, AuthHandler};
use serde_json::json;
use session_cookie::{$claims as Claims, Clock, CookieNames, OsRandom, Secrets, SystemClock, ThreadRandom, TokenCodec, WireFormat};

const SECRET: &str = "bench-secret-0123456789abcdef";

fn main() {
    let n: usize = std::env::args().nth(1).unwrap().parse().unwrap();
    let names = CookieNames::new(WireFormat::NextAuthV4, false);
    let codec = TokenCodec::for_session(&names, &Secrets::single(SECRET).unwrap());
    let mut claims = Claims::from_serialize(&json!({
        "name": "Jane Doe", "email": "jane.doe@example.com", "picture": "https://example.com/p.png",
        "sub": "7a1e4f0c-0000-4000-8000-00000000c0c0", "groups": ["admins", "users"],
    })).unwrap();
    let token = codec.encode(&mut claims, SystemClock.now(), &OsRandom).unwrap();
    let cookie = format!("next-auth.session-token={token}");
    let config = AuthConfig::builder(WireFormat::NextAuthV4, Secrets::single(SECRET).unwrap())
        .public_url("http://localhost:3000").unwrap().random(ThreadRandom).build().unwrap();
    let handler = AuthHandler::new(config);
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    for _ in 0..n {
        let request = http::Request::get("http://localhost:3000/api/auth/session")
            .header("cookie", cookie.as_str())
            .body(bytes::Bytes::new())
            .unwrap();
        let response = runtime.block_on(handler.handle(request));
        assert_eq!(response.status(), 200);
        std::hint::black_box(response);
    }
}
EOF
(cd "$work" && CARGO_TARGET_DIR="$work/target" cargo build --release --quiet --bins)
count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
per_op() { # binary args... ; N is appended
  local few many
  few=$(count "$@" 100)
  many=$(count "$@" 1100)
  echo $(((many - few) / 1000))
}
echo "instructions per operation, $tree"
for case in v4-1k v4-8k v5-1k v5-8k; do
  for op in decode decode_as; do
    printf '%-6s %-10s %s\n' "$case" "$op" "$(per_op "$work/target/release/decode" "$case" "$op")"
  done
done
printf '%-17s %s\n' "session read" "$(per_op "$work/target/release/session")"
