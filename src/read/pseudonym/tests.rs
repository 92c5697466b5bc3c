use arrow_odbc::arrow::array::{
    BinaryArray, Date32Array, Decimal128Array, Int64Array, StringArray, TimestampMicrosecondArray,
};

use super::*;

#[test]
fn pseudonyms_are_rfc_4231_hmac_sha256_in_lower_case_hex() {
    // RFC 4231, test case 2.
    let p = Pseudonymizer::new(&Secret::new("Jefe"));
    assert_eq!(
        p.pseudonym(b"what do ya want for nothing?"),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
    assert_eq!(format!("{p:?}"), "Pseudonymizer(HMAC-SHA-256, key ***)");
}

#[test]
fn every_type_becomes_the_pseudonym_of_its_text_and_null_stays_null() {
    let p = Pseudonymizer::new(&Secret::new("sleutel-voor-de-test"));
    let texts: ArrayRef = Arc::new(StringArray::from(vec![Some("123456782"), None]));
    let numbers: ArrayRef = Arc::new(Int64Array::from(vec![Some(123456782), None]));
    let same = p.apply(&texts).unwrap();
    assert_eq!(&same, &p.apply(&numbers).unwrap(), "text and number agree");
    let same = same.as_string::<i32>();
    assert_eq!(same.value(0), p.pseudonym(b"123456782"));
    assert_eq!(same.value(0).len(), crate::plan::PSEUDONYM_LENGTH as usize);
    assert!(same.is_null(1));
    let bytes: ArrayRef = Arc::new(BinaryArray::from(vec![Some(&b"\x00\xff"[..])]));
    assert_eq!(
        p.apply(&bytes).unwrap().as_string::<i32>().value(0),
        p.pseudonym(b"\x00\xff")
    );
    let text_of = |values: ArrayRef, text: &str| {
        assert_eq!(
            p.apply(&values).unwrap().as_string::<i32>().value(0),
            p.pseudonym(text.as_bytes()),
            "{text}"
        );
    };
    text_of(Arc::new(Date32Array::from(vec![Some(19753)])), "2024-01-31");
    text_of(
        Arc::new(
            Decimal128Array::from(vec![Some(1250)])
                .with_precision_and_scale(12, 2)
                .unwrap(),
        ),
        "12.50",
    );
    text_of(
        Arc::new(TimestampMicrosecondArray::from(vec![Some(
            1_706_696_100_000_000,
        )])),
        "2024-01-31T10:15:00",
    );
}
