use super::*;

#[test]
fn part_numbers_have_four_digits_or_more() {
    assert_eq!(digits_for(1), 4);
    assert_eq!(digits_for(10_000), 4);
    assert_eq!(digits_for(10_001), 5);
    assert_eq!(part_name("t", 7, 4), "t_part0007.parquet");
    assert_eq!(part_name("t", 12_345, 5), "t_part12345.parquet");
}

#[test]
fn placeholders_are_filled_in() {
    let dir = expand_dir("history/{date}/{run_id}", "R1");
    let text = dir.to_string_lossy();
    assert!(
        text.starts_with("history/20") && text.ends_with("/R1"),
        "{text}"
    );
    assert_eq!(text.len(), "history/2026-11-26/R1".len());
}
