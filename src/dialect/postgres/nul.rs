//! PostgreSQL cannot store NUL characters in text: they are removed before a batch goes in.

use std::sync::Arc;

use arrow_odbc::arrow::{
    array::{Array, ArrayRef, AsArray, StringArray},
    datatypes::DataType,
    record_batch::RecordBatch,
};

/// Removes NUL characters from every text value; returns the batch and how many values changed.
pub fn remove_nul_characters(batch: RecordBatch) -> anyhow::Result<(RecordBatch, usize)> {
    let mut changed = 0;
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(batch.num_columns());
    let mut any = false;
    for column in batch.columns() {
        if column.data_type() == &DataType::Utf8 {
            let strings = column.as_string::<i32>();
            if strings.value_data().contains(&0) {
                let cleaned: StringArray = strings
                    .iter()
                    .map(|v| {
                        v.map(|s| {
                            if s.contains('\0') {
                                changed += 1;
                                s.replace('\0', "")
                            } else {
                                s.to_string()
                            }
                        })
                    })
                    .collect();
                columns.push(Arc::new(cleaned));
                any = true;
                continue;
            }
        }
        columns.push(column.clone());
    }
    if !any {
        return Ok((batch, 0));
    }
    Ok((RecordBatch::try_new(batch.schema(), columns)?, changed))
}
