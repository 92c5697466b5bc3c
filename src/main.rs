//! The command line: parse arguments, load settings, call the library, map the outcome to an exit
//! status (0 every table copied, 1 a table failed, 2 configuration or usage error).

use std::{io::IsTerminal, path::PathBuf, process::ExitCode};

use clap::{Args, Parser, Subcommand};
use source_to_staging::{
    ConfigError, ConfigSources, RawValues, Settings, check,
    config::{Purpose, Side, secrets},
    interrupt, logging, odbc,
    report::JsonReport,
    transfer,
};

/// Copy application tables into a staging schema, through ODBC on both sides.
#[derive(Parser, Debug)]
#[command(name = "source-to-staging", version, about, long_about = None)]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    command: Option<Command>,
}

/// Options every command takes. Settings given here beat the INI file and the environment.
#[derive(Args, Debug, Default)]
struct Common {
    /// INI file with [database-source], [database-destination], [settings] and [logging]
    #[arg(short, long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Set any configuration key (repeatable), e.g. --set ROW_LIMIT=1000
    #[arg(long = "set", global = true, value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Tables to copy, comma-separated (SRC_TABLES)
    #[arg(long, global = true, value_name = "LIST")]
    tables: Option<String>,
    /// DIRECT or DUMP (TRANSFER_MODE)
    #[arg(long, global = true)]
    mode: Option<String>,
    /// replace, truncate or append (WRITE_MODE)
    #[arg(long, global = true)]
    write_mode: Option<String>,
    /// At most this many rows per table (ROW_LIMIT)
    #[arg(long, global = true, value_name = "ROWS")]
    row_limit: Option<String>,
    /// Rows per batch and per Parquet file (SRC_CHUNK_SIZE)
    #[arg(long, global = true, value_name = "ROWS")]
    chunk_size: Option<String>,
    /// Schema to read from (SRC_SCHEMA)
    #[arg(long, global = true)]
    src_schema: Option<String>,
    /// Staging schema to write into (DST_SCHEMA)
    #[arg(long, global = true)]
    dst_schema: Option<String>,
    /// ERROR, WARNING, INFO, DEBUG or TRACE (LOG_LEVEL)
    #[arg(long, global = true)]
    log_level: Option<String>,
    /// More output (-v debug, -vv trace)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    /// Only warnings and errors (and no progress bars)
    #[arg(short, long, global = true)]
    quiet: bool,
    /// Write a JSON run report to FILE (per table: source, target, rows, seconds, status, error)
    #[arg(long, global = true, value_name = "FILE")]
    report: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Copy the configured tables (the default command)
    Run,
    /// Step 1 of DUMP only: the tables into Parquet files and a manifest; prints the manifest's path
    Dump,
    /// Step 2 of DUMP only: the Parquet files a manifest names into the target
    Load {
        /// The manifest written by `dump` (its files are looked up next to it)
        #[arg(long, value_name = "PATH")]
        manifest: PathBuf,
    },
    /// Connect to both sides, validate the settings, and print per table the source columns,
    /// their Arrow type and the target columns with the DDL, plus warnings; writes nothing
    Check,
    /// List the ODBC drivers the driver manager knows (names for SRC_DRIVER / DST_DRIVER)
    Drivers,
    /// List the ODBC data sources (names for SRC_DSN / DST_DSN)
    Dsns,
}

impl Common {
    fn overrides(&self) -> Result<Vec<(String, String)>, ConfigError> {
        let mut pairs = Vec::new();
        for item in &self.set {
            let Some((k, v)) = item.split_once('=') else {
                return Err(ConfigError::new(format!(
                    "--set {item}: expected KEY=VALUE, e.g. --set ROW_LIMIT=1000"
                )));
            };
            pairs.push((k.trim().to_string(), v.to_string()));
        }
        let flags = [
            ("SRC_TABLES", &self.tables),
            ("TRANSFER_MODE", &self.mode),
            ("WRITE_MODE", &self.write_mode),
            ("ROW_LIMIT", &self.row_limit),
            ("SRC_CHUNK_SIZE", &self.chunk_size),
            ("SRC_SCHEMA", &self.src_schema),
            ("DST_SCHEMA", &self.dst_schema),
            ("LOG_LEVEL", &self.log_level),
        ];
        for (key, value) in flags {
            if let Some(v) = value {
                pairs.push((key.to_string(), v.clone()));
            }
        }
        Ok(pairs)
    }

