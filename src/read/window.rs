//! Which rows of a table are read: the window of an incremental load (rows whose watermark
//! column is greater than the target's `MAX`, less `INCREMENTAL_LOOKBACK`) and the ranges of a
//! partitioned read (`PARTITIONS` ranges of an integer, date or timestamp column between its MIN
//! and MAX). Both become conditions of the WHERE clause; the values in them are
//! [`crate::bound::Bound`]s that the source's dialect writes as literals.

use crate::bound::{Bound, Kind};

/// The incremental window of a table, as the run found it.
#[derive(Debug, Clone, PartialEq)]
pub struct Watermark {
    /// The watermark column, as configured.
    pub column: String,
    /// The target table's `MAX(column)` as text; `None` when the table does not exist or holds
    /// no value (everything is read).
    pub target_max: Option<String>,
    /// `INCREMENTAL_LOOKBACK`.
    pub lookback: f64,
}

impl Watermark {
    /// The lowest value read is above this one (`None`: everything is read).
    pub fn after(&self, kind: Kind) -> anyhow::Result<Option<Bound>> {
        self.target_max
            .as_deref()
            .map(|max| kind.parse(max).and_then(|b| b.minus(self.lookback)))
            .transpose()
    }

    /// For the log and `check`: what is read.
    pub fn describe(&self, after: Option<&str>) -> String {
        match (&self.target_max, after) {
            (None, _) => format!(
                "incremental on {}: the target holds no rows yet, everything is read",
                self.column
            ),
            (Some(max), Some(after)) if self.lookback > 0.0 => format!(
                "incremental on {}: the target's MAX is {max}; rows above {after} are read \
                 (INCREMENTAL_LOOKBACK = {})",
                self.column, self.lookback
            ),
            (Some(max), _) => format!(
                "incremental on {}: rows above the target's MAX, {max}, are read",
                self.column
            ),
        }
    }
}

/// What is read of one table besides its columns: the window and the partitions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableRead {
    /// The incremental window.
    pub watermark: Option<Watermark>,
    /// The partition column and how many partitions.
    pub partition: Option<(String, usize)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_starts_at_the_targets_max_less_the_lookback() {
        let w = Watermark {
            column: "id".into(),
            target_max: Some("41".into()),
            lookback: 2.0,
        };
        assert_eq!(w.after(Kind::Int).unwrap(), Some(Bound::Int(39)));
        let first = Watermark {
            target_max: None,
            ..w
        };
        assert_eq!(first.after(Kind::Int).unwrap(), None);
    }

    #[test]
    fn the_log_says_what_is_read() {
        let w = Watermark {
            column: "gewijzigd".into(),
            target_max: Some("2024-05-01 12:00:00".into()),
            lookback: 0.0,
        };
        assert_eq!(
            w.describe(Some("'2024-05-01 12:00:00'")),
            "incremental on gewijzigd: rows above the target's MAX, 2024-05-01 12:00:00, are read"
        );
        let back = Watermark {
            lookback: 3600.0,
            ..w.clone()
        };
        assert_eq!(
            back.describe(Some("'2024-05-01 11:00:00'")),
            "incremental on gewijzigd: the target's MAX is 2024-05-01 12:00:00; rows above \
             '2024-05-01 11:00:00' are read (INCREMENTAL_LOOKBACK = 3600)"
        );
        let tiny = Watermark {
            lookback: 0.5,
            ..w.clone()
        };
        assert!(
            tiny.describe(Some("x"))
                .contains("INCREMENTAL_LOOKBACK = 0.5")
        );
        let first = Watermark {
            target_max: None,
            ..w
        };
        assert_eq!(
            first.describe(None),
            "incremental on gewijzigd: the target holds no rows yet, everything is read"
        );
    }
}
