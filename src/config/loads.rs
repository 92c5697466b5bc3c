//! How tables are loaded besides the write mode, as configured: `[incremental]` (`table =
//! column`) with `INCREMENTAL_LOOKBACK`, `[merge-keys]` (`table = col1, col2`), and `[partitions]`
//! (`table = column`) with `PARTITIONS`. Tables are named as the target table (as in
//! `SRC_TABLES` or `[queries]`), case-insensitively; that they are copied is checked when the run
//! starts.

use super::{checker::Checker, ini::SectionEntry, shaping::is_pattern};

/// One entry of a table section: a table and the column(s) it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableColumns {
    /// The target table, as written.
    pub table: String,
    /// The column(s), as written.
    pub columns: Vec<String>,
}

/// `[incremental]`, `[merge-keys]`, `[partitions]` and their settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Loads {
    /// `[incremental]`: the watermark column per table.
    pub incremental: Vec<TableColumns>,
    /// `[merge-keys]`: the upsert keys per incremental table.
    pub merge_keys: Vec<TableColumns>,
    /// `[partitions]`: the partition column per table.
    pub partitions: Vec<TableColumns>,
    /// `PARTITIONS`: source connections per partitioned table.
    pub partition_count: usize,
    /// `INCREMENTAL_LOOKBACK`: how far below the watermark to read again (a number; seconds for
    /// dates and times).
    pub lookback: f64,
}

impl Default for Loads {
    fn default() -> Self {
        Loads {
            incremental: Vec::new(),
            merge_keys: Vec::new(),
            partitions: Vec::new(),
            partition_count: 1,
            lookback: 0.0,
        }
    }
}

fn find<'a>(entries: &'a [TableColumns], table: &str) -> Option<&'a TableColumns> {
    entries.iter().find(|e| e.table.eq_ignore_ascii_case(table))
}

impl Loads {
    /// The watermark column of the target table `table`, when it is loaded incrementally.
    pub fn incremental(&self, table: &str) -> Option<&str> {
        find(&self.incremental, table).map(|e| e.columns[0].as_str())
    }

    /// The merge keys of the target table `table` (empty: its incremental rows are appended).
    pub fn merge_keys(&self, table: &str) -> &[String] {
        find(&self.merge_keys, table).map_or(&[], |e| e.columns.as_slice())
    }

    /// The partition column of the target table `table`, when it is read in partitions.
    pub fn partition(&self, table: &str) -> Option<&str> {
        find(&self.partitions, table)
            .filter(|_| self.partition_count > 1)
            .map(|e| e.columns[0].as_str())
    }

    /// The entries (as `[section] table`) whose table is none of `tables` (the target tables a
    /// run copies).
    pub fn without_table<'a>(&self, tables: impl Iterator<Item = &'a str> + Clone) -> Vec<String> {
        [
            ("incremental", &self.incremental),
            ("merge-keys", &self.merge_keys),
            ("partitions", &self.partitions),
        ]
        .into_iter()
        .flat_map(|(section, entries)| {
            entries
                .iter()
                .filter(|e| !tables.clone().any(|t| t.eq_ignore_ascii_case(&e.table)))
                .map(move |e| format!("[{section}] {}", e.table))
        })
        .collect()
    }
}

/// The entries of `section`: `table = column` (`many`: `table = col1, col2`).
fn entries(c: &mut Checker<'_>, section: &str, many: bool) -> Option<Vec<TableColumns>> {
    let lines: Vec<SectionEntry> = c.raw.section(section).to_vec();
    let mut out = Vec::new();
    let mut ok = true;
    for e in lines {
        let columns: Vec<String> = e.value.split(',').map(|s| s.trim().to_string()).collect();
        let problem = if e.key.contains('.') || is_pattern(&e.key) {
            Some("the key is the target table's name: a plain name without a schema or wildcards")
        } else if columns.iter().any(|c| c.is_empty() || is_pattern(c)) {
            Some(if many {
                "expected column names separated by commas"
            } else {
                "expected one column name"
            })
        } else if !many && columns.len() > 1 {
            Some("expected one column name")
        } else {
            None
        };
        match problem {
            Some(why) => {
                c.errors.push(format!(
                    "{}: [{section}] {} = {}: {why}",
                    e.at, e.key, e.value
                ));
                ok = false;
            }
            None => out.push(TableColumns {
                table: e.key.clone(),
                columns,
            }),
        }
    }
    ok.then_some(out)
}

