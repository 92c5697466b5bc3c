#!/usr/bin/env bash
# Peer benchmark: the same full-refresh copy of one 12-column table by the PostgreSQL COPY pipe,
# source-to-staging, Sling and ingestr, one after the other in ONE run (compare within a run only:
# this machine is shared and noisy). Every copy is then checked against the source by value.
#
# (The project's copy of ../shared/bench/peers.sh, with OURS_SETTINGS added.)
#
#   usage (from the project root, after cargo build --release):
#          bench/peers.sh [ROWS=10000] [RUNS=1]
#          1M rows, 3 runs each, takes ~5 minutes:  bench/peers.sh 1000000 3
#          summary: $PEERS_DIR/results/summary-ROWS.txt (PEERS_DIR default /tmp/peerbench)
#   env:   OURS=path/to/source-to-staging         default target/release/source-to-staging
#          TOOLS="copy ours sling ingestr"         also: ingestr_dlt (ingestr 0.14, the last Python/dlt
#                                                  release; retried as ingestr_dlt_sa with its
#                                                  sqlalchemy backend when it fails)
#          VARIANTS="pg maria"                     pg = PostgreSQL -> PostgreSQL, maria = MariaDB -> PostgreSQL
#          REGEN=1                                 regenerate the source tables even if the row count matches
#          OURS_SETTINGS='SRC_KEY_RANGES = never'   more [settings] lines for source-to-staging
#
# Peers, installed from PyPI into venvs under $PEERS_DIR on first use:
#   sling        sling-linux-amd64 1.4.11 (ships Sling's Go binary)        -> schema sling_stg
#   ingestr      ingestr 1.1.22 (the Go rewrite; the newest wheel that      -> schema ingestr_stg
#                ships its binary; later ones download it at run time)
#   ingestr_dlt  ingestr 0.14.155 (Python, dlt)                             -> schema ingestr_dlt_stg
#   copy         psql \copy (binary) piped into psql \copy                  -> schema copy_stg
#   ours         source-to-staging, DIRECT, default settings                -> schema ours_stg(_maria)
#
# Source: PostgreSQL database peerbench, src.bench_clients (the bench_clients generator of
# run.sh beside this file) and the same rows in MariaDB peerbench.bench_clients.
# For each copy: wall time, peak RSS and the tool's own CPU seconds (/usr/bin/time -v), then row
# count, an md5 over all 12 columns (values read back into the source types) against the source,
# per-column mismatch counts, the target's column types and constraints.
set -uo pipefail

ROWS=${1:-10000}
RUNS=${2:-1}
TOOLS=${TOOLS:-"copy ours sling ingestr"}
VARIANTS=${VARIANTS:-"pg maria"}
HERE=${PEERS_DIR:-/tmp/peerbench}
WORK=$HERE/work
mkdir -p "$WORK" "$HERE/sling-home" "$HERE/results"

export PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres PGPASSWORD=postgres PGDATABASE=peerbench
export PGTZ=UTC PGOPTIONS='-c client_min_messages=warning'
MYSQL=(mysql -h127.0.0.1 -P3306 -uroot --default-character-set=utf8mb4)

PG_URI="postgresql://postgres:postgres@127.0.0.1:5432/peerbench?sslmode=disable"
MY_URI="mysql://root:@127.0.0.1:3306/peerbench"

# No network here: keep every peer from phoning home.
export SLING_HOME_DIR=$HERE/sling-home SLING_DISABLE_TELEMETRY=true
export INGESTR_DISABLE_TELEMETRY=true DISABLE_TELEMETRY=true RUNTIME__DLTHUB_TELEMETRY=false
export DO_NOT_TRACK=1

# Peers from PyPI, each in its own venv: sling-linux-amd64 ships Sling's binary (the plain `sling`
# package downloads it at run time); ingestr 1.1.22 is the newest release whose wheel ships its Go binary.
install_peer() {  # VENV PACKAGE
  [[ -x $HERE/$1/bin/python ]] || python3 -m venv "$HERE/$1" 2>/dev/null \
    || { apt-get install -y -qq python3-venv >/dev/null 2>&1; python3 -m venv "$HERE/$1"; }
  "$HERE/$1/bin/pip" show "${2%%==*}" >/dev/null 2>&1 || "$HERE/$1/bin/pip" install -q "$2"
}
mkdir -p "$HERE"
[[ " $TOOLS " == *" sling "* ]] && install_peer sling-venv sling-linux-amd64==1.4.11
[[ " $TOOLS " == *" ingestr "* ]] && install_peer ingestr-venv ingestr==1.1.22
[[ " $TOOLS " == *" ingestr_dlt"* ]] && install_peer ingestr-dlt-venv ingestr==0.14.155
SLING=$(ls "$HERE"/sling-venv/lib/python3*/site-packages/sling_linux_amd64/bin/sling-linux-amd64 2>/dev/null | head -1)
INGESTR=$HERE/ingestr-venv/bin/ingestr
INGESTR_DLT=$HERE/ingestr-dlt-venv/bin/ingestr
OURS=${OURS:-$PWD/target/release/source-to-staging}

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

