#!/usr/bin/env bash
# The release bundle, from one command: the Linux binary and the Windows .exe built with the
# `dist` profile (Cargo.toml says why each setting), each zipped with the README,
# config.ini.example and the odbc/ notes, and a SHA-256 file for the binaries and the zips.
#   usage: scripts/dist.sh [OUT_DIR]        (default target/dist)
#   needs: the x86_64-pc-windows-gnu target (rustup target add x86_64-pc-windows-gnu) and
#   Debian's gcc-mingw-w64-x86-64, unixODBC's development files for the Linux build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "${1:-$root/target/dist}" && cd "${1:-$root/target/dist}" && pwd)
cd "$root"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
cargo build --locked --profile dist --bin source-to-staging
cargo build --locked --profile dist --target x86_64-pc-windows-gnu --bin source-to-staging

rm -rf "$out"/source-to-staging-* "$out/SHA256SUMS"
bundle() {
  local platform=$1 binary=$2
  local name="source-to-staging-$version-$platform"
  local dir="$out/$name"
  mkdir -p "$dir/odbc"
  cp "$binary" "$dir/"
  cp README.md config.ini.example "$dir/"
  cp odbc/* "$dir/odbc/"
  (cd "$out" && python3 -m zipfile -c "$name.zip" "$name")
  echo "$name: $(stat -c %s "$binary") bytes binary, $(stat -c %s "$out/$name.zip") bytes zipped"
}
bundle x86_64-linux target/dist/source-to-staging
bundle x86_64-windows target/x86_64-pc-windows-gnu/dist/source-to-staging.exe
(cd "$out" && sha256sum source-to-staging-*/source-to-staging source-to-staging-*/source-to-staging.exe \
  source-to-staging-*.zip > SHA256SUMS)
(cd "$out" && sha256sum -c --quiet SHA256SUMS)
echo "bundles in $out:"; ls -l "$out"/*.zip "$out/SHA256SUMS"