/// Everything of [`Loads`], checked against each other.
pub(super) fn loads(c: &mut Checker<'_>) -> Option<Loads> {
    let incremental = entries(c, "incremental", false);
    let merge_keys = entries(c, "merge-keys", true);
    let partitions = entries(c, "partitions", false);
    let partition_count = c.whole("PARTITIONS", 1, super::MAX_THREADS);
    let lookback = c.number(
        "INCREMENTAL_LOOKBACK",
        1e12,
        "expected a number from 0 to 1e12 (seconds for a date or time column)",
    );
    let loads = Loads {
        incremental: incremental?,
        merge_keys: merge_keys?,
        partitions: partitions?,
        partition_count: usize::try_from(partition_count?).unwrap_or(usize::MAX),
        lookback: lookback.unwrap_or(0.0),
    };
    let limited = c
        .text("ROW_LIMIT")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .is_some_and(|n| n > 0);
    if limited && let Some(first) = loads.incremental.first() {
        c.errors.push(format!(
            "ROW_LIMIT with [incremental] ({} = {}): the next run would start above the largest \
             value of the few rows read and never read the others; leave ROW_LIMIT empty, or \
             try the table out without [incremental]",
            first.table, first.columns[0]
        ));
    }
    for (section, entries) in [
        ("incremental", &loads.incremental),
        ("merge-keys", &loads.merge_keys),
        ("partitions", &loads.partitions),
    ] {
        // (A table named twice in a section is refused when the INI file is read.)
        for e in entries {
            if let Some(column) = e.columns.iter().enumerate().find_map(|(j, col)| {
                e.columns[..j]
                    .iter()
                    .any(|o| o.eq_ignore_ascii_case(col))
                    .then_some(col)
            }) {
                c.errors.push(format!(
                    "[{section}] {}: the column {column} is named twice; name each key column \
                     once",
                    e.table
                ));
            }
        }
    }
    for e in &loads.merge_keys {
        if loads.incremental(&e.table).is_none() {
            c.errors.push(format!(
                "[merge-keys] {}: only incremental tables are merged (a full load replaces the \
                 table); add {} to [incremental], or remove the line",
                e.table, e.table
            ));
        }
    }
    if loads.lookback > 0.0 {
        for e in &loads.incremental {
            if loads.merge_keys(&e.table).is_empty() {
                c.errors.push(format!(
                    "[incremental] {}: INCREMENTAL_LOOKBACK = {} reads rows again that the table \
                     already holds; without [merge-keys] for {} they would be appended twice; \
                     give its key columns in [merge-keys], or set INCREMENTAL_LOOKBACK = 0",
                    e.table, loads.lookback, e.table
                ));
            }
        }
    }
    Some(loads)
}

/// `SRC_KEY_RANGES`: when a table is read in ranges of a key, one SELECT per range, instead of
/// in one SELECT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyRanges {
    /// Where the source driver holds a whole result set in memory (it cannot stream).
    Auto,
    /// Always, where the table has a key to range over.
    Always,
    /// Never: one SELECT per table (or partition).
    Never,
}

impl KeyRanges {
    /// Whether tables are read in key ranges from a source whose driver `caches` whole result
    /// sets (or does not).
    pub fn wanted(self, caches: bool) -> bool {
        match self {
            KeyRanges::Auto => caches,
            KeyRanges::Always => true,
            KeyRanges::Never => false,
        }
    }
}

