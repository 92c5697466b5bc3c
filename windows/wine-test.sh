#!/usr/bin/env bash
# The Windows binary run as a Windows user runs it, under Wine, against the live databases.
#
# Wine's odbc32.dll hands ODBC calls to the host's unixODBC, so the .exe talks ODBC (UTF-16, as on
# Windows) to the same psqlODBC / MariaDB / SQLite / FreeTDS drivers and sees unixODBC's DSNs. The
# scenario:
#   * INI files saved the Windows way: CRLF with a UTF-8 byte-order mark, and one in
#     Windows-1252; connections by DSN; Windows paths (LOG_FILE = logs\nightly.log, a relative
#     PARQUET_DIR);
#   * PostgreSQL and MariaDB into PostgreSQL and SQLite, PostgreSQL into SQL Server and SQL Server
#     into PostgreSQL (Babelfish through FreeTDS), DIRECT and DUMP, with non-ASCII schema,
#     table and column names and values (é, ë, ß, emoji, binary), compared exactly with what the
#     Linux binary copies from the same tables with the same settings;
#   * drivers, dsns, check, a configuration error (exit 2 seen by the caller), --report, the log
#     file, and a scheduled-style run (no console: stdin closed, output redirected).
# Wine 8.0 lacks bcryptprimitives.dll (ProcessPrng, which Rust's standard library imports): a
# stub built here goes into the test prefix only (windows/stub/; never shipped).
#
#   usage: [KEEP=1] windows/wine-test.sh [EXE] [LINUX_BINARY]
#   defaults: target/x86_64-pc-windows-gnu/release/source-to-staging.exe, target/release/source-to-staging
#   needs: wine (Debian's wine64), gcc-mingw-w64-x86-64, PostgreSQL on 127.0.0.1:5432 (user
#   postgres), MariaDB on 127.0.0.1:3306 (root), psql, mariadb, sqlite3, unixODBC with the
#   PostgreSQL Unicode, MariaDB Unicode and SQLite3 drivers.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
exe=$(realpath "${1:-$root/target/x86_64-pc-windows-gnu/release/source-to-staging.exe}")
linux=$(realpath "${2:-$root/target/release/source-to-staging}")
work=$(mktemp -d /tmp/s2s-wine.XXXXXX)
# KEEP=1 keeps the work folder (INI files, outputs, copied rows) for a look afterwards.
if [ -n "${KEEP:-}" ]; then echo "wine-test: work folder $work"; else trap 'rm -rf "$work"' EXIT; fi
fail() { echo "wine-test: FAILED: $*" >&2; exit 1; }
step() { echo "wine-test: $*"; }

# --- the Wine prefix, with the test-only stub -------------------------------------------------
export WINEDEBUG=-all WINEPREFIX=${WINEPREFIX:-$root/target/wine-prefix}
export WINEDLLOVERRIDES="bcryptprimitives=n;mscoree,mshtml="
stub="$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"
if [ ! -f "$stub" ]; then
  step "preparing the Wine prefix $WINEPREFIX"
  wine wineboot -i >/dev/null 2>&1 || true
  [ -d "$WINEPREFIX/drive_c/windows/system32" ] || fail "wineboot did not create $WINEPREFIX"
  x86_64-w64-mingw32-gcc -O2 -shared -o "$stub" "$root/windows/stub/bcryptprimitives.c" \
    "$root/windows/stub/bcryptprimitives.def" -ladvapi32
fi
win() { wine "$exe" "$@"; }

# --- the source tables --------------------------------------------------------------------------
export PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres
maria() { mariadb -h 127.0.0.1 -uroot --default-character-set=utf8mb4 "$@"; }
for db in s2s_win_src s2s_win_dst; do
  psql -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db ENCODING 'UTF8' TEMPLATE template0"
done
psql -q -d s2s_win_src <<'SQL'
CREATE SCHEMA "brón";
CREATE TABLE "brón"."bürgers" (
  id integer PRIMARY KEY, "naam" text, "straße" varchar(100), "café" numeric(10,2),
  geboren date, gewijzigd timestamp(6), foto bytea);
INSERT INTO "brón"."bürgers" VALUES
  (1, 'Zoë Ëlsa', 'Hauptstraße 5', 12.50, '1980-02-29', '2024-01-01 12:34:56.123456', '\x00ff10'),
  (2, 'José 😀 Ñandú', 'Rue d''Été', -0.01, NULL, NULL, '\x'),
  (3, NULL, '', NULL, '0001-01-01', '1999-12-31 23:59:59', NULL);
SQL
maria -e "DROP DATABASE IF EXISTS s2s_win_src; CREATE DATABASE s2s_win_src CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
maria s2s_win_src <<'SQL'
CREATE TABLE `bürgers` (
  id int PRIMARY KEY, `naam` text, `straße` varchar(100), `café` decimal(10,2),
  geboren date, gewijzigd datetime(6), foto blob);
