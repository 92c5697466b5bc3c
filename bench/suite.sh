#!/usr/bin/env bash
# The benchmark suite: DIRECT and DUMP into PostgreSQL and MariaDB, the dump step against
# odbc2parquet, memory for a small and a large table, and PARALLEL_TABLES; every time against the
# PostgreSQL COPY pipe measured in the same run (this machine is shared and noisy: compare ratios).
#
#   usage: bench/suite.sh [BIN=target/release/source-to-staging] [ROWS=1000000] [RUNS=3]
#
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres), MariaDB on 127.0.0.1:3306 (root), psql,
# unixODBC with "PostgreSQL Unicode" and "MariaDB Unicode". odbc2parquet is compared when it is on
# PATH or in $ODBC2PARQUET (cargo install odbc2parquet).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$(realpath "${1:-$here/../target/release/source-to-staging}")
rows=${2:-1000000}
runs=${3:-3}
o2p=${ODBC2PARQUET:-$(command -v odbc2parquet || true)}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
src=s2s_suite_src dst=s2s_suite_dst my=s2s_suite_my

for db in $src $dst; do
  psql -d postgres -tAc "select 1 from pg_database where datname='$db'" | grep -q 1 \
    || psql -q -d postgres -c "create database $db"
done
mariadb -h 127.0.0.1 -uroot -e "create database if not exists $my character set utf8mb4"

table() { # name rows: (re)generate when the row count differs
  local have
  have=$(psql -d $src -tAc "select count(*) from $1" 2>/dev/null || echo 0)
  if [[ $have != "$2" ]]; then
    echo "generating $1 ($2 rows) ..." >&2
    psql -q -d $src -v table="$1" -v rows="$2" -f "$here/gen_clients.sql" 2>&1 | grep -v NOTICE || true
  fi
}
small=$((rows / 5)) big=$((rows * 2)) quarter=$((rows / 4))
table clients "$rows"
table clients_small "$small"
table clients_big "$big"
for p in a b c d; do table "part_$p" "$quarter"; done
# Wide rows: ~22 KB of text and 10 KB of bytea per row, 20,000 rows (about 490 MB).
if [[ $(psql -d $src -tAc "select count(*) from wide" 2>/dev/null || echo 0) != 20000 ]]; then
  echo "generating wide (20000 rows) ..." >&2
  psql -q -d $src -c "drop table if exists wide" -c "create table wide as select g as id, \
    repeat(md5(g::text), 600 + g % 100) as body, decode(repeat(md5((g * 7)::text), 300), 'hex') as blob \
    from generate_series(1, 20000) g"
fi
psql -q -d $dst -c "create schema if not exists copy_baseline" -c "drop table if exists copy_baseline.clients" \
  -c "create table copy_baseline.clients (like public.clients including all)" 2>/dev/null \
  || psql -q -d $dst -c "create table copy_baseline.clients (id bigint, bsn varchar(9), achternaam varchar(100), voornamen varchar(200), geboortedatum date, bedrag numeric(12,2), score double precision, actief boolean, gewijzigd timestamp, opmerking text, postcode char(6), huisnummer integer)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ini() { # file tables target(pg|my) mode [extra settings lines...]
  local file=$1 tables=$2 target=$3 mode=$4
  shift 4
  {
    printf '[database-source]\nSRC_DRIVER = PostgreSQL Unicode\nSRC_HOST = %s\nSRC_PORT = %s\nSRC_DB = %s\nSRC_USERNAME = %s\n\n' \
      "$PGHOST" "$PGPORT" $src "$PGUSER"
    if [[ $target == pg ]]; then
      printf '[database-destination]\nDST_DRIVER = PostgreSQL Unicode\nDST_HOST = %s\nDST_PORT = %s\nDST_DB = %s\nDST_USERNAME = %s\nDST_SCHEMA = staging\n\n' \
        "$PGHOST" "$PGPORT" $dst "$PGUSER"
    else
      printf '[database-destination]\nDST_DRIVER = MariaDB Unicode\nDST_HOST = 127.0.0.1\nDST_PORT = 3306\nDST_DB = %s\nDST_USERNAME = root\nDST_SCHEMA = %s\n\n' \
        $my $my
    fi
    printf '[settings]\nSRC_TABLES = %s\nTRANSFER_MODE = %s\nPARQUET_DIR = %s/data\n' "$tables" "$mode" "$work"
    for line in "$@"; do printf '%s\n' "$line"; done
    printf '\n[logging]\nLOG_LEVEL = WARNING\n'
  } > "$file"
}

copy_pipe() {
  psql -q -d $dst -c "truncate copy_baseline.clients"
  psql -q -d $src -c "\\copy clients to stdout with (format binary)" \
    | psql -q -d $dst -c "\\copy copy_baseline.clients from stdin with (format binary)"
}

