#!/usr/bin/env bash
# Demo: copy a small municipal application (SQLite) into a staging database (SQLite), through
# ODBC as in production. Installs unixODBC (with its development files, for the build), the SQLite
# ODBC driver and sqlite3 when they are missing.
#   usage: demo/run.sh            (from the repository root or anywhere)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/demo/out"

# unixodbc-dev: the ODBC library the build links against (libodbc.so); the rest to run the demo.
packages=(unixodbc unixodbc-dev libsqliteodbc sqlite3)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]} > 0)); then
  echo "installing ${missing[*]} ..."
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get install -y -qq "${missing[@]}" >/dev/null \
    || { $sudo apt-get update -qq && $sudo apt-get install -y -qq "${missing[@]}"; }
fi

bin="$root/target/release/source-to-staging"
if [ ! -x "$bin" ]; then
  echo "building source-to-staging (release) ..."
  (cd "$root" && cargo build --release --locked --quiet)
fi

mkdir -p "$out"
rm -f "$out/zaaksysteem.db" "$out/staging.db"
sqlite3 "$out/zaaksysteem.db" < "$root/demo/zaaksysteem.sql"

cat > "$out/demo.ini" <<INI
[database-source]
SRC_DRIVER = SQLite3
SRC_DB = $out/zaaksysteem.db

[database-destination]
DST_DRIVER = SQLite3
DST_DB = $out/staging.db

[settings]
SRC_TABLES = burgers, adressen, zaken
SRC_CHUNK_SIZE = 1000

[logging]
LOG_LEVEL = INFO
INI

"$bin" --config "$out/demo.ini"
echo
echo "staging.db now holds:"
for t in burgers adressen zaken; do
  printf '  %-9s %s rows\n' "$t" "$(sqlite3 "$out/staging.db" "SELECT COUNT(*) FROM $t")"
done
echo "  e.g. $(sqlite3 "$out/staging.db" "SELECT zaaknummer, zaaktype, leges, ontvangen FROM zaken LIMIT 1")"
