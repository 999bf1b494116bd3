#!/usr/bin/env bash
# The differential suite: ~600 mutated session cookies (v4 and v5) judged by the real
# next-auth 4.24.15 and @auth/core 0.41.3 session routes and by every Rust reader (the
# handler's session route, get_token, the axum extractor, nextauth-cookie, the packaged
# Lambda@Edge function); and ~200 Cognito JWT cases judged by aws-jwt-verify 5.2.1 and
# cognito_provider::CognitoJwtVerifier. Fails on a lax Rust reader, an unexplained strict one
# (see session-cookie/strict-on-input.md and cognito-provider/strict-on-input.md), readers that
# disagree, or a crash; proves first that it can fail. Needs the edge package's test build
# (examples/edge-function/test.sh makes it).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_npm interop/jwt
edge_dist=examples/edge-function/dist-test
[ -f "$edge_dist/index.mjs" ] || bash examples/edge-function/test.sh
cargo build --quiet -p differential -p cookie-cli
target_dir="$(cargo_target_dir)"
cases="$(mktemp -d)/cases.json"
node interop/jwt/differential.mjs "$cases" --edge-dist "$edge_dist"
"$target_dir/debug/differential" "$cases" --cli "$target_dir/debug/nextauth-cookie"
