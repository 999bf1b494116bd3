#!/usr/bin/env bash
# The vectors under tests/vectors are copies of ../shared/vectors, made by the real npm packages.
# They must stay byte-identical; when ../shared is present (as in CI), prove it.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=../shared/vectors
if [ ! -d "$shared" ]; then
  echo "no $shared beside the repository; using the committed copies as they are"
  exit 0
fi
status=0
for f in "$shared"/*.json; do
  name=$(basename "$f")
  if ! cmp -s "$f" "tests/vectors/$name"; then
    echo "tests/vectors/$name differs from $f" >&2
    status=1
  fi
done
for f in tests/vectors/*.json; do
  [ -e "$shared/$(basename "$f")" ] || { echo "$f has no counterpart in $shared" >&2; status=1; }
done
[ $status -eq 0 ] && echo "$(ls tests/vectors/*.json | wc -l) vector files identical"
exit $status
