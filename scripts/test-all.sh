#!/usr/bin/env bash
# Runs every test of the workspace: the README's test command, and the only thing CI runs.
#
# Idempotent: installs what it needs (rustup targets, npm packages from lock files, Debian's
# chromium) and skips what is already there. Prints how long each step took.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

started=$(date +%s)
timings=()
step() {
  local name=$1; shift
  local t0; t0=$(date +%s)
  echo "==> $name"
  "$@"
  local took=$(( $(date +%s) - t0 ))
  timings+=("$(printf '%5ss  %s' "$took" "$name")")
  echo "<== $name (${took}s)"
}

source scripts/lib.sh
# josekit, the independent JOSE oracle in session-cookie's dev-dependencies, links OpenSSL.
step "system packages" ensure_apt pkg-config libssl-dev
step "vectors are byte-identical to ../shared/vectors" scripts/check-vectors.sh
step "rustfmt" cargo fmt --all --check
step "clippy" cargo clippy --workspace --all-targets --all-features -- -D warnings
step "rust-version is honest (dependencies)" python3 scripts/check-msrv.py
step "cargo deny: licenses, bans, sources" scripts/check-deny.sh
step "cargo test" cargo test --workspace --all-features
step "loopback probes of the local stack over raw sockets" python3 scripts/probe-local-stack.py
step "cargo doc" env RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --all-features
step "wasm32 build of the edge crates" scripts/check-wasm.sh
step "session tokens through the real next-auth / @auth/core" scripts/node-interop-jwt.sh
step "CDK recipe: assertions and offline synth" bash examples/cdk/test.sh
step "Lambda@Edge package: wasm in Node 20 on event fixtures" bash examples/edge-function/test.sh
step "differential: mutated sessions through next-auth, @auth/core and every Rust reader" scripts/differential.sh
step "interop: real Next.js + next-auth, OIDC IdP and Chromium against the Rust tier" scripts/interop.sh

echo
echo "All tests passed in $(( $(date +%s) - started ))s:"
printf '%s\n' "${timings[@]}"