# ---------------------------------------------------------------- source data
prepare_sources() {
  psql_q -d postgres -tAc "select 1 from pg_database where datname='peerbench'" | grep -q 1 \
    || psql_q -d postgres -c "create database peerbench"
  psql_q -c "create schema if not exists src"
  local have
  have=$(psql_q -tAc "select count(*) from src.bench_clients" 2>/dev/null || echo 0)
  if [[ $have != "$ROWS" || ${REGEN:-0} == 1 ]]; then
    log "generating $ROWS rows in PostgreSQL src.bench_clients"
    # same generator as shared/bench/gen_bench_clients.sql, schema-qualified
    psql_q -v rows="$ROWS" <<'SQL'
DROP TABLE IF EXISTS src.bench_clients;
CREATE TABLE src.bench_clients (
  id            bigint PRIMARY KEY,
  bsn           varchar(9),
  achternaam    varchar(100),
  voornamen     varchar(200),
  geboortedatum date,
  bedrag        numeric(12,2),
  score         double precision,
  actief        boolean,
  gewijzigd     timestamp,
  opmerking     text,
  postcode      char(6),
  huisnummer    integer
);
INSERT INTO src.bench_clients
SELECT g,
  lpad(((g::bigint * 7919) % 999999999)::text, 9, '0'),
  'Achternaam-' || (g % 5000) || ' van der Éénhoorn',
  'Voornaam ' || md5(g::text),
  date '1930-01-01' + (g % 30000),
  ((g % 100000) * 1.37)::numeric(12,2),
  (g % 997) / 13.0,
  (g % 3) = 0,
  timestamp '2020-01-01' + (g % 1000000) * interval '37 second',
  CASE WHEN g % 10 = 0 THEN NULL ELSE repeat('tekst ', (g % 20)) || 'ëindë' END,
  lpad((1000 + g % 9000)::text, 4, '0') || 'AB',
  (g % 300) + 1
FROM generate_series(1, :rows) g;
VACUUM (ANALYZE) src.bench_clients;  -- hint bits set once, so the first tool to read does not pay for them
SQL
  fi
  [[ " $VARIANTS " == *" maria "* ]] || return 0
  "${MYSQL[@]}" -e "create database if not exists peerbench character set utf8mb4"
  have=$("${MYSQL[@]}" -N -e "select count(*) from peerbench.bench_clients" 2>/dev/null || echo 0)
  if [[ $have != "$ROWS" || ${REGEN:-0} == 1 ]]; then
    log "loading the same $ROWS rows into MariaDB peerbench.bench_clients"
    "${MYSQL[@]}" peerbench -e "
      drop table if exists bench_clients;
      create table bench_clients (
        id bigint primary key, bsn varchar(9), achternaam varchar(100), voornamen varchar(200),
        geboortedatum date, bedrag decimal(12,2), score double, actief boolean,
        gewijzigd datetime, opmerking text, postcode char(6), huisnummer int
      ) engine=InnoDB default charset=utf8mb4;"
    # text COPY format (tab, \N for NULL) is what LOAD DATA reads by default; booleans as 0/1
    psql_q -c "\\copy (select id, bsn, achternaam, voornamen, geboortedatum, bedrag, score, actief::int, gewijzigd, opmerking, postcode, huisnummer from src.bench_clients order by id) to '$WORK/bench_clients.tsv'"
    "${MYSQL[@]}" --local-infile=1 peerbench -e \
      "load data local infile '$WORK/bench_clients.tsv' into table bench_clients character set utf8mb4; analyze table bench_clients;" >/dev/null
    rm -f "$WORK/bench_clients.tsv"
  fi
  # check the MariaDB copy of the source against PostgreSQL: count, hash over the exact
  # (non-float) columns, and the double column rounded to 1e-9
  local pg my rowexpr_pg rowexpr_my
  rowexpr_pg="concat_ws('|', id, coalesce(bsn,'\\N'), coalesce(achternaam,'\\N'), coalesce(voornamen,'\\N'), coalesce(geboortedatum::text,'\\N'), coalesce(bedrag::text,'\\N'), coalesce(actief::int::text,'\\N'), coalesce(to_char(gewijzigd,'YYYY-MM-DD HH24:MI:SS'),'\\N'), coalesce(opmerking,'\\N'), coalesce(postcode,'\\N'), coalesce(huisnummer::text,'\\N'))"
  rowexpr_my="concat_ws('|', id, coalesce(bsn,'\\\\N'), coalesce(achternaam,'\\\\N'), coalesce(voornamen,'\\\\N'), coalesce(geboortedatum,'\\\\N'), coalesce(bedrag,'\\\\N'), coalesce(actief,'\\\\N'), coalesce(gewijzigd,'\\\\N'), coalesce(opmerking,'\\\\N'), coalesce(postcode,'\\\\N'), coalesce(huisnummer,'\\\\N'))"
  pg=$(psql_q -tAc "select count(*) || ' ' || sum(('x' || substr(md5($rowexpr_pg), 1, 15))::bit(60)::bigint) || ' ' || sum(round(score * 1e9)::bigint) from src.bench_clients")
  my=$("${MYSQL[@]}" -N peerbench -e "select concat(count(*), ' ', sum(cast(conv(substr(md5($rowexpr_my), 1, 15), 16, 10) as unsigned)), ' ', sum(cast(round(score * 1e9) as signed))) from bench_clients")
  if [[ $pg == "$my" ]]; then log "MariaDB source matches PostgreSQL source ($pg)"
  else log "WARNING: MariaDB source differs from PostgreSQL source: pg='$pg' mariadb='$my'"; fi
}

