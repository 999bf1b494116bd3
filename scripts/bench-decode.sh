#!/usr/bin/env bash
# Session token decode speed, Rust against next-auth's own decode(), measured in one run on the
# same tokens. Prints a markdown table (also written to target/bench-decode.md).
#
# Rust: criterion, release build (session-cookie/benches/codec.rs), which also writes the
# tokens it uses to target/bench-tokens.json. Node: interop/jwt/bench-decode.mjs times the
# packages' decode() on those tokens, one at a time on one core.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_npm interop/jwt

cargo bench -p session-cookie --bench codec -- --warm-up-time 1 --measurement-time 3
node interop/jwt/bench-decode.mjs target/bench-tokens.json 3 > target/bench-node.json

python3 - <<'PY'
import json, pathlib
crit = pathlib.Path("target/criterion")
node = json.loads(pathlib.Path("target/bench-node.json").read_text())
tokens = {t["id"]: t for t in json.loads(pathlib.Path("target/bench-tokens.json").read_text())}

def ns(group, bench):
    path = crit / group / bench / "new" / "estimates.json"
    if not path.exists():
        return None
    return json.loads(path.read_text())["mean"]["point_estimate"]

rows = ["| token | bytes | next-auth `decode()` | Rust `decode` (all claims) | speed-up | Rust `decode_as` (typed view) | speed-up | Rust decode from chunked Cookie header | Rust `encode` | bare AES-GCM + base64 | `decode` / bare | `decode_as` / bare |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
def us(v): return "—" if v is None else f"{v/1000:.2f} µs"
for tid in ["v4-1k", "v4-8k", "v5-1k", "v5-8k"]:
    dec, typed, hdr, enc, bare = (ns(tid, b) for b in ("decode", "decode_typed", "decode_cookie_header", "encode", "bare_aes_gcm_base64"))
    n = node[tid]["ns_per_decode"]
    over = lambda v: "—" if bare is None else f"{v/bare:.2f}×"
    rows.append(f"| {tid} | {tokens[tid]['token_len']} | {us(n)} | {us(dec)} | **{n/dec:.0f}×** | {us(typed)} | **{n/typed:.0f}×** | {us(hdr)} | {us(enc)} | {us(bare)} | {over(dec)} | {over(typed)} |")
table = "\n".join(rows)
pathlib.Path("target/bench-decode.md").write_text(table + "\n")
print(table)
PY