INSERT INTO `bürgers` VALUES
  (1, 'Zoë Ëlsa', 'Hauptstraße 5', 12.50, '1980-02-29', '2024-01-01 12:34:56.123456', X'00ff10'),
  (2, 'José 😀 Ñandú', 'Rue d''Été', -0.01, NULL, NULL, X''),
  (3, NULL, '', NULL, '1000-01-01', '1999-12-31 23:59:59', NULL);
SQL

# SQL Server (Babelfish, started by .ci/run; FreeTDS under unixODBC behind Wine's odbc32): the
# same table as a source, and a database to copy into.
ms_login="Driver={FreeTDS};Server=127.0.0.1;Port=1433;TDS_Version=7.4;UID=sa_test;PWD=Test_1234;ClientCharset=UTF-8"
python3 - "$ms_login" <<'PY'
import sys, pyodbc
c = pyodbc.connect(sys.argv[1] + ";Database=master", autocommit=True)
for db in ("s2s_win_src", "s2s_win_ms"):
    c.execute(f"IF DB_ID('{db}') IS NOT NULL DROP DATABASE {db}")
    c.execute(f"CREATE DATABASE {db}")
c = pyodbc.connect(sys.argv[1] + ";Database=s2s_win_src", autocommit=True)
c.execute("CREATE TABLE [bürgers] (id int PRIMARY KEY, [naam] nvarchar(max), [straße] nvarchar(100), "
          "[café] decimal(10,2), geboren date, gewijzigd datetime2(6), foto varbinary(max))")
c.execute("INSERT INTO [bürgers] VALUES "
          "(1, N'Zoë Ëlsa', N'Hauptstraße 5', 12.50, '1980-02-29', '2024-01-01 12:34:56.123456', 0x00FF10), "
          "(2, N'José 😀 Ñandú', N'Rue d''Été', -0.01, NULL, NULL, 0x), "
          "(3, NULL, N'', NULL, '0001-01-01', '1999-12-31 23:59:59', NULL)")
PY

# --- DSNs in unixODBC's odbc.ini, which the .exe sees through Wine --------------------------
export ODBCINI="$work/odbc.ini"
cat > "$ODBCINI" <<INI
[WIN_PG_SRC]
Driver = PostgreSQL Unicode
Servername = 127.0.0.1
Port = 5432
Database = s2s_win_src
Username = postgres

[WIN_MARIA_SRC]
Driver = MariaDB Unicode
Server = 127.0.0.1
Port = 3306
Database = s2s_win_src
User = root

[WIN_PG_DST]
Driver = PostgreSQL Unicode
Servername = 127.0.0.1
Port = 5432
Database = s2s_win_dst
Username = postgres

[WIN_MS_SRC]
Driver = FreeTDS
Server = 127.0.0.1
Port = 1433
Database = s2s_win_src
TDS_Version = 7.4
ClientCharset = UTF-8

[WIN_MS_DST]
Driver = FreeTDS
Server = 127.0.0.1
Port = 1433
Database = s2s_win_ms
TDS_Version = 7.4
ClientCharset = UTF-8
INI
for who in wine linux; do
  for src in pg maria; do
    cat >> "$ODBCINI" <<INI

[WIN_SQLITE_${who^^}_${src^^}]
Driver = SQLite3
Database = $work/$who-$src.db
INI
  done
done

# --- INI files as Windows saves them ------------------------------------------------------------
# ini WHO SRC DST MODE: the configuration (LF, UTF-8); the callers convert it.
ini() {
  local who=$1 src=$2 dst=$3 mode=$4 src_dsn dst_dsn schema_line="" table src_login="" dst_login=""
  case $src in
    pg) src_dsn=WIN_PG_SRC; table='brón.bürgers' ;;
    maria) src_dsn=WIN_MARIA_SRC; table='bürgers' ;;
    ms) src_dsn=WIN_MS_SRC; table='bürgers'; src_login="SRC_USERNAME = sa_test${nl}SRC_PASSWORD = Test_1234" ;;
  esac
  case $dst in
    pg) dst_dsn=WIN_PG_DST; schema_line="DST_SCHEMA = stagé_${who}_$src" ;;
    sqlite) dst_dsn="WIN_SQLITE_${who^^}_${src^^}" ;;
    ms) dst_dsn=WIN_MS_DST; schema_line="DST_SCHEMA = stagé_${who}_$src"
        dst_login="DST_USERNAME = sa_test${nl}DST_PASSWORD = Test_1234" ;;
  esac
  # Windows paths for the .exe, Linux paths for the Linux binary.
  local parquet='parquet\{run_id}' log='logs\nightly.log'
  [ "$who" = linux ] && parquet='parquet-linux/{run_id}' log='logs-linux/nightly.log'
  printf '%s\n' \
    "; $who: $src -> $dst ($mode), café-test" \
    "[database-source]" "SRC_DSN = $src_dsn" "$src_login" "" \
    "[database-destination]" "DST_DSN = $dst_dsn" "$dst_login" "$schema_line" "" \
    "[settings]" "SRC_TABLES = $table" "TRANSFER_MODE = $mode" "WRITE_MODE = replace" \
    "PARQUET_DIR = $parquet" "" \
    "[logging]" "LOG_TO_FILE = true" "LOG_FILE = $log" "LOG_LEVEL = INFO"
}
nl=$'\n'
crlf_bom() { printf '\xef\xbb\xbf'; sed 's/$/\r/'; }
cp1252() { iconv -f UTF-8 -t WINDOWS-1252 | sed 's/$/\r/'; }

