#!/usr/bin/env bash
# Proves each browser scenario can fail: break the Rust tier in one place at a time, rebuild the
# local stack, and require that the scenario aimed at that behaviour then FAILS in the real
# browser against the real next-auth. Restores every file afterwards (also on Ctrl-C).
#
#   bash scripts/mutants-interop.sh
#
# Not part of CI (one rebuild and one browser run per mutation, ~10 min); run by hand after
# scripts/interop.sh has installed and built what the suite needs.
set -euo pipefail
cd "$(dirname "$0")/.."

files=(
  session-cookie/src/kdf.rs
  session-cookie/src/chunk.rs
  session-cookie/src/names.rs
  session-cookie/src/set_cookie.rs
  auth-core/src/actions/signout.rs
  auth-core/src/actions/session.rs
  examples/dev-issuer/src/tokens.rs
  examples/local-stack/src/static_site.rs
)
backup=$(mktemp -d)
for f in "${files[@]}"; do mkdir -p "$backup/$(dirname "$f")"; cp "$f" "$backup/$f"; done
restore() { for f in "${files[@]}"; do cp "$backup/$f" "$f"; done; }
trap 'restore; rm -rf "$backup"' EXIT

bin="$PWD/target/debug/local-stack"
scenario() { # name → exit status of the browser run
  RUST_TIER_BIN="$bin" bash interop/run.sh --other-tier rust --only "$1" >"$backup/last.log" 2>&1
}

echo "control: the unmutated tier passes every scenario used below"
cargo build -q -p local-stack
scenario a-to-b,b-to-a,chunked,v5,csrf-tamper,https,local-stack || {
  cat "$backup/last.log"; echo "control run failed: fix the suite first"; exit 1; }

missed=0
mutate() { # file, text to replace, replacement, scenario, label
  local file=$1 target=$4 label=$5
  python3 - "$file" "$2" "$3" <<'PY'
import sys
path, old, new = sys.argv[1:4]
text = open(path).read()
assert old in text, f"{path}: pattern not found: {old!r}"
open(path, "w").write(text.replace(old, new, 1))
PY
  cargo build -q -p local-stack
  if scenario "$target"; then
    echo "MISSED  $target: $label"; missed=$((missed + 1))
  else
    echo "caught  $target: $label"
    # Where it failed and why, so a failure for an unrelated reason shows.
    grep -m1 -A2 -E '^FAIL' "$backup/last.log" | tail -2 | sed -E 's/^ +/          /' | cut -c1-150
  fi
  cp "$backup/$file" "$file"
}

mutate session-cookie/src/kdf.rs \
  'WireFormat::NextAuthV4 if salt.is_empty() => "NextAuth.js Generated Encryption Key".into(),' \
  'WireFormat::NextAuthV4 if salt.is_empty() => "NextAuth.js Generated Encryption Key.".into(),' \
  a-to-b "v4 session key derived with another HKDF info string"
mutate session-cookie/src/set_cookie.rs \
  'out.write_str("; HttpOnly")?;' '' \
  b-to-a "Set-Cookie without HttpOnly"
mutate session-cookie/src/chunk.rs \
  'Ok(Some(Cow::Owned(chunks.iter().map(|&(_, v)| v).collect())))' \
  'Ok(Some(Cow::Owned(chunks.iter().rev().map(|&(_, v)| v).collect())))' \
  chunked "chunks joined in the wrong order"
mutate session-cookie/src/kdf.rs \
  'WireFormat::AuthJsV5 => format!("Auth.js Generated Encryption Key ({salt})"),' \
  'WireFormat::AuthJsV5 => "Auth.js Generated Encryption Key".to_owned(),' \
  v5 "v5 key derived without the cookie-name salt"
mutate auth-core/src/actions/signout.rs \
  'if !ctx.csrf.verified {' 'if false {' \
  csrf-tamper "sign-out without a verified CSRF token"
mutate auth-core/src/actions/session.rs \
  'tracing::debug!(reason = e.reason(), "session token rejected; clearing it");
            return empty().with_cookies(store.clear());' \
  'tracing::debug!(reason = e.reason(), "session token rejected; clearing it");
            return empty().with_status(StatusCode::INTERNAL_SERVER_ERROR);' \
  csrf-tamper "a tampered session cookie answered with a 500, not cleared"
mutate session-cookie/src/names.rs \
  '(WireFormat::NextAuthV4, true) => names!("__Secure-", "__Host-", "next-auth"),' \
  '(WireFormat::NextAuthV4, true) => names!("", "", "next-auth"),' \
  https "v4 cookie names without __Secure-/__Host- over https"
mutate examples/dev-issuer/src/tokens.rs \
  '            id.insert("cognito:groups".into(), json!(user.groups));' '' \
  local-stack "embedded issuer's id token without cognito:groups"
mutate examples/local-stack/src/static_site.rs \
  'Ok(bytes) => with_type(StatusCode::NOT_FOUND, &not_found, bytes),' \
  'Ok(bytes) => with_type(StatusCode::OK, &not_found, bytes),' \
  local-stack "static export's 404 page served with 200"

restore
cargo build -q -p local-stack
echo
[ "$missed" -eq 0 ] && echo "every mutation made its scenario fail" || { echo "$missed mutation(s) not caught"; exit 1; }
