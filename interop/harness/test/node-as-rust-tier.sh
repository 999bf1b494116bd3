#!/usr/bin/env bash
# A stand-in for the Rust tier binary, to exercise the RUST_TIER_BIN plug-in point before the
# Rust tier exists:  RUST_TIER_BIN=harness/test/node-as-rust-tier.sh ./run.sh
# It checks the contract's environment and serves the wire format named by
# NEXTAUTH_WIRE_FORMAT with the matching Node standalone server. Node runs as a child (not
# exec'd) on purpose: the launcher must stop the whole process group.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
for name in HOSTNAME PORT NEXTAUTH_URL NEXTAUTH_SECRET COGNITO_ISSUER COGNITO_CLIENT_ID COGNITO_CLIENT_SECRET NEXTAUTH_WIRE_FORMAT; do
  if [ -z "${!name:-}" ]; then echo "node-as-rust-tier: $name is not set" >&2; exit 2; fi
done
case "$NEXTAUTH_WIRE_FORMAT" in
  v4|v5) ;;
  *) echo "node-as-rust-tier: NEXTAUTH_WIRE_FORMAT must be v4 or v5" >&2; exit 2 ;;
esac
node "$here/../../app-$NEXTAUTH_WIRE_FORMAT/.next-standalone/standalone/server.js"
