#!/usr/bin/env bash
# The browser interop suite with the Rust local stack as the other tier (see interop/README.md).
# interop/run.sh installs what it needs (Debian's chromium, npm packages from lock files) and
# builds the Next.js fixture apps when their sources changed.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -p local-stack
RUST_TIER_BIN="$PWD/target/debug/local-stack" bash interop/run.sh --other-tier rust
