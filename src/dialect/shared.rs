//! What several dialects share: batch adaptations for drivers that bind some types badly, and
//! the warnings every source gets.

use std::sync::Arc;

use arrow_odbc::arrow::{
    array::{Array, ArrayRef, StringArray},
    datatypes::{DataType, Field, Schema},
    record_batch::RecordBatch,
};

use crate::plan::{ColumnType, LoadColumn};

/// Replaces the columns whose type `pick` selects by their text, made by `to_text`; the other
/// columns stay as they are, and a batch without such columns comes back untouched. Dialects use
/// it in `prepare_batch` for values their driver binds badly.
pub fn columns_as_text(
    batch: RecordBatch,
    pick: impl Fn(&DataType) -> bool,
    to_text: impl Fn(&ArrayRef) -> anyhow::Result<StringArray>,
) -> anyhow::Result<RecordBatch> {
    let schema = batch.schema();
    if !schema.fields().iter().any(|f| pick(f.data_type())) {
        return Ok(batch);
    }
    let mut fields = Vec::with_capacity(schema.fields().len());
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(schema.fields().len());
    for (field, column) in schema.fields().iter().zip(batch.columns()) {
        if pick(field.data_type()) {
            fields.push(Field::new(
                field.name(),
                DataType::Utf8,
                field.is_nullable(),
            ));
            columns.push(Arc::new(to_text(column)?));
        } else {
            fields.push(field.as_ref().clone());
            columns.push(column.clone());
        }
    }
    Ok(RecordBatch::try_new(
        Arc::new(Schema::new(fields)),
        columns,
    )?)
}

/// Prepares the values carried as text because they have more than six fractional digits (see
/// `ColumnType::carried_as_text`) for a time or timestamp column of the target: an instant with an
/// offset becomes the same instant in UTC without the offset where the column keeps no offset
/// (`offsets`: the DBMS's time zone columns keep one), and fractional digits beyond `keep` (and
/// beyond the column's own precision) are cut off, not rounded, so `9999-12-31 23:59:59.9999999`
/// stays in 9999. Values going into text columns stay as they are.
pub fn adapt_text_times(
    batch: RecordBatch,
    columns: &[LoadColumn],
    keep: Option<u8>,
    offsets: bool,
) -> anyhow::Result<RecordBatch> {
    let adapt = |c: &LoadColumn| -> Option<(bool, Option<u8>)> {
        if !c.source.column_type.carried_as_text() {
            return None;
        }
        let to_utc = matches!(c.source.column_type, ColumnType::TimestampTz { .. })
            && !(offsets && matches!(c.target.column_type, ColumnType::TimestampTz { .. }));
        match c.target.column_type {
            // No more digits than the column keeps either (a timestamp(3) would round).
            ColumnType::Time { precision }
            | ColumnType::Timestamp { precision }
            | ColumnType::TimestampTz { precision } => {
                Some((to_utc, keep.map(|k| k.min(precision))))
            }
            _ => None,
        }
    };
    if !columns.iter().any(|c| adapt(c).is_some()) {
        return Ok(batch);
    }
    let schema = batch.schema();
    let mut arrays: Vec<ArrayRef> = Vec::with_capacity(batch.num_columns());
    for (array, column) in batch.columns().iter().zip(columns) {
        match adapt(column) {
            Some((to_utc, keep)) if array.data_type() == &DataType::Utf8 => {
                let texts = array
                    .as_any()
                    .downcast_ref::<StringArray>()
                    .expect("a Utf8 array");
                let adapted = texts
                    .iter()
                    .map(|v| {
                        v.map(|t| -> anyhow::Result<String> {
                            let t = if to_utc {
                                crate::convert::utc_text(t)?
                            } else {
                                t.to_string()
                            };
                            Ok(match keep {
                                Some(k) => crate::convert::cut_fraction(&t, k).into_owned(),
                                None => t,
                            })
                        })
                        .transpose()
                    })
                    .collect::<anyhow::Result<StringArray>>()?;
                arrays.push(Arc::new(adapted));
            }
            _ => arrays.push(array.clone()),
        }
    }
    Ok(RecordBatch::try_new(schema, arrays)?)
}

/// Timestamps with a time zone (Arrow `Timestamp(unit, "UTC")`) as the same UTC instants
/// without one, for targets whose columns keep no offset: drivers bind them as plain timestamps
/// instead of text with an offset that the DBMS refuses (MariaDB in strict mode).
pub fn without_time_zones(batch: RecordBatch) -> anyhow::Result<RecordBatch> {
    let schema = batch.schema();
    if !schema
        .fields()
        .iter()
        .any(|f| matches!(f.data_type(), DataType::Timestamp(_, Some(_))))
    {
        return Ok(batch);
    }
    let mut fields = Vec::with_capacity(schema.fields().len());
    let mut arrays: Vec<ArrayRef> = Vec::with_capacity(schema.fields().len());
    for (field, array) in schema.fields().iter().zip(batch.columns()) {
        match field.data_type() {
            DataType::Timestamp(unit, Some(_)) => {
                let naive = DataType::Timestamp(*unit, None);
                // The values are UTC instants either way; only the type's time zone goes.
                let data = array
                    .to_data()
                    .into_builder()
                    .data_type(naive.clone())
                    .build()?;
                arrays.push(arrow_odbc::arrow::array::make_array(data));
                fields.push(Field::new(field.name(), naive, field.is_nullable()));
            }
            _ => {
                arrays.push(array.clone());
                fields.push(field.as_ref().clone());
            }
        }
    }
    Ok(RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)?)
}

/// Warnings about reading a column type from any source.
pub fn common_source_warnings(column_type: &ColumnType) -> Vec<String> {
    match column_type {
        ColumnType::TimestampTz { precision } if *precision <= 6 => vec![
            "time zone offsets are normalised to UTC: the instant is kept, the offset not".into(),
        ],
        t if t.carried_as_text() => vec![
            "more than 6 fractional digits: carried as its text (Arrow and Parquet timestamps \
             hold microseconds, or nanoseconds only for 1677-2262)"
                .into(),
        ],
        _ => Vec::new(),
    }
}
