#!/usr/bin/env bash
# Proves each sign-in / token check is load-bearing: disable one check at a time and require
# that the cognito-provider tests then fail. Restores every file afterwards. Not part of CI
# (it rebuilds the crate once per mutation); run by hand: bash scripts/mutants-cognito.sh
set -euo pipefail
cd "$(dirname "$0")/.."
backup=$(mktemp -d)
# Restore exactly the files copied here (a glob once dropped auth-core's callback.rs into
# cognito-provider/src/).
restore() {
  for f in id_token jwt jwks provider verifier; do
    cp "$backup/$f.rs" "cognito-provider/src/$f.rs" 2>/dev/null || true
  done
  cp "$backup/callback.rs" auth-core/src/actions/callback.rs 2>/dev/null || true
  rm -rf "$backup"
}
trap restore EXIT
cp cognito-provider/src/{id_token,jwt,jwks,provider,verifier}.rs "$backup"/
cp auth-core/src/actions/callback.rs "$backup"/callback.rs
missed=0
mutate() { # file, text to replace, replacement, label
  local file=$1 label=$4 original="$backup/$(basename "$1")"
  python3 - "$file" "$2" "$3" <<'PY'
import sys
path, old, new = sys.argv[1:4]
text = open(path).read()
assert old in text, f"{path}: pattern not found: {old!r}"
open(path, "w").write(text.replace(old, new, 1))
PY
  if cargo test -q -p cognito-provider --tests >/dev/null 2>&1; then
    echo "MISSED  $label"; missed=$((missed + 1))
  else
    echo "caught  $label"
  fi
  cp "$original" "$file"
}
mutate cognito-provider/src/jwt.rs 'if header.alg != "RS256" {' 'if false {' "alg allow-list (RS256 only)"
mutate cognito-provider/src/jwt.rs '.map_err(|_| CognitoError::InvalidSignature),' '.or(Ok(())),' "signature verification"
mutate cognito-provider/src/id_token.rs '    check_issuer(&claims, &[cognito.issuer()])?;' '' "iss"
mutate cognito-provider/src/id_token.rs '    check_audience(&claims, &[cognito.client_id()])?;' '' "aud"
mutate cognito-provider/src/id_token.rs '    check_token_use(&claims, "id")?;' '' "token_use"
mutate cognito-provider/src/id_token.rs '            return Err(CognitoError::NonceMismatch);' '' "nonce"
mutate cognito-provider/src/id_token.rs '    if !claims.contains_key("iat") {' '    if false {' "id_token iat required"
mutate cognito-provider/src/jwt.rs 'Some(exp) if exp + leeway < now => return Err(CognitoError::Expired),' '' "exp"
mutate cognito-provider/src/jwt.rs 'if seconds(claims, "nbf")?.is_some_and(|nbf| nbf - leeway > now) {' 'if false {' "nbf"
mutate cognito-provider/src/jwks.rs '        if !well_formed {' '        if false {' "one malformed key refuses the key set"
mutate cognito-provider/src/jwks.rs '        if usable {' '        if true {' "a key unfit for RS256 (kty, use, alg, n, e) is not used"
mutate cognito-provider/src/id_token.rs '        Some(iss) if issuers.iter().any(|ours| ours.as_ref() == iss) => Ok(()),' '        Some(_) => Ok(()),' "iss among the accepted issuers"
mutate cognito-provider/src/verifier.rs '            Some(client) if inner.client_ids.iter().any(|ours| ours == client) => {}' '            Some(_) => {}' "verifier client (aud / client_id)"
mutate cognito-provider/src/id_token.rs '.is_some_and(|v| !v.is_string() && !string_list(v))' '.is_some_and(|_| false)' "aud type"
mutate cognito-provider/src/jwks.rs 'if last.is_some_and(|at| at.elapsed() < self.min_interval) {
            return Ok(None);' 'if false {
            return Ok(None);' "unknown-kid refetch rate limit"
mutate cognito-provider/src/jwks.rs 'if last.is_some_and(|at| at.elapsed() < self.min_interval) {
            return Err(' 'if false {
            return Err(' "penalty after a failed JWKS fetch"
mutate cognito-provider/src/provider.rs 'exchange = exchange.set_pkce_verifier(PkceCodeVerifier::new(verifier.to_owned()));' '' "PKCE verifier sent"
mutate auth-core/src/actions/callback.rs 'if !matches {' 'if false {' "state equals its cookie (auth-core)"
mutate auth-core/src/actions/callback.rs 'return ctx.fail(Failure::CheckFailed);
            }
        };' 'continue;
            }
        };' "check cookies present, unexpired, for this provider (auth-core)"
echo
[ "$missed" -eq 0 ] && echo "every check is covered by a failing test" || { echo "$missed check(s) not covered"; exit 1; }
