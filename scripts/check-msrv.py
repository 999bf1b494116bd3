#!/usr/bin/env python3
"""The workspace's `rust-version` is honest: no crate it builds asks for a newer Rust.

clippy's `incompatible_msrv` (on in the workspace lints, `-D warnings` in the test command)
checks our own code's use of the standard library against `rust-version`; this checks the
other half, the dependencies' declared `rust-version`, from `cargo metadata` of the lock file.
"""
import json
import subprocess
import sys


def version(text):
    return tuple(int(part) for part in text.split("."))[:2]


metadata = json.loads(
    subprocess.check_output(["cargo", "metadata", "--format-version", "1", "--locked"])
)
members = set(metadata["workspace_members"])
ours = {
    p["rust_version"]
    for p in metadata["packages"]
    if p["id"] in members and p.get("rust_version")
}
if len(ours) != 1:
    sys.exit(f"workspace members state different rust-versions: {sorted(ours)}")
declared = ours.pop()
newer = sorted(
    (p["rust_version"], p["name"], p["version"])
    for p in metadata["packages"]
    if p["id"] not in members
    and p.get("rust_version")
    and version(p["rust_version"]) > version(declared)
)
if newer:
    for rust, name, ver in newer:
        print(f"{name} {ver} needs Rust {rust}")
    sys.exit(f"rust-version = {declared} is not honest: raise it, or hold those crates back")
print(f"rust-version {declared}: no dependency asks for a newer Rust")
