#!/usr/bin/env bash
# Builds the Lambda@Edge package with a FIXED test configuration (the vectors' public secret,
# into dist-test/, never dist/), mints session cookies with the Rust tier, and runs the Node
# test of the packaged function (node:test, no npm packages). Idempotent; adds the wasm32
# target if it is missing. Warm: a few seconds.
set -euo pipefail
cd "$(dirname "$0")"
root="$(cd ../.. && pwd)"

# Nothing from the caller's environment may leak into the test package.
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep '^EDGE_' || true)

export EDGE_DIST_DIR=dist-test
export EDGE_NEXTAUTH_SECRET=nextauth-public-vector-secret-0123456789
export EDGE_WIRE_FORMAT=v4,v5
export EDGE_PUBLIC_ORIGIN=http://localhost:3000
export EDGE_PROTECTED_PATHS='/account/**,/admin/**,/api/**'
export EDGE_USER_ID_HEADER=x-auth-user-id
export EDGE_TRAILING_SLASH=true
export EDGE_STATIC_ROUTES='/posts/[id],/posts/featured,/docs/[...slug]'
export EDGE_LOG_DECISIONS=false

bash build.sh

# Cookies as the Rust tier writes them, minted now (valid 30 days) with the same secret.
cargo run --quiet --manifest-path "$root/Cargo.toml" -p edge-function --example mint-session -- \
  "$EDGE_NEXTAUTH_SECRET" "$(date +%s)" >dist-test/rust-tier-tokens.json

node --test --test-reporter=spec test.mjs
