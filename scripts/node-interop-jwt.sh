#!/usr/bin/env bash
# Session tokens round-tripped through the real next-auth 4.24.15 and @auth/core 0.41.3.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_npm interop/jwt
cargo test -p session-cookie --test node_interop -- --ignored --nocapture