declare -A times mem
record() { # name command...: appends "seconds" to $work/<name>.t and peak KB to $work/<name>.m
  local name=$1
  shift
  /usr/bin/time -f "%e %M" -o "$work/one" "$@" > "$work/out" 2>&1 || { cat "$work/out"; echo "$name failed" >&2; exit 1; }
  read -r t m < "$work/one"
  echo "$t" >> "$work/$name.t"
  echo "$m" >> "$work/$name.m"
}
median() { sort -g "$1" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
peak() { sort -n "$1" | tail -1; }

ini "$work/direct_pg.ini" clients pg DIRECT
ini "$work/dump_pg.ini" clients pg DUMP
ini "$work/direct_my.ini" clients my DIRECT
ini "$work/dump_my.ini" clients my DUMP
ini "$work/small.ini" clients_small pg DIRECT
ini "$work/big.ini" clients_big pg DIRECT
for p in 1 2 4; do ini "$work/par$p.ini" "part_a, part_b, part_c, part_d" pg DIRECT "PARALLEL_TABLES = $p"; done
ini "$work/wide_direct.ini" wide pg DIRECT
ini "$work/wide_dump.ini" wide pg DUMP

scenarios=(copy direct_pg dump_pg dump_step direct_my dump_my small big wide_direct wide_dump par1 par2 par4)
[[ -n $o2p ]] && scenarios+=(odbc2parquet)
for ((i = 1; i <= runs; i++)); do
  echo "run $i/$runs ..." >&2
  s=$(date +%s.%N); copy_pipe; e=$(date +%s.%N)
  awk -v a="$s" -v b="$e" 'BEGIN {print b - a}' >> "$work/copy.t"; echo 0 >> "$work/copy.m"
  record direct_pg "$bin" --config "$work/direct_pg.ini"
  record dump_pg "$bin" --config "$work/dump_pg.ini"
  record dump_step "$bin" dump --config "$work/direct_pg.ini"
  rm -rf "$work/data"
  if [[ -n $o2p ]]; then
    record odbc2parquet "$o2p" query --connection-string \
      "Driver={PostgreSQL Unicode};Server=$PGHOST;Port=$PGPORT;Database=$src;Uid=$PGUSER;Pwd=;" \
      "$work/o2p.parquet" "SELECT * FROM clients"
    rm -f "$work/o2p.parquet"
  fi
  record direct_my "$bin" --config "$work/direct_my.ini"
  record dump_my "$bin" --config "$work/dump_my.ini"
  record small "$bin" --config "$work/small.ini"
  record big "$bin" --config "$work/big.ini"
  record wide_direct "$bin" --config "$work/wide_direct.ini"
  record wide_dump "$bin" --config "$work/wide_dump.ini"
  for p in 1 2 4; do record "par$p" "$bin" --config "$work/par$p.ini"; done
done

copy=$(median "$work/copy.t")
declare -A label=(
  [copy]="COPY pipe, PostgreSQL -> PostgreSQL, $rows rows (psql copy binary to psql copy)"
  [direct_pg]="DIRECT PostgreSQL -> PostgreSQL, $rows rows"
  [dump_pg]="DUMP (dump + load) PostgreSQL -> PostgreSQL, $rows rows"
  [dump_step]="dump step alone (source-to-staging dump), $rows rows"
  [odbc2parquet]="odbc2parquet query (defaults), $rows rows"
  [direct_my]="DIRECT PostgreSQL -> MariaDB, $rows rows"
  [dump_my]="DUMP PostgreSQL -> MariaDB, $rows rows"
  [small]="DIRECT PostgreSQL -> PostgreSQL, $small rows (memory)"
  [big]="DIRECT PostgreSQL -> PostgreSQL, $big rows (memory)"
  [wide_direct]="DIRECT, 20000 wide rows (22 KB text + 10 KB bytea each; memory)"
  [wide_dump]="DUMP, 20000 wide rows (memory)"
  [par1]="4 tables x $quarter rows, PARALLEL_TABLES = 1"
  [par2]="4 tables x $quarter rows, PARALLEL_TABLES = 2"
  [par4]="4 tables x $quarter rows, PARALLEL_TABLES = 4"
)
printf 'rows=%s runs=%s machine: %s cores, %s GB, %s\n\n' "$rows" "$runs" "$(nproc)" \
  "$(awk '/MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo)" "$(uname -sr)"
printf '| scenario | median s | x COPY pipe | peak RSS MB |\n|---|---|---|---|\n'
for s in "${scenarios[@]}"; do
  t=$(median "$work/$s.t") m=$(peak "$work/$s.m")
  awk -v n="${label[$s]}" -v t="$t" -v c="$copy" -v m="$m" \
    'BEGIN {printf "| %s | %.2f | %.2f | %s |\n", n, t, t / c, (m > 0 ? sprintf("%d", m / 1024) : "-")}'
done