# pairs: source, target, mode, how the INI is saved
pairs=("pg pg DIRECT crlf_bom" "pg sqlite DUMP cp1252" "maria pg DUMP crlf_bom" "maria sqlite DIRECT cp1252"
       "pg ms DIRECT crlf_bom" "ms pg DUMP cp1252")

cd "$work"
for pair in "${pairs[@]}"; do
  read -r src dst mode saved <<< "$pair"
  ini wine "$src" "$dst" "$mode" | $saved > "wine-$src-$dst.ini"
  ini linux "$src" "$dst" "$mode" > "linux-$src-$dst.ini"
done

# --- drivers and DSNs, as the .exe sees them ------------------------------------------------------
step "drivers"
win drivers > drivers.out 2>&1 || fail "drivers: $(cat drivers.out)"
for d in "PostgreSQL Unicode" "MariaDB Unicode" "SQLite3" "FreeTDS"; do
  grep -q "$d" drivers.out || fail "drivers does not list $d: $(cat drivers.out)"
done
step "dsns"
win dsns > dsns.out 2>&1 || fail "dsns: $(cat dsns.out)"
for d in WIN_PG_SRC WIN_MARIA_SRC WIN_PG_DST WIN_SQLITE_WINE_PG WIN_MS_SRC WIN_MS_DST; do
  grep -q "$d" dsns.out || fail "dsns does not list $d: $(cat dsns.out)"
done

# --- check, and a configuration error -------------------------------------------------------------
step "check"
win --config wine-pg-pg.ini check > check.out 2>&1 || fail "check exited $?: $(cat check.out)"
grep -q "can be copied" check.out || fail "check did not say the table can be copied: $(cat check.out)"
grep -q "bürgers" check.out || fail "check lost the table's name: $(cat check.out)"
step "a configuration error"
sed 's/WRITE_MODE = replace/WRITE_MODE = sometimes/' wine-pg-pg.ini > bad.ini
set +e; win --config bad.ini > bad.out 2>&1; code=$?; set -e
[ "$code" = 2 ] || fail "a bad WRITE_MODE exited $code, expected 2: $(cat bad.out)"
grep -q "WRITE_MODE" bad.out || fail "the error does not name WRITE_MODE: $(cat bad.out)"

# --- the copies: the .exe (the first with --report, as a scheduled task: no console) and Linux ---
first=1
for pair in "${pairs[@]}"; do
  read -r src dst mode saved <<< "$pair"
  step "$src -> $dst, $mode, INI saved as $saved"
  if ((first)); then
    set +e; win --config "wine-$src-$dst.ini" --report report.json < /dev/null > sched.out 2>&1; code=$?; set -e
    [ "$code" = 0 ] || fail ".exe $src -> $dst exited $code: $(cat sched.out)"
    first=0
  else
    win --config "wine-$src-$dst.ini" > "wine-$src-$dst.out" 2>&1 || fail ".exe $src -> $dst: $(cat "wine-$src-$dst.out")"
  fi
  "$linux" --config "linux-$src-$dst.ini" > "linux-$src-$dst.out" 2>&1 || fail "Linux $src -> $dst: $(cat "linux-$src-$dst.out")"
done