# ---------------------------------------------------------------- peers
# tool_cmd TOOL VARIANT SCHEMA TABLE -> sets CMD to the copy command
export PEERBENCH_PG=$PG_URI PEERBENCH_MARIA=$MY_URI   # Sling connections (env-var URLs)
tool_cmd() {
  local tool=$1 variant=$2 schema=$3 table=$4 src_uri src_table conn
  if [[ $variant == pg ]]; then src_uri=$PG_URI; src_table=src.bench_clients; conn=PEERBENCH_PG
  else src_uri=$MY_URI; src_table=peerbench.bench_clients; conn=PEERBENCH_MARIA; fi
  case $tool in
    ours)
      local ini=$WORK/ours-$variant.ini src_conn
      if [[ $variant == pg ]]; then
        src_conn="SRC_DRIVER = PostgreSQL Unicode
SRC_HOST = 127.0.0.1
SRC_PORT = 5432
SRC_DB = peerbench
SRC_USERNAME = postgres
SRC_PASSWORD = postgres
SRC_SCHEMA = src"
      else
        src_conn="SRC_DRIVER = MariaDB Unicode
SRC_HOST = 127.0.0.1
SRC_PORT = 3306
SRC_DB = peerbench
SRC_USERNAME = root
SRC_PASSWORD ="
      fi
      cat > "$ini" <<INI
[database-source]
$src_conn
[database-destination]
DST_DRIVER = PostgreSQL Unicode
DST_HOST = 127.0.0.1
DST_PORT = 5432
DST_DB = peerbench
DST_USERNAME = postgres
DST_PASSWORD = postgres
DST_SCHEMA = $schema
[settings]
SRC_TABLES = bench_clients
ASK_PASSWORD_IN_CLI = False
${OURS_SETTINGS:-}
INI
      CMD=("$OURS" --config "$ini") ;;
    copy)
      printf '%s\n' "psql -X -q -v ON_ERROR_STOP=1 -c 'truncate $schema.$table' && psql -X -q -c '\\copy src.bench_clients to stdout (format binary)' | psql -X -q -c '\\copy $schema.$table from stdin (format binary)'" > "$WORK/copy.sh"
      CMD=(bash "$WORK/copy.sh") ;;
    sling)
      CMD=("$SLING" run --src-conn "$conn" --src-stream "$src_table"
           --tgt-conn PEERBENCH_PG --tgt-object "$schema.$table" --mode full-refresh) ;;
    ingestr)
      CMD=("$INGESTR" ingest --yes --progress log
           --source-uri "$src_uri" --source-table "$src_table"
           --dest-uri "$PG_URI" --dest-table "$schema.$table" --incremental-strategy replace) ;;
    ingestr_dlt|ingestr_dlt_sa)
      CMD=("$INGESTR_DLT" ingest --yes --progress log
           --source-uri "$src_uri" --source-table "$src_table"
           --dest-uri "$PG_URI" --dest-table "$schema.$table" --incremental-strategy replace
           --pipelines-dir "$WORK/dlt-pipelines")
      # ingestr_dlt_sa: the same with dlt's sqlalchemy backend instead of the default pyarrow one
      [[ $tool == ingestr_dlt_sa ]] && CMD+=(--sql-backend sqlalchemy) ;;
  esac
}