    fn level_override(&self) -> Option<log::LevelFilter> {
        match (self.quiet, self.verbose) {
            (true, _) => Some(log::LevelFilter::Warn),
            (false, 0) => None,
            (false, 1) => Some(log::LevelFilter::Debug),
            (false, _) => Some(log::LevelFilter::Trace),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Run) {
        Command::Run => run(&cli.common, Action::Run),
        Command::Dump => run(&cli.common, Action::Dump),
        Command::Load { manifest } => run(&cli.common, Action::Load(manifest)),
        Command::Check => run(&cli.common, Action::Check),
        Command::Drivers => list(odbc::installed_drivers().map(|d| d.into_iter().collect())),
        Command::Dsns => list(odbc::data_sources().map(|d| {
            d.into_iter()
                .map(|(name, driver)| format!("{name}\t{driver}"))
                .collect()
        })),
    }
}

fn list(items: anyhow::Result<Vec<String>>) -> ExitCode {
    match items {
        Ok(items) => {
            for item in items {
                println!("{item}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

/// What `run` does once the settings are loaded.
enum Action {
    Run,
    Dump,
    Load(PathBuf),
    Check,
}

fn run(common: &Common, action: Action) -> ExitCode {
    // .env in the working directory fills the environment, never overriding it.
    if let Err(e) = dotenvy::from_path(".env")
        && !e.not_found()
    {
        return fail(&ConfigError::new(format!("cannot read .env: {e}")).into());
    }
    let purpose = match action {
        Action::Load(_) => Purpose::Load,
        _ => Purpose::Copy,
    };
    let settings = match load_settings(common, purpose) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let bars = std::io::stderr().is_terminal() && !common.quiet && !matches!(action, Action::Check);
    if let Err(e) = logging::init(&settings.logging, common.level_override(), bars) {
        return fail(&e);
    }
    if let Err(e) = interrupt::install() {
        log::warn!("Ctrl-C will stop the run abruptly: {e}");
    }
    if matches!(action, Action::Check) {
        return match check::check(&settings) {
            Ok(report) => {
                println!("{report}");
                ExitCode::from(report.exit_code() as u8)
            }
            Err(e) => fail(&e),
        };
    }
    let summary_on_stdout = !matches!(action, Action::Dump);
    let command = match action {
        Action::Dump => "dump",
        Action::Load(_) => "load",
        _ => "run",
    };
    let started = chrono::Utc::now();
    let outcome = match action {
        Action::Run | Action::Check => transfer::run(&settings),
        Action::Load(manifest) => transfer::load(&settings, &manifest),
        Action::Dump => transfer::dump(&settings).map(|dumped| {
            // The manifest's path is the only thing on standard output, for scripts.
            eprintln!("{}", dumped.report);
            if let Some(path) = &dumped.manifest_path {
                println!("{}", path.display());
            }
            dumped.report
        }),
    };
    let code = match &outcome {
        Ok(report) => {
            if summary_on_stdout {
                println!("{report}");
            }
            report.exit_code()
        }
        Err(e) => exit_status(e),
    };
    if let Some(path) = &common.report {
        let json = JsonReport {
            command,
            transfer_mode: settings.transfer_mode.to_string(),
            write_mode: settings.write_mode.to_string(),
            started_at: started.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            finished_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            exit_status: code,
            error: outcome
                .as_ref()
                .err()
                .map(|e| secrets::redact(&format!("{e:#}"))),
            tables: outcome
                .as_ref()
                .map(|r| r.json_tables())
                .unwrap_or_default(),
        };
        if let Err(e) = write_report(path, &json) {
            eprintln!(
                "error: cannot write the run report {}: {e:#}",
                path.display()
            );
        }
    }
    match outcome {
        Ok(_) => ExitCode::from(code as u8),
        Err(e) => fail(&e),
    }
}

/// Writes the JSON run report atomically (temporary file, then rename).
fn write_report(path: &std::path::Path, report: &JsonReport<'_>) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, serde_json::to_string_pretty(report)? + "\n")?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

fn load_settings(common: &Common, purpose: Purpose) -> anyhow::Result<Settings> {
    let sources = ConfigSources {
        config_file: common.config.clone(),
        overrides: common.overrides()?,
        environment: true,
    };
    let mut raw = RawValues::load(&sources)?;
    for key in &raw.unknown_keys {
        eprintln!("warning: unknown configuration key {key} is ignored");
    }
    if Settings::from_values_for(&raw, purpose)?.ask_password {
        ask_passwords(&mut raw)?;
    }
    Ok(Settings::from_values_for(&raw, purpose)?)
}

/// Prompts for both passwords with hidden input; a blank answer keeps the configured value.
fn ask_passwords(raw: &mut RawValues) -> anyhow::Result<()> {
    if !std::io::stdin().is_terminal() {
        return Err(ConfigError::new(
            "ASK_PASSWORD_IN_CLI = true, but there is no terminal to ask on; set the passwords \
             in the configuration or the environment, or set ASK_PASSWORD_IN_CLI = false",
        )
        .into());
    }
    for side in [Side::Source, Side::Target] {
        let key = format!("{}_PASSWORD", side.prefix());
        let answer = rpassword::prompt_password(format!(
            "Password for the {} (blank keeps the configured one): ",
            side.name()
        ))?;
        if !answer.is_empty() {
            secrets::register(&answer);
            raw.set(&key, answer, "password prompt");
        }
    }
    Ok(())
}

/// Prints the error (secrets masked) and returns its exit status.
fn fail(error: &anyhow::Error) -> ExitCode {
    let message = secrets::redact(&format!("{error:#}"));
    eprintln!("error: {message}");
    ExitCode::from(exit_status(error) as u8)
}

/// 2 for configuration errors, else 1.
fn exit_status(error: &anyhow::Error) -> i32 {
    if error.downcast_ref::<ConfigError>().is_some() {
        2
    } else {
        1
    }
}
