#!/usr/bin/env bash
# The container image in CI (.ci/run calls this): starts the Docker engine when it is not running,
# makes the stand-in base images when no registry can be reached (docker/standins.sh), builds
# docker/Dockerfile, and runs the image the way a scheduler does: as its own non-root user, with
# a read-only root file system and a tmpfs for /work, configured only through environment
# variables, passwords from mounted files. Against the machine's PostgreSQL and MariaDB
# (--network host, all traffic on loopback):
#   * `drivers` lists the image's ODBC drivers;
#   * PostgreSQL -> PostgreSQL and MariaDB -> PostgreSQL, DIRECT and DUMP, values compared with
#     the source, the log on stderr and the summary on stdout;
#   * PostgreSQL -> SQL Server (Babelfish, through the image's FreeTDS), values compared;
#   * a configuration error is exit 2 for the caller of `docker run`;
#   * the image's size, its project layers (above debian:bookworm-slim), and no build or download
#     tools left in it.
#   usage: docker/ci.sh          (IMAGE=name:tag to choose the tag; default source-to-staging:ci)
set -euo pipefail
cd "$(dirname "$0")/.."
image=${IMAGE:-source-to-staging:ci}
# The classic builder: it needs no buildx plugin and builds with --network host.
export DOCKER_BUILDKIT=0 DEBIAN_FRONTEND=noninteractive
fail() { echo "docker/ci.sh: $*" >&2; exit 1; }

# --- The engine ---------------------------------------------------------------------------------
if ! command -v dockerd >/dev/null || ! command -v debootstrap >/dev/null; then
  apt-get update -qq >/dev/null
  apt-get install -y -qq docker.io debootstrap >/dev/null
fi
if ! docker info >/dev/null 2>&1; then
  echo "starting dockerd (log: /var/log/s2s-dockerd.log)"
  (setsid dockerd >/var/log/s2s-dockerd.log 2>&1 &)
  for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null || { tail -20 /var/log/s2s-dockerd.log; fail "dockerd did not start"; }
fi

# --- The image ----------------------------------------------------------------------------------
docker/standins.sh
start=$SECONDS
docker build --network host -f docker/Dockerfile -t "$image" . >/tmp/s2s-docker-build.log 2>&1 \
  || { tail -40 /tmp/s2s-docker-build.log; fail "docker build failed (log above)"; }
echo "image $image built in $((SECONDS - start)) s"

mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1000000 }'; }
size=$(docker image inspect -f '{{.Size}}' "$image")
base=$(docker image inspect -f '{{.Size}}' debian:bookworm-slim)
echo "image size: $(mb "$size"); the project's layers above debian:bookworm-slim: $(mb $((size - base)))"
# The layers above the base image, largest first in the order they were built.
docker history --no-trunc --format '{{.Size}}\t{{.CreatedBy}}' "$image" \
  | head -n "-$(docker history -q debian:bookworm-slim | wc -l)" | awk -F'\t' '$1 != "0B"' \
  | sed -E 's/\/bin\/sh -c (#\(nop\) *)?//; s/^/  layer /' | cut -c1-120
# Lean: no compiler, no cargo, no download tools (the optional drivers' curl/gnupg/unzip).
left=$(docker run --rm --entrypoint sh "$image" -c \
  'for t in gcc cc cargo rustc curl wget gpg unzip; do command -v $t; done; exit 0') \
  || fail "cannot run a shell in the image"
[[ -z "$left" ]] || fail "the runtime image holds build or download tools: $left"
[[ $(docker image inspect -f '{{.Config.User}}' "$image") == 10001:10001 ]] \
  || fail "the image does not run as user 10001"

# --- Running it ---------------------------------------------------------------------------------
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
secrets=$work/secrets reports=$work/reports
mkdir -p "$secrets" "$reports"
# The JSON run reports go to a volume of their own, as docker/k8s/cronjob.yaml keeps them.
chmod 0777 "$reports"
# The image's user (10001) reads the secret files, as Kubernetes mounts them with fsGroup.
password="ci-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s\n' "$password" > "$secrets/src_password"
chmod 0755 "$secrets" && chmod 0444 "$secrets/src_password"

