#!/usr/bin/env bash
# The wire crate and the edge adapter must build for wasm32-unknown-unknown (Lambda@Edge runs
# them inside Node.js).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_target wasm32-unknown-unknown
cargo build -p session-cookie --no-default-features --target wasm32-unknown-unknown
cargo build -p edge-adapter --target wasm32-unknown-unknown
