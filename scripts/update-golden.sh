#!/usr/bin/env bash
# Takes an intended change of the golden files (tests/golden/): runs the library's unit tests,
# whose golden comparisons leave what the code now generates in tests/golden/<file>.new when it
# differs, moves each .new file over its golden file, and shows the diff to read before
# committing. The tests themselves never write a golden file, so they can always fail.
#   usage: scripts/update-golden.sh
set -euo pipefail
cd "$(dirname "$0")/.."
rm -f tests/golden/*.new
cargo test --locked --lib -q golden >/dev/null 2>&1 || true
cargo test --locked --lib -q write_plan >/dev/null 2>&1 || true
shopt -s nullglob
news=(tests/golden/*.new)
if ((${#news[@]} == 0)); then
  echo "the golden files are up to date"
  exit 0
fi
for new in "${news[@]}"; do
  mv "$new" "${new%.new}"
  echo "updated ${new%.new}"
done
git --no-pager diff --stat -- tests/golden
echo "read the diff (git diff tests/golden), run cargo test again, and commit it"
