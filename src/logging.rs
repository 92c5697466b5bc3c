//! Console (and optional rotating file) logging through env_logger, with secrets masked.
//!
//! Every line passes through [`secrets::redact`]: passwords never reach the console or the log
//! file, whatever level is set and whatever a driver echoes back.

use std::{
    io::{self, Write},
    sync::Mutex,
};

use anyhow::Context;
use file_rotate::{ContentLimit, FileRotate, compression::Compression, suffix::AppendCount};

use crate::config::{LogSettings, secrets};

/// Writes each formatted line to stderr and, when configured, the rotating log file.
struct Tee {
    file: Option<Mutex<FileRotate<AppendCount>>>,
}

impl Write for Tee {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        io::stderr().write_all(buf)?;
        if let Some(file) = &self.file {
            let mut f = file.lock().unwrap_or_else(|e| e.into_inner());
            f.write_all(buf)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stderr().flush()?;
        if let Some(file) = &self.file {
            file.lock().unwrap_or_else(|e| e.into_inner()).flush()?;
        }
        Ok(())
    }
}

/// Starts logging at `settings.level` (or `level`, when the command line overrides it). With
/// `progress_bars`, progress is shown as bars on the terminal and every log line is printed
/// above them, so lines never break a bar.
pub fn init(
    settings: &LogSettings,
    level: Option<log::LevelFilter>,
    progress_bars: bool,
) -> anyhow::Result<()> {
    let file = if settings.to_file {
        if let Some(dir) = settings.file.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| {
                format!("LOG_FILE: cannot create the directory {}", dir.display())
            })?;
        }
        Some(Mutex::new(FileRotate::new(
            &settings.file,
            AppendCount::new(settings.backup_count),
            ContentLimit::BytesSurpassed(settings.rotate_bytes.max(1) as usize),
            Compression::None,
            None,
        )))
    } else {
        None
    };
    let level = level.unwrap_or(settings.level);
    let logger = env_logger::Builder::new()
        // Other crates (odbc-api echoes every driver notice as a warning) only when debugging.
        .filter_level(if level >= log::LevelFilter::Debug {
            log::LevelFilter::Warn
        } else {
            log::LevelFilter::Error
        })
        .filter_module("source_to_staging", level)
        .format(|buf, record| {
            let message = secrets::redact(&record.args().to_string());
            writeln!(
                buf,
                "{} {:<5} {message}",
                buf.timestamp_millis(),
                record.level()
            )
        })
        .target(env_logger::Target::Pipe(Box::new(Tee { file })))
        .build();
    let max = logger.filter();
    if progress_bars {
        let bars = crate::report::enable_progress_bars();
        indicatif_log_bridge::LogWrapper::new(bars, logger)
            .try_init()
            .context("logging was already initialised")?;
    } else {
        log::set_boxed_logger(Box::new(logger)).context("logging was already initialised")?;
    }
    log::set_max_level(max);
    Ok(())
}
