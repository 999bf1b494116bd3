#!/usr/bin/env bash
# One command for the side-by-side benchmark (bench/README.md): builds the release binaries,
# the Next.js standalone server of the interop suite, the Lambda and edge packages, runs the
# decode benchmark, then bench/run.py. Installs wrk from Debian if missing. Loopback only; every
# process it starts is stopped when it ends.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_apt wrk

cargo build --release -p local-stack -p cookie-cli
mkdir -p target/bench
strip -o target/bench/local-stack.stripped target/release/local-stack

# The Next.js standalone server with next-auth, as the interop suite builds it (the baseline
# scenario is the cheapest way through its build step).
bash interop/run.sh --other-tier node --only baseline

# Sizes of the deployable packages.
if command -v cargo-lambda >/dev/null; then
  ensure_target aarch64-unknown-linux-gnu
  cargo lambda build --release --arm64 -p lambda --bin bootstrap --output-format zip
else
  echo "cargo-lambda not installed (pip install cargo-lambda ziglang): no Lambda zip size"
fi
bash examples/edge-function/test.sh >/dev/null

# Token decode, Rust against next-auth's decode(), same tokens.
bash scripts/bench-decode.sh

# The handler alone, without a transport: what the crate spends per session read.
cargo bench -p auth-core --bench session_read -- --warm-up-time 1 --measurement-time 5

python3 bench/run.py
