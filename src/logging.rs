//! Console (and optional rotating file) logging through env_logger, with secrets masked.
//!
//! Every line passes through [`secrets::redact`]: passwords never reach the console or the log
//! file, whatever level is set and whatever a driver echoes back. The file gets what the console
//! gets, plus the summary that goes to standard output ([`to_file_only`]). `LOG_FORMAT` takes the
//! Python tool's format strings (`%(asctime)s - %(levelname)s - %(message)s`).

use std::{
    io::{self, Write},
    sync::{Arc, Mutex, OnceLock},
};

use anyhow::Context;
use file_rotate::{ContentLimit, FileRotate, compression::Compression, suffix::AppendCount};

use crate::config::{LogSettings, secrets};

type LogFile = Arc<Mutex<FileRotate<AppendCount>>>;

/// The log file, when `LOG_TO_FILE`.
static FILE: OnceLock<LogFile> = OnceLock::new();

/// Writes `text` (masked) into the log file only, when there is one: what the console gets on
/// standard output rather than through the log (the summary, `check`'s report).
pub fn to_file_only(text: &str) {
    if let Some(file) = FILE.get() {
        let mut f = file.lock().unwrap_or_else(|e| e.into_inner());
        let _ = writeln!(f, "{}", secrets::redact(text));
        let _ = f.flush();
    }
}

/// Writes each formatted line to stderr and, when configured, the rotating log file.
struct Tee {
    file: Option<LogFile>,
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
        let problem = |why: String| {
            anyhow::Error::new(crate::ConfigError::new(format!(
                "LOG_FILE = '{}': {why}; choose a file in a folder this user may write to",
                settings.file.display()
            )))
        };
        if let Some(dir) = settings.file.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::files::create_dir_all(dir).map_err(|e| {
                problem(format!("cannot create the folder {} ({e})", dir.display()))
            })?;
        }
        if settings.file.is_dir() {
            return Err(problem("that is a folder, not a file".into()));
        }
        // file-rotate would swallow this error and log nowhere.
        crate::files::refuse_link(&settings.file).map_err(|e| problem(e.to_string()))?;
        // Backups from before files were the owner's only become so too.
        for n in 1..=settings.backup_count {
            let backup = std::path::PathBuf::from(format!("{}.{n}", settings.file.display()));
            if let Ok(file) = std::fs::File::open(&backup) {
                let _ = crate::files::restrict(&file);
            }
        }
        let opened = crate::files::options()
            .create(true)
            .append(true)
            .open(&settings.file)
            .map_err(|e| problem(format!("cannot open it for writing ({e})")))?;
        crate::files::restrict(&opened)
            .map_err(|e| problem(format!("cannot make it the owner's only ({e})")))?;
        // New files after a rotation are the owner's only too (file-rotate asks for read,
        // create and append).
        let mut rotated = crate::files::options();
        rotated.read(true).create(true).append(true);
        let file = Arc::new(Mutex::new(FileRotate::new(
            &settings.file,
            AppendCount::new(settings.backup_count),
            ContentLimit::BytesSurpassed(settings.rotate_bytes.max(1) as usize),
            Compression::None,
            Some(rotated),
        )));
        let _ = FILE.set(file.clone());
        Some(file)
    } else {
        None
    };
    let format = settings.format.clone();
    let level = level.unwrap_or(settings.level);
    let logger = env_logger::Builder::new()
        // Other crates (odbc-api echoes every driver notice as a warning) only when debugging.
        .filter_level(if level >= log::LevelFilter::Debug {
            log::LevelFilter::Warn
        } else {
            log::LevelFilter::Error
        })
        .filter_module("source_to_staging", level)
        .format(move |buf, record| {
            let message = secrets::redact(&record.args().to_string());
            match &format {
                Some(format) => writeln!(buf, "{}", python_format(format, record, &message)),
                None => writeln!(
                    buf,
                    "{} {:<5} {message}",
                    buf.timestamp_millis(),
                    record.level()
                ),
            }
        })
        .target(env_logger::Target::Pipe(Box::new(Tee { file })))
        .build();
    let max = logger.filter();
    if progress_bars {
        let bars = crate::progress::enable_progress_bars();
        indicatif_log_bridge::LogWrapper::new(bars, logger)
            .try_init()
            .context("logging was already initialised")?;
    } else {
        log::set_boxed_logger(Box::new(logger)).context("logging was already initialised")?;
    }
    log::set_max_level(max);
    Ok(())
}

/// A log line in the Python tool's `LOG_FORMAT`: `%(asctime)s`, `%(levelname)s`, `%(name)s`,
/// `%(message)s` (and `%(levelname)-8s`-style widths; `%%` is a percent sign). Other
/// placeholders are kept as they are.
pub fn python_format(format: &str, record: &log::Record<'_>, message: &str) -> String {
    // An INI file read by configparser with interpolation had to write `%%(asctime)s`: the same.
    let unescaped;
    let format = if format.contains("%%(") {
        unescaped = format.replace("%%", "%");
        unescaped.as_str()
    } else {
        format
    };
    let level = match record.level() {
        log::Level::Error => "ERROR",
        log::Level::Warn => "WARNING",
        log::Level::Info => "INFO",
        log::Level::Debug | log::Level::Trace => "DEBUG",
    };
    // Python's default asctime: 2026-11-26 02:15:01,123 (local time).
    let asctime = chrono::Local::now()
        .format("%Y-%m-%d %H:%M:%S,%3f")
        .to_string();
    let mut out = String::with_capacity(format.len() + message.len());
    let mut rest = format;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if let Some(after) = rest.strip_prefix("%%") {
            out.push('%');
            rest = after;
            continue;
        }
        let parsed = rest.strip_prefix("%(").and_then(|r| {
            let close = r.find(')')?;
            let name = &r[..close];
            let spec = &r[close + 1..];
            let conv = spec.find(|c: char| c.is_ascii_alphabetic())?;
            let width = &spec[..conv];
            if !width
                .chars()
                .all(|c| c.is_ascii_digit() || c == '-' || c == '.')
            {
                return None;
            }
            Some((name, width, 2 + close + 1 + conv + 1))
        });
        let Some((name, width, len)) = parsed else {
            out.push('%');
            rest = &rest[1..];
            continue;
        };
        let value = match name {
            "asctime" => asctime.clone(),
            "levelname" => level.to_string(),
            "name" => record.target().replace("::", "."),
            "message" => message.to_string(),
            "module" => record
                .module_path()
                .unwrap_or_default()
                .rsplit("::")
                .next()
                .unwrap_or_default()
                .to_string(),
            "process" => std::process::id().to_string(),
            "lineno" => record.line().unwrap_or(0).to_string(),
            "msecs" => format!("{:03}", chrono::Local::now().timestamp_subsec_millis()),
            "filename" | "pathname" => record.file().unwrap_or_default().to_string(),
            "threadName" => std::thread::current().name().unwrap_or("main").to_string(),
            "levelno" => match record.level() {
                log::Level::Error => "40",
                log::Level::Warn => "30",
                log::Level::Info => "20",
                _ => "10",
            }
            .to_string(),
            _ => rest[..len].to_string(),
        };
        let (left, digits) = match width.strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, width),
        };
        let w: usize = digits.split('.').next().unwrap_or("").parse().unwrap_or(0);
        if left {
            out.push_str(&format!("{value:<w$}"));
        } else {
            out.push_str(&format!("{value:>w$}"));
        }
        rest = &rest[len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests;
