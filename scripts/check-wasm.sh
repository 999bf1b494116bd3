#!/usr/bin/env bash
# The wire crate must build for wasm32-unknown-unknown (Lambda@Edge runs it inside Node.js).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_target wasm32-unknown-unknown
cargo build -p session-cookie --no-default-features --target wasm32-unknown-unknown
