//! Golden files (`tests/golden/`): text a test generates (the SQL of every dialect, the type
//! limits, the fit table), compared with the file as it was reviewed. A test never writes the
//! file it compares with, so it can always fail: on a difference it writes what it got beside
//! the file as `<file>.new` and fails; `scripts/update-golden.sh` is the separate step that
//! moves the `.new` files over the golden ones, to be read in the diff and committed.

use std::path::PathBuf;

/// The golden file `name` in `tests/golden/`.
fn path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("golden")
        .join(name)
}

/// Fails, naming the first line that differs, unless `got` is the text of the golden file
/// `name`; leaves `got` in `<name>.new` then (and removes a stale one otherwise).
pub fn assert_golden(name: &str, got: &str) {
    let golden = path(name);
    let new = path(&format!("{name}.new"));
    let want = std::fs::read_to_string(&golden).unwrap_or_default();
    if got == want {
        let _ = std::fs::remove_file(&new);
        return;
    }
    std::fs::write(&new, got).unwrap_or_else(|e| panic!("cannot write {}: {e}", new.display()));
    let line = got
        .lines()
        .zip(want.lines())
        .position(|(g, w)| g != w)
        .unwrap_or_else(|| got.lines().count().min(want.lines().count()));
    panic!(
        "{} differs from what the code generates (first at line {}: {:?} instead of {:?}); \
         what it generates is in {}: run scripts/update-golden.sh to take it, and read the diff",
        golden.display(),
        line + 1,
        got.lines().nth(line).unwrap_or("(end)"),
        want.lines().nth(line).unwrap_or("(end)"),
        new.display()
    );
}