# `docker run` as a scheduler runs it: non-root (the image's user), read-only root, /work a tmpfs.
run() {
  docker run --rm --network host --read-only \
    --tmpfs /work:rw,uid=10001,gid=10001,mode=0700 \
    -v "$secrets:/run/secrets:ro" -v "$reports:/reports" "$@"
}

out=$(run "$image" drivers)
for driver in "PostgreSQL Unicode" "MariaDB Unicode" "SQLite3" "FreeTDS"; do
  grep -qx "$driver" <<<"$out" || { echo "$out"; fail "drivers does not list $driver"; }
done
echo "drivers: $(paste -sd, <<<"$out")"

# The sources: PostgreSQL and MariaDB with the same 5,000 rows; the target: PostgreSQL.
export PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres PGOPTIONS='-c client_min_messages=warning'
for db in s2s_ci_src s2s_ci_dst; do
  [[ $(psql -q -d postgres -tAc "select count(*) from pg_database where datname='$db'") == 1 ]] \
    || psql -q -d postgres -c "create database $db"
done
psql -q -d s2s_ci_src -f docker/smoke/init.sql >/dev/null
maria() { mariadb -h 127.0.0.1 -P 3306 -u root --default-character-set=utf8mb4 "$@"; }
maria -e "create database if not exists s2s_ci_src"
maria s2s_ci_src < docker/smoke/init-mariadb.sql
# A reading user with a password, which the container gets only as a file.
for host in 127.0.0.1 localhost; do
  maria -e "create or replace user 's2s_ci'@'$host' identified by '$password';
            grant select on s2s_ci_src.* to 's2s_ci'@'$host'"
done

# The staging table's values, the same text for both sources (a boolean and a tinyint as 0/1).
digest="select count(*), md5(string_agg(bsn || achternaam || coalesce(geboortedatum::text, '') \
  || coalesce(leges::text, '') || coalesce(gewijzigd::text, '') || geheim::int::text \
  || coalesce(encode(foto, 'hex'), ''), ',' order by bsn))"
want=$(psql -d s2s_ci_src -tAc "$digest from burgers")
[[ $(maria -N s2s_ci_src -e "select count(*) from burgers") == 5000 ]] || fail "MariaDB source not filled"

dst=(-e DST_DRIVER="PostgreSQL Unicode" -e DST_HOST=127.0.0.1 -e DST_PORT=5432 -e DST_DB=s2s_ci_dst
     -e DST_USERNAME=postgres -e SRC_TABLES=burgers)
from_postgres=(-e SRC_DRIVER="PostgreSQL Unicode" -e SRC_HOST=127.0.0.1 -e SRC_PORT=5432
               -e SRC_DB=s2s_ci_src -e SRC_USERNAME=postgres -e SRC_SCHEMA=public)
from_mariadb=(-e SRC_DRIVER="MariaDB Unicode" -e SRC_HOST=127.0.0.1 -e SRC_PORT=3306
              -e SRC_DB=s2s_ci_src -e SRC_USERNAME=s2s_ci -e SRC_PASSWORD_FILE=/run/secrets/src_password)
for source in postgres mariadb; do
  declare -n src_env="from_$source"
  for mode in DIRECT DUMP; do
    schema="staging_${source}_$(tr '[:upper:]' '[:lower:]' <<<"$mode")"
    psql -q -d s2s_ci_dst -c "drop schema if exists $schema cascade" 2>/dev/null
    # The image's own INI file, which sets nothing: everything comes from the environment.
    run "${src_env[@]}" "${dst[@]}" -e DST_SCHEMA="$schema" -e TRANSFER_MODE=$mode "$image" \
      --config /config/source_to_staging.ini --report "/reports/$schema.json" \
      >"$work/stdout" 2>"$work/stderr" \
      || { cat "$work/stderr" "$work/stdout"; fail "$source -> postgres $mode failed"; }
    got=$(psql -d s2s_ci_dst -tAc "$digest from $schema.burgers")
    [[ "$got" == "$want" ]] || fail "$source -> postgres $mode copied $got, the source holds $want"
    # The log on stderr, the summary on stdout, and the password in neither.
    grep -q "INFO" "$work/stderr" || { cat "$work/stderr"; fail "no log on stderr"; }
    grep -q "burgers" "$work/stdout" || { cat "$work/stdout"; fail "no summary on stdout"; }
    ! grep -q "$password" "$work/stdout" "$work/stderr" || fail "the password was shown"
    grep -q '"status": "ok"' "$reports/$schema.json" || { cat "$reports/$schema.json"; fail "report"; }
    echo "container $source -> postgres $mode: ok ($got)"
  done
  unset -n src_env
