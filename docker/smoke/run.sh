#!/usr/bin/env bash
# The smoke scenario of the container image, without Docker: the same source table (init.sql),
# the same kind of configuration, against the local PostgreSQL (127.0.0.1:5432, user postgres).
# CI runs it; docker/smoke/compose.yml runs it with the image.
#   usage: docker/smoke/run.sh [path/to/source-to-staging]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$(realpath "${1:-$here/../../target/release/source-to-staging}")
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
src=s2s_smoke_src dst=s2s_smoke_dst
for db in $src $dst; do
  psql -q -d postgres -tAc "select 1 from pg_database where datname='$db'" | grep -q 1 \
    || psql -q -d postgres -c "create database $db"
done
psql -q -d $src -f "$here/init.sql" >/dev/null
psql -q -d $dst -c "drop schema if exists staging cascade" >/dev/null 2>&1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The image's configuration as it is (it sets nothing), with every setting from the environment,
# as `docker run -e` and compose.yml pass them.
export SRC_DRIVER="PostgreSQL Unicode" SRC_HOST=$PGHOST SRC_PORT=$PGPORT SRC_DB=$src SRC_USERNAME=$PGUSER
export DST_DRIVER="PostgreSQL Unicode" DST_HOST=$PGHOST DST_PORT=$PGPORT DST_DB=$dst DST_USERNAME=$PGUSER
export SRC_SCHEMA=public DST_SCHEMA=staging SRC_TABLES=burgers PARQUET_DIR=$work/data
cp "$here/../config/source_to_staging.ini" "$work/smoke.ini"
for mode in DIRECT DUMP; do
  # Each mode into an empty staging schema, so that a mode that wrote nothing cannot pass on the
  # table the other one left.
  psql -q -d $dst -c "drop schema if exists staging cascade" >/dev/null 2>&1
  "$bin" --config "$work/smoke.ini" --mode $mode --report "$work/report.json" > "$work/out" 2>&1 \
    || { cat "$work/out"; echo "smoke: $mode run failed" >&2; exit 1; }
  q="select count(*), md5(string_agg(bsn || achternaam || coalesce(geboortedatum::text, '') \
     || coalesce(leges::text, '') || coalesce(gewijzigd::text, '') || geheim::text \
     || coalesce(encode(foto, 'hex'), ''), ',' order by bsn))"
  want=$(psql -d $src -tAc "$q from burgers")
  got=$(psql -d $dst -tAc "$q from staging.burgers")
  if [[ "$got" != "$want" ]]; then
    echo "smoke: $mode copied $got, the source holds $want" >&2
    exit 1
  fi
  grep -q '"status": "ok"' "$work/report.json" || { cat "$work/report.json"; exit 1; }
  echo "smoke $mode: ok ($got)"
done
