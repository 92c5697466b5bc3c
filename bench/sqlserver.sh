#!/usr/bin/env bash
# PostgreSQL -> SQL Server (Babelfish over FreeTDS) beside PostgreSQL -> PostgreSQL, DIRECT, on the
# 12-column clients table: seconds, rows/s and peak memory of each, the median of RUNS runs, and
# the COPY pipe of the same run as the yardstick. Every copy is checked against the source by
# value (count, sums, and a digest of the text columns).
#
#   usage: bench/sqlserver.sh [BIN=target/release/source-to-staging] [ROWS=200000] [RUNS=3]
#
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres), Babelfish on 127.0.0.1:1433 (login sa_test,
# ../shared/babelfish/start.sh), psql, unixODBC with "PostgreSQL Unicode" and "FreeTDS".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$(realpath "${1:-$here/../target/release/source-to-staging}")
rows=${2:-200000}
runs=${3:-3}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
src=s2s_mssql_bench_src dst=s2s_mssql_bench_dst ms=s2s_mssql_bench
tds="Driver={FreeTDS};Server=127.0.0.1;Port=1433;TDS_Version=7.4;UID=sa_test;PWD=Test_1234;ClientCharset=UTF-8"

for db in $src $dst; do
  psql -d postgres -tAc "select 1 from pg_database where datname='$db'" | grep -q 1 \
    || psql -q -d postgres -c "create database $db"
done
if [[ $(psql -d $src -tAc "select count(*) from clients" 2>/dev/null || echo 0) != "$rows" ]]; then
  echo "generating clients ($rows rows) ..." >&2
  psql -q -d $src -v table=clients -v rows="$rows" -f "$here/gen_clients.sql" 2>&1 | grep -v NOTICE || true
fi
psql -q -d $dst -c "create schema if not exists copy_baseline" -c "drop table if exists copy_baseline.clients" \
  -c "create table copy_baseline.clients (id bigint, bsn varchar(9), achternaam varchar(100), voornamen varchar(200), geboortedatum date, bedrag numeric(12,2), score double precision, actief boolean, gewijzigd timestamp, opmerking text, postcode char(6), huisnummer integer)"
python3 - "$tds;Database=master" "$ms" <<'EOF'
import sys, pyodbc
c = pyodbc.connect(sys.argv[1], autocommit=True)
c.execute(f"IF DB_ID('{sys.argv[2]}') IS NULL CREATE DATABASE {sys.argv[2]}")
EOF

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ini() { # file target(pg|ms)
  {
    printf '[database-source]\nSRC_DRIVER = PostgreSQL Unicode\nSRC_HOST = %s\nSRC_PORT = %s\nSRC_DB = %s\nSRC_USERNAME = %s\n\n' \
      "$PGHOST" "$PGPORT" $src "$PGUSER"
    if [[ $2 == pg ]]; then
      printf '[database-destination]\nDST_DRIVER = PostgreSQL Unicode\nDST_HOST = %s\nDST_PORT = %s\nDST_DB = %s\nDST_USERNAME = %s\nDST_SCHEMA = staging\n\n' \
        "$PGHOST" "$PGPORT" $dst "$PGUSER"
    else
      printf '[database-destination]\nDST_DRIVER = FreeTDS\nDST_HOST = 127.0.0.1\nDST_PORT = 1433\nDST_DB = %s\nDST_USERNAME = sa_test\nDST_PASSWORD = Test_1234\nDST_SCHEMA = staging\n\n' $ms
    fi
    printf '[settings]\nSRC_TABLES = clients\n\n[logging]\nLOG_LEVEL = WARNING\n'
  } > "$1"
}
ini "$work/pg.ini" pg
ini "$work/ms.ini" ms

# count, sum(id), sum(bedrag), sum of text lengths, and a digest of the text: on both sides.
check() {
  local want got
  want=$(psql -d $src -tAc "select count(*), sum(id), sum(bedrag), sum(length(achternaam) + length(voornamen) + coalesce(length(opmerking), 0)), md5(string_agg(achternaam || voornamen || coalesce(opmerking, '') || postcode, '|' order by id)) from clients")
  if [[ $1 == pg ]]; then
    got=$(psql -d $dst -tAc "select count(*), sum(id), sum(bedrag), sum(length(achternaam) + length(voornamen) + coalesce(length(opmerking), 0)), md5(string_agg(achternaam || voornamen || coalesce(opmerking, '') || postcode, '|' order by id)) from staging.clients")
  else
    got=$(python3 - "$tds;Database=$ms" <<'EOF'
import sys, hashlib, pyodbc
c = pyodbc.connect(sys.argv[1])
n, s, b, l = c.execute("SELECT COUNT(*), SUM(id), SUM(bedrag), SUM(CAST(LEN(achternaam) + LEN(voornamen) + COALESCE(LEN(opmerking), 0) AS bigint)) FROM staging.clients").fetchone()
h = hashlib.md5("|".join(a + v + (o or "") + p for a, v, o, p in c.execute("SELECT achternaam, voornamen, opmerking, postcode FROM staging.clients ORDER BY id")).encode()).hexdigest()
print(f"{n}|{s}|{b:.2f}|{l}|{h}")
EOF
)
  fi
  [[ $want == "$got" ]] || { echo "the copy into $1 differs: want $want, got $got" >&2; exit 1; }
}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
: > "$work/copy.t"; : > "$work/pg.t"; : > "$work/ms.t"; : > "$work/pg.m"; : > "$work/ms.m"
for ((i = 1; i <= runs; i++)); do
  echo "run $i/$runs ..." >&2
  psql -q -d $dst -c "truncate copy_baseline.clients"
  s=$(date +%s.%N)
  psql -q -d $src -c "\\copy clients to stdout with (format binary)" \
    | psql -q -d $dst -c "\\copy copy_baseline.clients from stdin with (format binary)"
  e=$(date +%s.%N)
  awk -v a="$s" -v b="$e" 'BEGIN {print b - a}' >> "$work/copy.t"
  for target in pg ms; do
    /usr/bin/time -f "%e %M" -o "$work/one" "$bin" --config "$work/$target.ini" > "$work/out" 2>&1 \
      || { cat "$work/out"; exit 1; }
    read -r t m < "$work/one"
    echo "$t" >> "$work/$target.t"; echo "$m" >> "$work/$target.m"
    check $target
  done
done
copy=$(median < "$work/copy.t")
printf '%-44s %9s %10s %9s %10s\n' "copy ($rows rows, median of $runs)" seconds rows/s "x COPY" "peak MB"
printf '%-44s %9.2f %10.0f %9s %10s\n' "COPY pipe, PostgreSQL -> PostgreSQL" "$copy" "$(awk -v r="$rows" -v t="$copy" 'BEGIN {print r / t}')" 1.00 -
for target in pg ms; do
  t=$(median < "$work/$target.t")
  m=$(sort -n "$work/$target.m" | tail -1)
  label="source-to-staging, PostgreSQL -> PostgreSQL"
  [[ $target == ms ]] && label="source-to-staging, PostgreSQL -> SQL Server"
  printf '%-44s %9.2f %10.0f %9.2f %10.0f\n' "$label" "$t" "$(awk -v r="$rows" -v t="$t" 'BEGIN {print r / t}')" \
    "$(awk -v a="$t" -v b="$copy" 'BEGIN {print a / b}')" "$(awk -v k="$m" 'BEGIN {print k / 1024}')"
done