done

# PostgreSQL -> SQL Server (Babelfish on 127.0.0.1:1433, started by .ci/run) through the image's
# FreeTDS, the password from a file; the values compared by the same text on both sides.
printf '%s\n' "Test_1234" > "$secrets/ms_password"
chmod 0444 "$secrets/ms_password"
tds="Driver={FreeTDS};Server=127.0.0.1;Port=1433;TDS_Version=7.4;UID=sa_test;PWD=Test_1234;ClientCharset=UTF-8"
python3 - "$tds;Database=master" <<'PY'
import sys, pyodbc
c = pyodbc.connect(sys.argv[1], autocommit=True)
c.execute("IF DB_ID('s2s_ci_ms') IS NOT NULL DROP DATABASE s2s_ci_ms")
PY
run "${from_postgres[@]}" -e DST_DRIVER=FreeTDS -e DST_HOST=127.0.0.1 -e DST_PORT=1433 \
  -e DST_DB=s2s_ci_ms -e DST_USERNAME=sa_test -e DST_PASSWORD_FILE=/run/secrets/ms_password \
  -e DST_SCHEMA=staging -e SRC_TABLES=burgers "$image" \
  --config /config/source_to_staging.ini >"$work/stdout" 2>"$work/stderr" \
  || { cat "$work/stderr" "$work/stdout"; fail "postgres -> sqlserver failed"; }
ms_digest="select count(*), md5(string_agg(bsn || achternaam || coalesce(to_char(geboortedatum, \
  'YYYY-MM-DD'), '') || coalesce(leges::text, '') || coalesce(to_char(gewijzigd, \
  'YYYY-MM-DD HH24:MI:SS.US'), '') || geheim::int::text || coalesce(encode(foto, 'hex'), ''), ',' \
  order by bsn))"
want=$(psql -d s2s_ci_src -tAc "$ms_digest from burgers")
got=$(python3 - "$tds;Database=s2s_ci_ms" <<'PY'
import sys, hashlib, pyodbc
c = pyodbc.connect(sys.argv[1])
rows = c.execute(
    "SELECT bsn, achternaam, CONVERT(varchar(10), geboortedatum, 23), CAST(leges AS varchar(20)), "
    "CONVERT(varchar(26), gewijzigd, 121), CAST(geheim AS int), foto "
    "FROM staging.burgers ORDER BY bsn").fetchall()
def text(v):
    return "" if v is None else str(v)
def stamp(v):  # 121 drops trailing zeros on Babelfish: six digits always
    if v is None:
        return ""
    head, _, frac = v.partition(".")
    return f"{head}.{frac:0<6}"
joined = ",".join(
    r[0] + r[1] + text(r[2]) + text(r[3]) + stamp(r[4]) + str(r[5]) + (r[6] or b"").hex()
    for r in rows)
print(f"{len(rows)}|{hashlib.md5(joined.encode()).hexdigest()}")
PY
)
[[ "$got" == "$want" ]] || fail "postgres -> sqlserver copied $got, the source holds $want"
! grep -q "Test_1234" "$work/stdout" "$work/stderr" || fail "the SQL Server password was shown"
echo "container postgres -> sqlserver DIRECT: ok ($got)"

# A configuration error: exit 2 for whoever runs the container, with the message on stderr.
# (No arguments: the image's default command.)
set +e
run "${from_postgres[@]}" "${dst[@]}" -e WRITE_MODE=sideways "$image" >"$work/stdout" 2>"$work/stderr"
status=$?
set -e
[[ $status == 2 ]] || { cat "$work/stderr"; fail "a bad WRITE_MODE gave exit $status, not 2"; }
grep -q "WRITE_MODE" "$work/stderr" || { cat "$work/stderr"; fail "the error does not name WRITE_MODE"; }
echo "container configuration error: exit 2 ($(grep -m1 WRITE_MODE "$work/stderr" | cut -c1-100))"
