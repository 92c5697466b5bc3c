#!/usr/bin/env bash
# Mutation testing of the pure-logic modules with cargo-mutants: every mutant must be caught by
# the unit tests (for the dialects with their golden SQL, src/dialect/golden_tests/; no
# database is needed), or be excluded in .cargo/mutants.toml with the reason it cannot be caught.
#   usage: scripts/mutants.sh [FILE ...]      (default: every pure-logic module)
#          scripts/mutants.sh --secrets       (the two places where a mistake leaks a secret:
#                                             masking, src/config/secrets.rs, and how values are
#                                             written into a connection string; run by CI)
#   MUTANTS_ARGS="-j 2" scripts/mutants.sh src/convert.rs
#   Results in mutants.out/ (missed.txt, caught.txt, unviable.txt, timeout.txt). A few seconds
#   per mutant; cargo mutants exits with 2 when a mutant was missed.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-mutants >/dev/null || cargo install --locked cargo-mutants@27.1.0
# MUTANTS_ARGS: more options for cargo mutants (e.g. "-j 2", "--timeout 10", "-o DIR").
read -r -a extra <<< "${MUTANTS_ARGS:-}"
# Only the library's unit tests are built and run: --cargo-arg applies to the build as well, so
# no integration test is linked.
tests=(--cargo-arg=--lib)
if [[ "${1:-}" == "--secrets" ]]; then
  # All of the masking and of the connection string's attributes (read and written back);
  # of the dialects how a driver reads braces.
  re='^src/config/secrets\.rs:|^src/odbc/connection_string\.rs:'
  re+='|^src/dialect/statements\.rs:.*(Braces|braced|needs_braces|is_password_key)'
  exec cargo mutants --no-shuffle "${tests[@]}" --file src/config/secrets.rs \
    --file src/odbc/connection_string.rs \
    --file src/dialect/statements.rs --re "$re" "${extra[@]}"
fi
files=("$@")
if ((${#files[@]} == 0)); then
  files=(
    src/config/mod.rs src/config/checker.rs src/config/raw.rs src/config/ini.rs src/config/keys.rs
    src/config/secrets.rs src/config/shaping.rs src/config/glob.rs src/config/loads.rs
    src/select/columns.rs src/read/pseudonym.rs src/read/window.rs src/bound.rs
    src/plan.rs src/write/write_plan.rs src/write/column_types.rs src/write/fit.rs src/write/existing.rs src/insert.rs
    src/insert/literal.rs src/convert.rs src/read/decode.rs src/read/decode/arrays.rs
    src/driver_names.rs src/retry.rs src/turns.rs src/files.rs src/odbc/connection_string.rs
    src/spool/mod.rs src/spool/manifest.rs src/spool/parts.rs
    src/dialect/mod.rs src/dialect/postgres.rs src/dialect/mariadb.rs src/dialect/sqlite.rs
    src/dialect/mssql.rs src/dialect/oracle.rs src/dialect/generic.rs src/dialect/names.rs
    src/dialect/shared.rs src/dialect/statements.rs src/dialect/locks.rs
    src/dialect/postgres/locks.rs src/dialect/mariadb/locks.rs src/dialect/mssql/locks.rs
    src/dialect/oracle/locks.rs
  )
fi
args=()
for f in "${files[@]}"; do
  args+=(--file "$f")
done
exec cargo mutants --no-shuffle "${tests[@]}" "${args[@]}" "${extra[@]}"