/// `SRC_KEY_RANGES` (default `auto`).
pub(super) fn key_ranges(c: &mut Checker<'_>) -> Option<KeyRanges> {
    let v = c.text("SRC_KEY_RANGES")?;
    match v.to_ascii_lowercase().as_str() {
        "auto" => Some(KeyRanges::Auto),
        "always" => Some(KeyRanges::Always),
        "never" => Some(KeyRanges::Never),
        _ => {
            c.fail("SRC_KEY_RANGES", &v, "expected auto, always or never");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{ConfigSources, KeyRanges, RawValues, Settings};

    fn settings(ini: &str) -> Result<Settings, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.ini");
        std::fs::write(&path, ini).unwrap();
        let raw = RawValues::load(&ConfigSources {
            config_file: Some(path),
            overrides: Vec::new(),
            environment: false,
        })
        .map_err(|e| e.to_string())?;
        Settings::from_values(&raw).map_err(|e| e.to_string())
    }

    const BASE: &str = "[database-source]\nSRC_CONNECTION_STRING = Driver=x\n\
                        [database-destination]\nDST_CONNECTION_STRING = Driver=y\n\
                        [settings]\nSRC_TABLES = a, b\n";

    #[test]
    fn sections_name_tables_and_their_columns() {
        let s = settings(&format!(
            "{BASE}PARTITIONS = 4\nINCREMENTAL_LOOKBACK = 3600\n\
             [incremental]\nA = changed_at\n[merge-keys]\na = id, version\n[partitions]\nb = id\n"
        ))
        .unwrap();
        assert_eq!(s.loads.incremental("a"), Some("changed_at"));
        assert_eq!(s.loads.merge_keys("A"), ["id", "version"]);
        assert_eq!(s.loads.partition("B"), Some("id"));
        assert_eq!(s.loads.partition("a"), None);
        assert_eq!(s.loads.lookback, 3600.0);
        assert_eq!(
            s.loads.without_table(["a"].into_iter()),
            vec!["[partitions] b".to_string()]
        );
    }

    #[test]
    fn key_ranges_are_auto_unless_said() {
        assert_eq!(settings(BASE).unwrap().key_ranges, KeyRanges::Auto);
        let s = settings(&format!("{BASE}SRC_KEY_RANGES = Always\n")).unwrap();
        assert_eq!(s.key_ranges, KeyRanges::Always);
        assert!(s.key_ranges.wanted(false) && !KeyRanges::Never.wanted(true));
        assert!(KeyRanges::Auto.wanted(true) && !KeyRanges::Auto.wanted(false));
        let e = settings(&format!("{BASE}SRC_KEY_RANGES = sometimes\n")).unwrap_err();
        assert!(e.contains("SRC_KEY_RANGES = 'sometimes'"), "{e}");
        assert!(e.contains("expected auto, always or never"), "{e}");
    }

    #[test]
    fn one_partition_reads_as_usual() {
        let s = settings(&format!("{BASE}[partitions]\nb = id\n")).unwrap();
        assert_eq!(s.loads.partition("b"), None);
    }

    #[test]
    fn a_zero_row_limit_or_lookback_is_none() {
        // 0 is "no limit" and "no lookback": fine with [incremental] without [merge-keys].
        for ini in [
            "ROW_LIMIT = 0\n[incremental]\na = id\n",
            "INCREMENTAL_LOOKBACK = 0\n[incremental]\na = id\n",
        ] {
            assert!(settings(&format!("{BASE}{ini}")).is_ok(), "{ini}");
        }
    }

    #[test]
    fn bad_entries_are_configuration_errors() {
        for (ini, expected) in [
            ("[incremental]\na = x, y\n", "expected one column name"),
            ("[partitions]\ns.b = id\n", "plain name"),
            ("[merge-keys]\na = id,\n", "separated by commas"),
            ("[merge-keys]\na = id\n", "add a to [incremental]"),
            (
                "INCREMENTAL_LOOKBACK = 10\n[incremental]\na = id\n",
                "appended twice",
            ),
            ("INCREMENTAL_LOOKBACK = -1\n", "a number from 0 to 1e12"),
            ("INCREMENTAL_LOOKBACK = 1e300\n", "a number from 0 to 1e12"),
            ("PARTITIONS = 0\n", "a whole number from 1 to 64"),
            ("PARTITIONS = 65\n", "a whole number from 1 to 64"),
            ("[partitions]\nPARTITIONS = 4\n", "belongs in [settings]"),
            (
                "ROW_LIMIT = 10\n[incremental]\na = id\n",
                "ROW_LIMIT with [incremental]",
            ),
            ("[incremental]\na = id\nA = id\n", "set more than once"),
            (
                "[incremental]\na = id\n[merge-keys]\na = id, ID\n",
                "the column ID is named twice",
            ),
        ] {
            let e = settings(&format!("{BASE}{ini}")).unwrap_err();
            assert!(e.contains(expected), "{ini}: {e}");
        }
    }
}
