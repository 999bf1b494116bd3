# Helpers shared by the test scripts: idempotent installers. Source it, don't run it.

# ensure_apt PACKAGE... — install Debian packages that are missing (as root, or with sudo).
ensure_apt() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing ${missing[*]} with apt-get"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
}

# ensure_npm DIR — `npm ci` in DIR unless node_modules is newer than the lock file.
ensure_npm() {
  local dir=$1
  if [ -d "$dir/node_modules" ] && [ "$dir/node_modules" -nt "$dir/package-lock.json" ]; then
    return 0
  fi
  echo "npm ci in $dir"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  touch "$dir/node_modules"
}

# ensure_target TRIPLE — add a rustup target if missing.
ensure_target() {
  rustup target list --installed | grep -qx "$1" || rustup target add "$1"
}

# cargo_target_dir [MANIFEST] — the workspace's target directory (honours CARGO_TARGET_DIR and
# .cargo/config), as cargo metadata reports it.
cargo_target_dir() {
  cargo metadata ${1:+--manifest-path "$1"} --format-version 1 --no-deps |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))'
}
