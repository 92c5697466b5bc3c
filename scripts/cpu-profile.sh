#!/usr/bin/env bash
# Where the CPU goes in one DIRECT copy of ../shared/bench's bench_clients (PostgreSQL ->
# PostgreSQL): the whole machine's busy CPU over the run (/proc/stat), the tool's threads, and the
# source's and the target's PostgreSQL backends (their process titles name the database), sampled
# every 50 ms; then the same for the COPY pipe. The figures behind the partitions benchmark and
# its 8-core estimate (README, Performance).
#   usage: scripts/cpu-profile.sh PATH/TO/source-to-staging [PARTITIONS=1] [WRITERS_PER_TABLE=2]
# Needs bench_clients in s2s_bench_src (run ../shared/bench/run.sh once first).
set -uo pipefail
bin=$(realpath "$1"); n=${2:-1}; w=${3:-2}
export PGHOST=${PGHOST:-127.0.0.1} PGUSER=${PGUSER:-postgres}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cat > "$work/p.ini" <<INI
[database-source]
SRC_DRIVER = PostgreSQL Unicode
SRC_HOST = $PGHOST
SRC_PORT = 5432
SRC_DB = s2s_bench_src
SRC_USERNAME = $PGUSER
[database-destination]
DST_DRIVER = PostgreSQL Unicode
DST_HOST = $PGHOST
DST_PORT = 5432
DST_DB = s2s_bench_dst
DST_USERNAME = $PGUSER
DST_SCHEMA = staging
[settings]
SRC_TABLES = bench_clients
PARTITIONS = $n
WRITERS_PER_TABLE = $w
[logging]
LOG_LEVEL = WARN
[partitions]
bench_clients = id
INI
hz=$(getconf CLK_TCK)
busy() { awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat; }
# Samples utime+stime of the tool's threads and of the bench databases' backends until $1 exits.
sample() {
  local pid=$1; declare -gA cpu=() what=()
  while kill -0 "$pid" 2>/dev/null; do
    for d in /proc/"$pid"/task/* /proc/[0-9]*; do
      local f c
      { read -r -a f < "$d/stat"; } 2>/dev/null || continue
      if [[ $d == /proc/$pid/task/* ]]; then what[$d]="thread"
      else
        c=$({ tr '\0' ' ' < "$d/cmdline"; } 2>/dev/null) || continue
        case $c in
          *postgres:*s2s_bench_src*) what[$d]="source_backend" ;;
          *postgres:*s2s_bench_dst*) what[$d]="target_backend" ;;
          *psql*) what[$d]="psql" ;;
          *) continue ;;
        esac
      fi
      cpu[$d]=$((f[13] + f[14]))
    done
    sleep 0.05
  done
}
report() {
  for d in "${!cpu[@]}"; do echo "${what[$d]} ${cpu[$d]}"; done | sort | awk -v hz="$hz" '
    { s[$1] += $2; n[$1]++; if ($2 > m[$1]) m[$1] = $2 }
    END { for (k in s) if (s[k] > 0) printf "  %-15s x%-2d %.2f CPU-s in all, the busiest %.2f\n", k, n[k], s[k]/hz, m[k]/hz }'
}
b0=$(busy); s0=$(date +%s.%N)
"$bin" --config "$work/p.ini" > "$work/out" 2>&1 &
sample $!
wait $! || { cat "$work/out"; exit 1; }
s1=$(date +%s.%N); b1=$(busy)
awk -v a="$s0" -v b="$s1" -v c="$b0" -v d="$b1" -v hz="$hz" -v n="$n" -v w="$w" 'BEGIN {
  e = b - a; printf "source-to-staging, PARTITIONS=%d WRITERS_PER_TABLE=%d: %.2f s; machine busy %.2f CPU-s (%.0f%% of %d cores)\n", n, w, e, (d-c)/hz, 100*(d-c)/hz/e/'"$(nproc)"', '"$(nproc)"' }'
report
psql -q -d s2s_bench_dst -c "set client_min_messages = warning" -c "create schema if not exists copy_baseline" -c "drop table if exists copy_baseline.bench_clients" \
  -c "create table copy_baseline.bench_clients (like staging.bench_clients)"
s0=$(date +%s.%N)
( psql -q -d s2s_bench_src -c "\\copy bench_clients to stdout with (format binary)" \
  | psql -q -d s2s_bench_dst -c "\\copy copy_baseline.bench_clients from stdin with (format binary)" ) &
sample $!
wait $!
s1=$(date +%s.%N)
awk -v a="$s0" -v b="$s1" 'BEGIN { printf "COPY pipe: %.2f s\n", b - a }'
report