# ---------------------------------------------------------------- verification
COLS=(id bsn achternaam voornamen geboortedatum bedrag score actief gewijzigd opmerking postcode huisnummer)
declare -A KIND=([id]=int [bsn]=text [achternaam]=text [voornamen]=text [geboortedatum]=date
  [bedrag]=num [score]=float [actief]=bool [gewijzigd]=ts [opmerking]=text [postcode]=text [huisnummer]=int)
# value of column $2 of alias $1, read back through its text form into the source's type
norm() {
  local a=$1 c=$2
  case ${KIND[$c]} in
    int)   echo "($a.$c)::text::bigint" ;;
    num)   echo "trim_scale(($a.$c)::text::numeric)" ;;
    float) echo "($a.$c)::text::float8" ;;
    bool)  echo "($a.$c)::text::boolean" ;;
    date)  echo "($a.$c)::text::date" ;;
    ts)    echo "($a.$c)::text::timestamp" ;;
    text)  echo "($a.$c)::text" ;;
  esac
}
checksum_sql() {  # md5 over all rows (ordered by id) of all 12 normalised columns
  local rel=$1 parts=() c
  for c in "${COLS[@]}"; do parts+=("coalesce(($(norm t "$c"))::text, '<null>')"); done
  local IFS=,
  echo "select count(*) || ' ' || coalesce(md5(string_agg(md5(concat_ws('|', ${parts[*]})), '' order by ($(norm t id)))), '-') from $rel t"
}
verify() {
  local schema=$1 table=$2 out=$3
  local rel="$schema.$table"
  {
    echo "--- verification of $rel against src.bench_clients"
    psql_q -c "analyze $rel" 2>&1
    local src tgt
    src=$(psql_q -tAc "$(checksum_sql src.bench_clients)")
    tgt=$(psql_q -tAc "$(checksum_sql "$rel")" 2>&1) || tgt="ERROR: $tgt"
    echo "source  rows+md5: $src"
    echo "target  rows+md5: $tgt"
    if [[ $src == "$tgt" ]]; then echo "RESULT: identical (all 12 columns, by value)"; else echo "RESULT: DIFFERENT"; fi
    # one join of source and target rows, then every per-column count from it
    local cols=() vdiff=() tdiff=() ex=() c
    for c in "${COLS[@]}"; do
      cols+=("s.$c::text as s_$c, t.$c::text as t_$c, ($(norm s "$c")) is distinct from ($(norm t "$c")) as v_$c")
      vdiff+=("count(*) filter (where v_$c and sid is not null and tid is not null) as \"$c\"")
      tdiff+=("count(*) filter (where s_$c is distinct from t_$c and sid is not null and tid is not null) as \"$c\"")
      ex+=("(select '$c' as col, sid as id, coalesce(s_$c, '<null>') as source_value, coalesce(t_$c, '<null>') as target_value from j where sid is not null and tid is not null and s_$c is distinct from t_$c order by sid limit 1)")
    done
    local IFS=,
    local sql="set enable_nestloop = off;
create temp table j as select s.id as sid, ($(norm t id)) as tid, ${cols[*]}
  from src.bench_clients s full join $rel t on ($(norm t id)) = s.id;
\\echo 'per-column rows that differ by value (target value cast back to the source type):'
select count(*) filter (where sid is null) as extra_rows, count(*) filter (where tid is null) as missing_rows, ${vdiff[*]} from j;
\\echo 'per-column rows whose text form differs (type or format differences, e.g. 1.50 vs 1.5):'
select ${tdiff[*]} from j;
\\echo 'first differing row per column (text form):'"
    unset IFS
    local union
    union=$(printf ' union all %s' "${ex[@]}"); union=${union# union all }
    sql+="
$union;"
    psql_q -P pager=off <<< "$sql" 2>&1
    echo "column types (source -> target):"
    psql_q -P pager=off -c "
      with c as (select table_schema, column_name, ordinal_position,
                   case when data_type in ('numeric') then data_type || coalesce('(' || numeric_precision || ',' || numeric_scale || ')', '')
                        when character_maximum_length is not null then data_type || '(' || character_maximum_length || ')'
                        else data_type end as typ
                 from information_schema.columns
                 where (table_schema, table_name) in (('src','bench_clients'), ('$schema','$table')))
      select coalesce(s.column_name, t.column_name) as column_name, s.typ as source_type, t.typ as target_type,
             case when s.typ is distinct from t.typ then '<-- differs' else '' end as note
      from (select * from c where table_schema = 'src') s
      full join (select * from c where table_schema = '$schema') t using (column_name)
      order by coalesce(s.ordinal_position, 100 + t.ordinal_position)" 2>&1
    echo "constraints on the target (source has PRIMARY KEY (id)):"
    psql_q -tA -c "select coalesce(string_agg(conname || ': ' || pg_get_constraintdef(oid), '; '), '(none)') from pg_constraint where conrelid = '$rel'::regclass" 2>&1
  } > "$out"
}

# ---------------------------------------------------------------- main
prepare_sources
declare -A SCHEMA=([ours]=ours_stg [copy]=copy_stg [sling]=sling_stg [ingestr]=ingestr_stg [ingestr_dlt]=ingestr_dlt_stg [ingestr_dlt_sa]=ingestr_dlt_stg)
summary=$HERE/results/summary-$ROWS.txt
: > "$summary"
for variant in $VARIANTS; do
  queue=($TOOLS)
  while ((${#queue[@]})); do
    tool=${queue[0]}; queue=("${queue[@]:1}")
    schema=${SCHEMA[$tool]}
    table=bench_clients; [[ $variant == maria ]] && table=bench_clients_mariadb
    # ours names the target after the source table: its MariaDB copy goes to a schema of its own
    [[ $tool == ours && $variant == maria ]] && { schema=ours_stg_maria; table=bench_clients; }
    [[ $tool == copy && $variant == maria ]] && continue
    [[ $tool == copy ]] && { psql_q -c "create schema if not exists $schema"; psql_q -c "create table if not exists $schema.$table (like src.bench_clients including all)"; }
    [[ $tool == ingestr_dlt_sa ]] && table+=_sa
    psql_q -c "create schema if not exists $schema"
    walls=() cpus=() rss_max=0 ok=1
    for ((r = 1; r <= RUNS; r++)); do
      tag="$tool-$variant-$ROWS-run$r"
      log "run $r/$RUNS: $tool ($variant -> postgres) into $schema.$table"
      tool_cmd "$tool" "$variant" "$schema" "$table"
      echo "+ ${CMD[*]}" > "$HERE/results/$tag.log"
      /usr/bin/time -v -o "$WORK/$tag.time" "${CMD[@]}" >> "$HERE/results/$tag.log" 2>&1
      rc=$?
      wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$WORK/$tag.time")
      rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/$tag.time")
      cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.2f", u + s}' "$WORK/$tag.time")
      cpus+=("$cpu")
      # h:mm:ss or m:ss.ss -> seconds
      secs=$(awk -v t="$wall" 'BEGIN {n = split(t, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s}')
      if [[ $rc != 0 ]]; then ok=0; log "  FAILED (rc=$rc), see $HERE/results/$tag.log"; tail -5 "$HERE/results/$tag.log" >&2; fi
      log "  wall ${secs}s, peak RSS $((rss / 1024)) MiB, rc=$rc"
      walls+=("$secs"); (( rss > rss_max )) && rss_max=$rss
    done
    med=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
    vfile=$HERE/results/verify-$tool-$variant-$ROWS.txt
    if (( ok )); then verify "$schema" "$table" "$vfile"; res=$(grep '^RESULT' "$vfile" | cut -d' ' -f2-)
    else
      res="copy failed"; echo "copy failed" > "$vfile"
      # dlt's default pyarrow backend fails on some sources (MariaDB DOUBLE): retry with sqlalchemy
      [[ $tool == ingestr_dlt && " $TOOLS " != *" ingestr_dlt_sa "* ]] && queue=(ingestr_dlt_sa "${queue[@]}")
    fi
    cmed=$(printf '%s\n' "${cpus[@]}" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
    printf '%-12s %-6s rows=%-8s wall_median=%7ss (runs: %s)  tool_cpu=%6ss  peak_rss=%5s MiB  %s\n' \
      "$tool" "$variant" "$ROWS" "$med" "${walls[*]}" "$cmed" "$((rss_max / 1024))" "$res" | tee -a "$summary"
  done
done
echo "versions: sling $(cat "$(dirname "$SLING")/VERSION" 2>/dev/null)," \
  "ingestr $("$INGESTR" --version 2>/dev/null | awk '{print $NF}')," \
  "ingestr_dlt $("$HERE"/ingestr-dlt-venv/bin/pip show ingestr 2>/dev/null | awk '/^Version/ {print $2}')" | tee -a "$summary"
echo "summary: $summary; details: $HERE/results/verify-*-$ROWS.txt and $HERE/results/*-$ROWS-run*.log"