# --- the same values in the same types ---------------------------------------------------------------
pg_rows() {
  psql -d s2s_win_dst -At -F '|' -c "SELECT id, naam, \"straße\", \"café\", geboren, gewijzigd, encode(foto, 'hex') FROM \"stagé_$1\".\"bürgers\" ORDER BY id"
  psql -d s2s_win_dst -At -c "SELECT column_name || ' ' || data_type FROM information_schema.columns WHERE table_schema = 'stagé_$1' AND table_name = 'bürgers' ORDER BY ordinal_position"
}
sqlite_rows() {
  sqlite3 "$1.db" ".mode quote" "SELECT * FROM \"bürgers\" ORDER BY id" "PRAGMA table_info(\"bürgers\")"
}
for src in pg maria; do
  pg_rows "wine_$src" > "wine-$src-pg.rows"; pg_rows "linux_$src" > "linux-$src-pg.rows"
  sqlite_rows "wine-$src" > "wine-$src-sqlite.rows"; sqlite_rows "linux-$src" > "linux-$src-sqlite.rows"
  for dst in pg sqlite; do
    [ "$(wc -l < "wine-$src-$dst.rows")" -ge 10 ] || fail "$src -> $dst: too few rows and columns: $(cat "wine-$src-$dst.rows")"
    diff "linux-$src-$dst.rows" "wine-$src-$dst.rows" > /dev/null \
      || fail "$src -> $dst: the .exe's copy differs from Linux's: $(diff "linux-$src-$dst.rows" "wine-$src-$dst.rows")"
  done
done
# Into and out of SQL Server: the .exe's copies equal Linux's, values and types.
ms_rows() {
  python3 - "$ms_login;Database=s2s_win_ms" "stagé_$1" <<'PY'
import sys, pyodbc
c = pyodbc.connect(sys.argv[1])
t = f"[{sys.argv[2]}].[bürgers]"
for r in c.execute(f"SELECT id, naam, [straße], CAST([café] AS varchar(20)), CONVERT(varchar(10), geboren, 23), "
                   f"CONVERT(varchar(30), gewijzigd, 121), foto FROM {t} ORDER BY id"):
    print("|".join("" if v is None else v.hex() if isinstance(v, bytes) else str(v) for v in r))
for r in c.execute("SELECT COLUMN_NAME + ' ' + DATA_TYPE FROM INFORMATION_SCHEMA.COLUMNS WHERE "
                   "TABLE_SCHEMA = ? AND TABLE_NAME = N'bürgers' ORDER BY ORDINAL_POSITION", sys.argv[2]):
    print(r[0])
PY
}
pg_rows wine_ms > wine-ms-pg.rows; pg_rows linux_ms > linux-ms-pg.rows
ms_rows wine_pg > wine-pg-ms.rows; ms_rows linux_pg > linux-pg-ms.rows
for pair in "ms pg" "pg ms"; do
  read -r src dst <<< "$pair"
  [ "$(wc -l < "wine-$src-$dst.rows")" -ge 10 ] || fail "$src -> $dst: too few rows and columns: $(cat "wine-$src-$dst.rows")"
  diff "linux-$src-$dst.rows" "wine-$src-$dst.rows" > /dev/null \
    || fail "$src -> $dst: the .exe's copy differs from Linux's: $(diff "linux-$src-$dst.rows" "wine-$src-$dst.rows")"
  grep -q "José 😀 Ñandú" "wine-$src-$dst.rows" || fail "$src -> $dst: the emoji value did not arrive: $(cat "wine-$src-$dst.rows")"
done
grep -q "José 😀 Ñandú" wine-pg-pg.rows || fail "the emoji value did not arrive: $(cat wine-pg-pg.rows)"
grep -q "Hauptstraße 5" wine-maria-sqlite.rows || fail "ß did not arrive: $(cat wine-maria-sqlite.rows)"

# --- what the scheduled run left: the report, the log file, no terminal codes ---------------------
step "report, log file, scheduled run"
python3 - report.json <<'PY' || fail "the JSON report: $(cat report.json)"
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
assert r["exit_status"] == 0, r
assert [t["source"] for t in r["tables"]] == ["brón.bürgers"], r["tables"]
assert r["tables"][0]["rows_written"] == 3, r["tables"]
PY
[ -s logs/nightly.log ] || fail "LOG_FILE = logs\\nightly.log was not written ($(ls -R))"
grep -q "brón.bürgers" logs/nightly.log || fail "the log file lacks the table's name: $(head logs/nightly.log)"
if grep -q $'\x1b\[' sched.out; then fail "the run without a console wrote terminal codes: $(cat -v sched.out)"; fi
grep -q "1 table(s) copied" sched.out || fail "the summary is missing: $(cat sched.out)"
[ -d parquet ] || fail "the DUMP runs did not use PARQUET_DIR = parquet\\{run_id} ($(ls))"
[ -z "$(find parquet -type f)" ] || fail "DUMP left files in PARQUET_DIR: $(find parquet -type f)"

psql -q -d postgres -c "DROP DATABASE IF EXISTS s2s_win_src" -c "DROP DATABASE IF EXISTS s2s_win_dst"
maria -e "DROP DATABASE IF EXISTS s2s_win_src"
step "passed: $(basename "$exe") under $(wine --version)"
