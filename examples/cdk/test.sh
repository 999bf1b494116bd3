#!/usr/bin/env bash
# Tests the CDK recipe without AWS: type-check, jest (aws-cdk-lib/assertions), `cdk synth`.
#
# Idempotent. Installs node_modules from package-lock.json only when they are missing or
# older than the lock file. Everything after that runs offline: inside a network namespace
# with no network when `unshare -n` is allowed, and in any case with no AWS credentials,
# no instance metadata, no notices, no version check and no telemetry. Prints timings.
set -euo pipefail
cd "$(dirname "$0")"

started=$(date +%s)
timings=()
step() {
  local name=$1; shift
  local t0; t0=$(date +%s)
  echo "==> $name"
  "$@"
  local took=$(( $(date +%s) - t0 ))
  timings+=("$(printf '%5ss  %s' "$took" "$name")")
  echo "<== $name (${took}s)"
}

# ---------------------------------------------------------------- install
# npm ci writes node_modules/.package-lock.json; it is older than package-lock.json exactly
# when the lock file changed after the last install. No install scripts: every native piece
# (esbuild, the jest resolver, the file watcher) comes as a prebuilt optional package, and
# newer npm skips unapproved scripts anyway, so this behaves the same with any npm.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  step "npm ci" npm ci --no-audit --no-fund --ignore-scripts
else
  echo "==> npm ci: node_modules is up to date with package-lock.json, skipped"
fi

# ---------------------------------------------------------------- offline from here on
# No AWS identity: `cdk synth` asks STS for the default account whenever it finds
# credentials, and the SDK's credential and region chains may ask the instance metadata
# service. Clear every AWS_* variable and point the config files at nothing.
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep '^AWS_' || true)
export AWS_CONFIG_FILE=/dev/null
export AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_EC2_METADATA_DISABLED=true
export AWS_REGION=us-east-1 # never used: the stack is environment-agnostic
# The CDK CLI: no "newer version" check, no telemetry (flags below too).
export CDK_DISABLE_VERSION_CHECK=1
export CDK_DISABLE_CLI_TELEMETRY=true
# npx (used by cdk.json's "app") must never fetch a package.
export npm_config_offline=true
export npm_config_update_notifier=false

# Run in a network namespace with no interfaces when the kernel and sandbox allow it, so
# that a forgotten network call fails here instead of passing silently.
offline=()
if unshare --net true 2>/dev/null; then
  offline=(unshare --net)
elif unshare --user --map-root-user --net true 2>/dev/null; then
  offline=(unshare --user --map-root-user --net)
else
  echo "note: unshare --net is not allowed here; running without a network namespace"
fi
run_offline() { "${offline[@]}" "$@"; }

# ---------------------------------------------------------------- checks
step "tsc --noEmit" run_offline node_modules/.bin/tsc --noEmit -p tsconfig.json

step "jest" run_offline node_modules/.bin/jest --ci --verbose

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/out" "$tmp/lambda"
printf '<!doctype html><title>synth check</title>\n' >"$tmp/out/index.html"
printf '#!/bin/sh\nexit 1\n' >"$tmp/lambda/bootstrap"
chmod 755 "$tmp/lambda/bootstrap"

synth() {
  run_offline node_modules/.bin/cdk synth --quiet \
    --no-notices --no-version-reporting --no-lookups --ci \
    --output "$tmp/cdk.out" \
    -c staticExportDir="$tmp/out" \
    -c lambdaAssetDir="$tmp/lambda"
  # What reached the cloud assembly: one stack, no account id, no CDK metadata resource.
  node -e '
    const fs = require("fs");
    const dir = process.argv[1];
    const templates = fs.readdirSync(dir).filter((f) => f.endsWith(".template.json"));
    if (templates.length !== 1) throw new Error(`expected one template, got ${templates}`);
    const text = fs.readFileSync(`${dir}/${templates[0]}`, "utf8");
    const t = JSON.parse(text);
    const types = Object.values(t.Resources).map((r) => r.Type);
    if (types.includes("AWS::CDK::Metadata")) throw new Error("version reporting is on");
    if (/\b\d{12}\b/.test(text)) throw new Error("an account id is in the template");
    for (const type of ["AWS::CloudFront::Distribution", "AWS::ApiGatewayV2::Api", "AWS::Lambda::Function", "AWS::S3::Bucket"]) {
      if (!types.includes(type)) throw new Error(`no ${type} in the template`);
    }
    console.log(`synth: ${templates[0]}: ${types.length} resources, ${Object.keys(t.Parameters).length} parameters, ${Object.keys(t.Outputs).length} outputs`);
  ' "$tmp/cdk.out"
}
step "cdk synth" synth

echo
echo "examples/cdk: all checks passed in $(( $(date +%s) - started ))s:"
printf '%s\n' "${timings[@]}"
