use std::time::Duration;

use super::*;

#[test]
fn plain_progress_lines_give_rate_share_and_eta() {
    assert_eq!(
        progress_line("zaken", 250_000, Some(1_000_000), Duration::from_secs(10)),
        "zaken: 250,000/1,000,000 rows (25%), 25,000 rows/s, ETA 30 s"
    );
    // Without a known row count (or before the first row): rows and rate only.
    assert_eq!(
        progress_line("zaken", 4_000, None, Duration::from_secs(2)),
        "zaken: 4,000 rows, 2,000 rows/s"
    );
    assert_eq!(
        progress_line("zaken", 0, Some(10), Duration::from_secs(1)),
        "zaken: 0 rows, 0 rows/s"
    );
}
