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
