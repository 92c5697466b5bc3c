//! Parquet part files: one table's batches written into files of `SRC_CHUNK_SIZE` rows, and read
//! back in batches of about `BATCH_MEMORY_MB`.

use std::{
    fs::{self, File},
    path::{Path, PathBuf},
};

use anyhow::{Context, bail};
use arrow_odbc::arrow::{datatypes::SchemaRef, record_batch::RecordBatch};
use parquet::{
    arrow::{ArrowWriter, arrow_reader::ParquetRecordBatchReaderBuilder},
    basic::{Compression, ZstdLevel},
    file::properties::WriterProperties,
};

use sha2::Digest;

use super::manifest::PartFile;

/// The stem of `table`'s part file names, which no other table's can equal, also ignoring case
/// (Windows): the name itself when it is plain (ASCII lower-case letters, digits, `_` and `-`,
/// at most [`MAX_PLAIN_STEM`] characters); otherwise a readable form (lower case, each other
/// character as `_`, shortened) followed by `~` and 16 hex digits of the exact name's SHA-256.
/// A plain stem has no `~`, so it never equals one of the others; two others differ in their
/// hash. (`a/b` and `a_b` wrote the same files when `/` just became `_`.)
pub fn file_stem(table: &str) -> String {
    let plain = table.len() <= MAX_PLAIN_STEM
        && !table.is_empty()
        && table
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
    if plain {
        return table.to_string();
    }
    let readable: String = table
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(MAX_PLAIN_STEM / 2)
        .collect();
    let hash = sha2::Sha256::digest(table.as_bytes());
    format!("{readable}~{}", hex::encode(&hash[..8]))
}

/// The longest table name used as it is in file names (file names have at most 255 bytes).
const MAX_PLAIN_STEM: usize = 100;

pub(super) fn part_name(stem: &str, index: usize, digits: usize) -> String {
    format!("{stem}_part{index:0digits$}.parquet")
}

/// Digits of the part number: four, more when the table needs more than 10,000 files.
pub(super) fn digits_for(files: u64) -> usize {
    let mut digits = 4;
    while files > 10u64.pow(digits as u32) {
        digits += 1;
    }
    digits
}

/// Writes one table's batches into part files of `chunk` rows each.
pub struct PartWriter {
    dir: PathBuf,
    stem: String,
    schema: SchemaRef,
    chunk: u64,
    digits: usize,
    current: Option<ArrowWriter<File>>,
    rows_in_current: u64,
    files: Vec<PartFile>,
}

impl PartWriter {
    /// Starts writing `table` into `dir`; `expected_rows` (the row count, when known) decides
    /// the width of the part number.
    pub fn new(
        dir: &Path,
        table: &str,
        schema: SchemaRef,
        chunk: usize,
        expected_rows: Option<u64>,
    ) -> Self {
        let chunk = chunk.max(1) as u64;
        let files = expected_rows.map_or(1, |r| r.div_ceil(chunk).max(1));
        PartWriter {
            dir: dir.to_path_buf(),
            stem: file_stem(table),
            schema,
            chunk,
            digits: digits_for(files),
            current: None,
            rows_in_current: 0,
            files: Vec::new(),
        }
    }

    fn properties(&self) -> anyhow::Result<WriterProperties> {
        Ok(WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::try_new(3)?))
            .set_max_row_group_row_count(Some(self.chunk as usize))
            .set_created_by(format!("source-to-staging {}", env!("CARGO_PKG_VERSION")))
            .build())
    }

    fn open_next(&mut self) -> anyhow::Result<()> {
        let name = part_name(&self.stem, self.files.len(), self.digits);
        let path = self.dir.join(&name);
        let file = crate::files::create(&path)
            .with_context(|| format!("cannot create the Parquet file {}", path.display()))?;
        self.current = Some(ArrowWriter::try_new(
            file,
            self.schema.clone(),
            Some(self.properties()?),
        )?);
        self.files.push(PartFile {
            file: name,
            rows: 0,
        });
        self.rows_in_current = 0;
        Ok(())
    }

    fn close_current(&mut self) -> anyhow::Result<()> {
        if let Some(writer) = self.current.take() {
            writer.close()?;
            if let Some(last) = self.files.last_mut() {
                last.rows = self.rows_in_current;
            }
        }
        Ok(())
    }

    /// Appends a batch, starting a new file every `chunk` rows.
    pub fn write(&mut self, batch: &RecordBatch) -> anyhow::Result<()> {
        let mut offset = 0;
        let total = batch.num_rows();
        while offset < total {
            if self.current.is_none() || self.rows_in_current == self.chunk {
                self.close_current()?;
                self.open_next()?;
            }
            let room = (self.chunk - self.rows_in_current) as usize;
            let take = room.min(total - offset);
            let slice = batch.slice(offset, take);
            self.current
                .as_mut()
                .expect("a part file is open")
                .write(&slice)?;
            self.rows_in_current += take as u64;
            offset += take;
        }
        Ok(())
    }

    /// Closes the last file and returns the files in order. An empty table still gets one
    /// (empty) file, which carries its schema. When the table grew past the row count the part
    /// number's width was chosen for, the files are renamed to the wider width.
    pub fn finish(mut self) -> anyhow::Result<Vec<PartFile>> {
        if self.files.is_empty() {
            self.open_next()?;
        }
        self.close_current()?;
        let needed = digits_for(self.files.len() as u64);
        if needed > self.digits {
            for (i, part) in self.files.iter_mut().enumerate() {
                let wider = part_name(&self.stem, i, needed);
                fs::rename(self.dir.join(&part.file), self.dir.join(&wider))?;
                part.file = wider;
            }
        }
        Ok(std::mem::take(&mut self.files))
    }

    /// Gives up: removes the files written so far.
    pub fn abandon(mut self) {
        self.current = None;
        for part in &self.files {
            let _ = fs::remove_file(self.dir.join(&part.file));
        }
        self.files.clear();
    }
}

