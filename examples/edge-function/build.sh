#!/usr/bin/env bash
# Packages the Lambda@Edge function: the edge-adapter compiled to WebAssembly, the Node 20
# handler, and a config.json generated from EDGE_* variables (see js/package-config.mjs for the
# list), zipped as <dist>/edge-function.zip. Deploy with runtime nodejs20.x, handler
# index.handler, in us-east-1.
#
#   EDGE_NEXTAUTH_SECRET=... EDGE_PUBLIC_ORIGIN=https://www.example.com \
#   EDGE_PROTECTED_PATHS='/account/**,/admin/**' bash examples/edge-function/build.sh
#
# The zip holds the secret: treat it as secret material. EDGE_DIST_DIR picks the output
# directory (default: dist/ next to this script; git-ignored).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
dist="${EDGE_DIST_DIR:-dist}"
case "$dist" in /*) ;; *) dist="$here/$dist" ;; esac

rustup target list --installed | grep -qx wasm32-unknown-unknown ||
  rustup target add wasm32-unknown-unknown

# A profile of its own, defined on the command line (profiles live in the root manifest,
# which this package leaves alone): release plus size over speed, fat LTO, one codegen unit,
# no symbols, abort on panic. Its output directory is separate, so it never invalidates the
# workspace's release builds.
profile=edge-wasm
cargo build --manifest-path "$root/Cargo.toml" -p edge-function --lib \
  --target wasm32-unknown-unknown --profile "$profile" \
  --config "profile.$profile.inherits=\"release\"" \
  --config "profile.$profile.opt-level=\"z\"" \
  --config "profile.$profile.lto=true" \
  --config "profile.$profile.codegen-units=1" \
  --config "profile.$profile.strip=true" \
  --config "profile.$profile.panic=\"abort\""

source "$root/scripts/lib.sh"
target_dir="$(cargo_target_dir "$root/Cargo.toml")"
wasm="$target_dir/wasm32-unknown-unknown/$profile/edge_function.wasm"

rm -rf "$dist"
mkdir -p "$dist"
if command -v wasm-opt >/dev/null 2>&1 &&
  wasm-opt -Oz --all-features --strip-debug --strip-producers "$wasm" -o "$dist/edge_function.wasm"; then
  echo "build.sh: wasm-opt -Oz applied"
else
  cp "$wasm" "$dist/edge_function.wasm"
fi
cp "$here/js/index.mjs" "$dist/index.mjs"

# Writes config.json and checks it against the module just built.
node "$here/js/package-config.mjs" "$dist"

(
  cd "$dist"
  rm -f edge-function.zip
  if command -v zip >/dev/null 2>&1; then
    zip -q -X -9 edge-function.zip index.mjs edge_function.wasm config.json
  else
    python3 - <<'PY'
import zipfile
with zipfile.ZipFile("edge-function.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    for name in ("index.mjs", "edge_function.wasm", "config.json"):
        z.write(name)
PY
  fi
)
wasm_bytes=$(wc -c <"$dist/edge_function.wasm")
zip_bytes=$(wc -c <"$dist/edge-function.zip")
echo "build.sh: $dist/edge-function.zip: $zip_bytes bytes zipped (wasm $wasm_bytes bytes);" \
  "Lambda@Edge allows 1 MB zipped for viewer triggers, 50 MB for origin triggers"
