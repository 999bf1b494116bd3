#!/usr/bin/env bash
# The interop suite in one command: a real browser must not tell the Rust tier serving /api/*
# from the real Next.js + next-auth server.
#
#   interop/run.sh [--other-tier node|rust] [--only scenario[,scenario]]
#
# Idempotent: installs Debian's chromium if missing, runs `npm ci` where node_modules is
# missing or older than the lock file, rebuilds an app's static export / standalone server
# only when its sources changed, then runs the IdP self-test and every browser scenario.
# Tier B ("the other tier") is the binary in $RUST_TIER_BIN (the default when it is set), or
# a second Node instance with --other-tier node.
set -euo pipefail
cd "$(dirname "$0")"

export NEXT_TELEMETRY_DISABLED=1
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1   # never let a tool fetch a browser of its own
export PUPPETEER_SKIP_DOWNLOAD=1

other=""
only=""
usage() {
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
  exit "${1:-0}"
}
while [ $# -gt 0 ]; do
  case "$1" in
    --other-tier) other="${2:-}"; shift 2 ;;
    --other-tier=*) other="${1#*=}"; shift ;;
    --only) only="${2:-}"; shift 2 ;;
    --only=*) only="${1#*=}"; shift ;;
    -h|--help) usage 0 ;;
    *) echo "unknown argument: $1" >&2; usage 2 ;;
  esac
done
if [ -z "$other" ]; then
  if [ -n "${RUST_TIER_BIN:-}" ]; then
    other=rust
  else
    echo "No other tier to test against: set RUST_TIER_BIN to the Rust tier binary," >&2
    echo "or pass --other-tier node to run Node against Node." >&2
    exit 2
  fi
fi
case "$other" in
  node) ;;
  rust)
    if [ -z "${RUST_TIER_BIN:-}" ] || [ ! -x "$RUST_TIER_BIN" ]; then
      echo "--other-tier rust needs RUST_TIER_BIN set to an executable (got '${RUST_TIER_BIN:-}')" >&2
      exit 2
    fi ;;
  *) echo "--other-tier must be node or rust, not '$other'" >&2; exit 2 ;;
esac

started=$(date +%s)
timings=()
step() {
  local name=$1; shift
  local t0 rc=0; t0=$(date +%s)
  echo "==> $name"
  "$@" || rc=$?
  local took=$(( $(date +%s) - t0 ))
  timings+=("$(printf '%5ss  %s' "$took" "$name")")
  echo "<== $name (${took}s)"
  return "$rc"
}

install_chromium() {
  if [ -x /usr/bin/chromium ]; then echo "chromium present"; return; fi
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
}

# npm ci when node_modules is missing or older than the lock file (npm ci leaves
# node_modules/.package-lock.json behind as the marker of what it installed).
npm_ci() {
  local dir=$1
  if [ -f "$dir/node_modules/.package-lock.json" ] && [ ! "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "$dir: node_modules up to date"
    return
  fi
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
}

# Rebuilds one output mode of an app when its output is missing or older than any source.
build() {
  local app=$1 mode=$2 marker
  case "$mode" in
    export) marker="$app/out/index.html" ;;
    standalone) marker="$app/.next-standalone/standalone/server.js" ;;
  esac
  local sources=("$app/pages" "$app/lib" "$app/next.config.mjs" "$app/tsconfig.json" "$app/package.json" "$app/package-lock.json")
  [ -d "$app/app" ] && sources+=("$app/app")
  if [ -f "$marker" ] && [ -z "$(find "${sources[@]}" -newer "$marker" -print -quit)" ]; then
    echo "$app $mode build up to date"
    return
  fi
  mkdir -p .logs
  local log=".logs/build-$app-$mode.log"
  (cd "$app" && OUTPUT="$mode" node_modules/.bin/next build) >"$log" 2>&1 || {
    echo "next build ($app, $mode) failed; the end of $log:" >&2
    tail -n 40 "$log" >&2
    return 1
  }
  echo "$app $mode built"
}

# The versions the wire spec was written against, as the lock files resolve them (every copy,
# nested ones included: app-v5 must resolve @auth/core to exactly 0.41.3).
check_pins() {
  node --input-type=module -e '
    import { readFileSync } from "node:fs";
    const pins = [
      ["app-v4", "next-auth", "4.24.15"],
      ["app-v5", "next-auth", "5.0.0-beta.32"],
      ["app-v5", "@auth/core", "0.41.3"],
      ["harness", "oidc-provider", "8.8.1"],
    ];
    let ok = true;
    for (const [dir, name, version] of pins) {
      const { packages } = JSON.parse(readFileSync(`${dir}/package-lock.json`, "utf8"));
      const copies = Object.entries(packages).filter(([path]) => path.endsWith(`node_modules/${name}`));
      const versions = [...new Set(copies.map(([, p]) => p.version))];
      if (versions.length !== 1 || versions[0] !== version) {
        console.error(`${dir}/package-lock.json resolves ${name} to ${versions.join(", ") || "nothing"}, expected exactly ${version}`);
        ok = false;
      } else console.log(`${dir}: ${name} ${version}`);
    }
    process.exit(ok ? 0 : 1);'
}

step "pinned versions in the lock files" check_pins
step "chromium (Debian package)" install_chromium
for dir in app-v4 app-v5 harness; do step "npm ci $dir" npm_ci "$dir"; done
for app in app-v4 app-v5; do
  for mode in export standalone; do step "next build $app ($mode)" build "$app" "$mode"; done
done
step "IdP self-test" bash -c 'cd harness && node --test --test-reporter=dot test/'

# The scenarios run in the background so a signal here reaches them and they stop every
# server they started.
scenario_args=(--other-tier "$other")
[ -n "$only" ] && scenario_args+=(--only "$only")
run_scenarios() {
  node harness/src/run-scenarios.mjs "${scenario_args[@]}" &
  local pid=$!
  trap 'kill -TERM "$pid" 2>/dev/null; wait "$pid"; exit 143' INT TERM
  local status=0
  wait "$pid" || status=$?
  trap - INT TERM
  return "$status"
}
status=0
step "browser scenarios (tier B: $other)" run_scenarios || status=$?

echo
echo "Timings:"
printf '%s\n' "${timings[@]}"
echo "interop total: $(( $(date +%s) - started ))s"
exit "$status"