/// Reads the part files in order and hands every batch to `send`, which returns `false` to stop.
/// Batches hold at most `max_rows` rows and, judged by the file's uncompressed size plus a
/// per-value overhead, about `batch_memory` bytes. Checks each file's row count against the manifest.
pub fn read_parts(
    dir: &Path,
    files: &[PartFile],
    max_rows: usize,
    batch_memory: usize,
    mut send: impl FnMut(RecordBatch) -> anyhow::Result<bool>,
) -> anyhow::Result<()> {
    for part in files {
        let path = dir.join(&part.file);
        let file = File::open(&path)
            .with_context(|| format!("cannot open the Parquet file {}", path.display()))?;
        let builder = ParquetRecordBatchReaderBuilder::try_new(file)
            .with_context(|| format!("{} is not a readable Parquet file", path.display()))?;
        let meta = builder.metadata().file_metadata();
        let bytes: i64 = builder
            .metadata()
            .row_groups()
            .iter()
            .map(|g| g.total_byte_size())
            .sum();
        let row_bytes = (bytes.max(1) as u64 / meta.num_rows().max(1) as u64).max(1) as usize;
        // Decoded arrays and the insert's own copy cost more than the encoded size: count the
        // same per-value overhead as a fetch from a database, so batches match DIRECT's.
        let columns = meta.schema_descr().num_columns();
        let row_cost = row_bytes * crate::read::COPIES_IN_FLIGHT
            + columns * crate::read::BYTES_PER_VALUE_OVERHEAD;
        let rows = (batch_memory / row_cost).clamp(1, max_rows.max(1));
        let reader = builder.with_batch_size(rows).build()?;
        let mut rows = 0u64;
        for batch in reader {
            let batch = batch.with_context(|| format!("reading {}", path.display()))?;
            rows += batch.num_rows() as u64;
            if !send(batch)? {
                return Ok(());
            }
        }
        if rows != part.rows {
            bail!(
                "{} holds {rows} rows, the manifest says {}; the file was changed or replaced",
                path.display(),
                part.rows
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_odbc::arrow::{
        array::{AsArray, Int64Array, StringArray},
        datatypes::{DataType, Field, Int64Type, Schema},
    };
    use parquet::file::reader::{FileReader, SerializedFileReader};

    use super::*;

    fn schema() -> SchemaRef {
        Arc::new(Schema::new(vec![
            Field::new("id", DataType::Int64, false),
            Field::new("v", DataType::Utf8, true),
        ]))
    }

    fn batch(ids: std::ops::Range<i64>) -> RecordBatch {
        let v: StringArray = ids.clone().map(|i| Some(format!("rij {i}"))).collect();
        RecordBatch::try_new(
            schema(),
            vec![Arc::new(Int64Array::from_iter_values(ids)), Arc::new(v)],
        )
        .unwrap()
    }

    fn ids(batches: &[RecordBatch]) -> Vec<i64> {
        batches
            .iter()
            .flat_map(|b| b.column(0).as_primitive::<Int64Type>().values().to_vec())
            .collect()
    }

    /// Reads `files` back; returns the batches.
    fn read_back(
        dir: &Path,
        files: &[PartFile],
        max_rows: usize,
        memory: usize,
    ) -> anyhow::Result<Vec<RecordBatch>> {
        let mut batches = Vec::new();
        read_parts(dir, files, max_rows, memory, |b| {
            batches.push(b);
            Ok(true)
        })?;
        Ok(batches)
    }

    #[test]
    fn batches_are_cut_into_files_of_chunk_rows_and_read_back_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut writer = PartWriter::new(dir.path(), "t", schema(), 3, Some(7));
        writer.write(&batch(0..5)).unwrap();
        writer.write(&batch(5..7)).unwrap();
        writer.write(&batch(7..7)).unwrap();
        let files = writer.finish().unwrap();
        let written: Vec<(&str, u64)> = files.iter().map(|f| (f.file.as_str(), f.rows)).collect();
        assert_eq!(
            written,
            [
                ("t_part0000.parquet", 3),
                ("t_part0001.parquet", 3),
                ("t_part0002.parquet", 1)
            ]
        );
        // Standard Parquet: zstd, one row group per file, and who wrote it.
        for part in &files {
            let reader =
                SerializedFileReader::new(File::open(dir.path().join(&part.file)).unwrap())
                    .unwrap();
            let meta = reader.metadata();
            assert_eq!(meta.num_row_groups(), 1, "{}", part.file);
            assert_eq!(meta.file_metadata().num_rows() as u64, part.rows);
            assert!(matches!(
                meta.row_group(0).column(0).compression(),
                Compression::ZSTD(_)
            ));
            assert!(
                meta.file_metadata()
                    .created_by()
                    .is_some_and(|c| c.starts_with("source-to-staging "))
            );
        }
        // Read back at most 2 rows per batch: the rows in order, each file's batches apart.
        let batches = read_back(dir.path(), &files, 2, usize::MAX).unwrap();
        let sizes: Vec<usize> = batches.iter().map(RecordBatch::num_rows).collect();
        assert_eq!(sizes, [2, 1, 2, 1, 1]);
        assert_eq!(ids(&batches), (0..7).collect::<Vec<_>>());
        assert_eq!(batches[4].column(1).as_string::<i32>().value(0), "rij 6");
        // The receiver may stop the reading.
        let mut seen = 0;
        read_parts(dir.path(), &files, 10, usize::MAX, |_| {
            seen += 1;
            Ok(false)
        })
        .unwrap();
        assert_eq!(seen, 1);
    }

    #[test]
    fn batches_read_back_are_as_large_as_the_memory_allows() {
        let dir = tempfile::tempdir().unwrap();
        let mut writer = PartWriter::new(dir.path(), "m", schema(), 1000, Some(1000));
        writer.write(&batch(0..1000)).unwrap();
        let files = writer.finish().unwrap();
        let reader =
            SerializedFileReader::new(File::open(dir.path().join(&files[0].file)).unwrap())
                .unwrap();
        // The contract: a row costs its share of the uncompressed size, times the copies in
        // flight, plus the per-value overhead of every column.
        let bytes = reader.metadata().row_group(0).total_byte_size() as usize;
        let row_cost = (bytes / 1000).max(1) * crate::read::COPIES_IN_FLIGHT
            + 2 * crate::read::BYTES_PER_VALUE_OVERHEAD;
        for (memory, rows) in [(row_cost * 7, 7), (row_cost * 7 + row_cost - 1, 7), (0, 1)] {
            let batches = read_back(dir.path(), &files, 500, memory).unwrap();
            assert_eq!(batches[0].num_rows(), rows, "memory {memory}");
            assert_eq!(ids(&batches), (0..1000).collect::<Vec<_>>());
        }
        // And never more than max_rows.
        let batches = read_back(dir.path(), &files, 300, usize::MAX).unwrap();
        assert_eq!(batches[0].num_rows(), 300);
    }

    #[test]
    fn an_empty_table_gets_one_empty_file_and_a_changed_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let files = PartWriter::new(dir.path(), "leeg", schema(), 10, Some(0))
            .finish()
            .unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(
            (files[0].file.as_str(), files[0].rows),
            ("leeg_part0000.parquet", 0)
        );
        assert!(ids(&read_back(dir.path(), &files, 10, usize::MAX).unwrap()).is_empty());
        // A file with other rows than the manifest says.
        let mut writer = PartWriter::new(dir.path(), "t", schema(), 10, Some(3));
        writer.write(&batch(0..3)).unwrap();
        let mut files = writer.finish().unwrap();
        files[0].rows = 4;
        let error = read_back(dir.path(), &files, 10, usize::MAX).unwrap_err();
        assert!(
            error.to_string().ends_with(
                "t_part0000.parquet holds 3 rows, the manifest says 4; the file was changed or replaced"
            ),
            "{error}"
        );
    }

    #[test]
    fn a_table_that_outgrew_its_part_numbers_gets_wider_names_and_abandoned_files_go() {
        let dir = tempfile::tempdir().unwrap();
        let mut writer = PartWriter::new(dir.path(), "t", schema(), 1, Some(3));
        writer.digits = 1;
        writer.write(&batch(0..3)).unwrap();
        assert!(dir.path().join("t_part2.parquet").exists());
        let files = writer.finish().unwrap();
        let names: Vec<&str> = files.iter().map(|f| f.file.as_str()).collect();
        assert_eq!(
            names,
            [
                "t_part0000.parquet",
                "t_part0001.parquet",
                "t_part0002.parquet"
            ]
        );
        for name in names {
            assert!(dir.path().join(name).exists(), "{name}");
        }
        assert!(!dir.path().join("t_part2.parquet").exists());
        let mut writer = PartWriter::new(dir.path(), "weg", schema(), 2, None);
        writer.write(&batch(0..5)).unwrap();
        assert!(dir.path().join("weg_part0002.parquet").exists());
        writer.abandon();
        let left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("weg"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn a_long_name_of_wide_characters_still_makes_a_file_name() {
        let name = "表".repeat(300);
        let stem = file_stem(&name);
        assert!(stem.starts_with(&"表".repeat(50)), "{stem}");
        assert!(part_name(&stem, 0, 4).len() <= 255);
    }
}
