//! The command line: parse arguments, load settings, call the library, map the outcome to an exit
//! status (0 every table copied, 1 a table failed, 2 configuration or usage error).

use std::{io::IsTerminal, path::PathBuf, process::ExitCode};

use clap::{Args, Parser, Subcommand};
use source_to_staging::{
    ConfigError, ConfigSources, RawValues, RunReport, Settings, check, choose_driver,
    config::{Purpose, Side, TransferMode, secrets},
    data_sources, dump, installed_drivers, interrupt, load, logging,
    report::JsonReport,
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
    source_to_staging::allocator::tune();
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Run) {
        Command::Run => run(&cli.common, Action::Run),
        Command::Dump => run(&cli.common, Action::Dump),
        Command::Load { manifest } => run(&cli.common, Action::Load(manifest)),
        Command::Check => run(&cli.common, Action::Check),
        Command::Drivers => list(installed_drivers().map(|d| d.into_iter().collect())),
        Command::Dsns => list(data_sources().map(|d| {
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

impl Action {
    /// For the report.
    fn name(&self) -> &'static str {
        match self {
            Action::Run => "run",
            Action::Dump => "dump",
            Action::Load(_) => "load",
            Action::Check => "check",
        }
    }
}

/// What a run ended with.
enum Outcome {
    /// The tables' results.
    Report(RunReport),
    /// `check`'s exit status (its report was printed).
    Checked(i32),
}

/// One invocation: it always ends with the error (if any) in the log (and `LOG_FILE`), a last
/// line with the exit status, and the `--report` file, whatever stopped it.
struct Invocation<'a> {
    common: &'a Common,
    command: &'static str,
    started: chrono::DateTime<chrono::Utc>,
    logging: bool,
    raw: Option<RawValues>,
    /// `TRANSFER_MODE` and `WRITE_MODE` as the settings have them, once they parsed.
    modes: Option<(String, String)>,
}

fn run(common: &Common, action: Action) -> ExitCode {
    let mut invocation = Invocation {
        common,
        command: action.name(),
        started: chrono::Utc::now(),
        logging: false,
        raw: None,
        modes: None,
    };
    interrupt::set_report(
        common.report.clone(),
        invocation.command,
        &invocation
            .started
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    );
    let result = invocation.execute(action);
    let code = match &result {
        Ok(Outcome::Report(report)) => report.exit_code(),
        Ok(Outcome::Checked(code)) => *code,
        Err(e) => {
            invocation.error(e);
            exit_status(e)
        }
    };
    invocation.finish(code, &result);
    ExitCode::from(code as u8)
}

impl Invocation<'_> {
    fn execute(&mut self, action: Action) -> anyhow::Result<Outcome> {
        let common = self.common;
        load_dotenv(common.config.as_deref())?;
        let purpose = match action {
            Action::Load(_) => Purpose::Load,
            _ => Purpose::Copy,
        };
        let raw = match RawValues::load(&ConfigSources {
            config_file: common.config.clone(),
            overrides: common.overrides()?,
            environment: true,
        }) {
            Ok(raw) => raw,
            Err(e) => {
                // The file could not be read as a whole: its [logging] keys, line by line, so
                // that this error still reaches LOG_FILE.
                if let Some(path) = &common.config {
                    let fallback = RawValues::logging_of_unreadable(path);
                    let settings = Settings::logging_from(&fallback);
                    self.logging = logging::init(&settings, common.level_override(), false).is_ok();
                }
                return Err(e.into());
            }
        };
        self.raw = Some(raw.clone());
        // Logging first, from whatever of [logging] parses, so that every later problem (the
        // rest of the configuration included) reaches LOG_FILE too.
        let bars =
            std::io::stderr().is_terminal() && !common.quiet && !matches!(action, Action::Check);
        logging::init(&Settings::logging_from(&raw), common.level_override(), bars)?;
        self.logging = true;
        for note in &raw.notes {
            log::info!("{note}");
        }
        for warning in &raw.warnings {
            log::warn!("{warning}");
        }
        for key in &raw.unknown_keys {
            log::warn!("unknown configuration key {key} is ignored");
        }
        let settings = load_settings(raw, purpose)?;
        // `dump` and `load` are the two steps of DUMP, whatever TRANSFER_MODE says.
        let transfer_mode = match action {
            Action::Dump | Action::Load(_) => TransferMode::Dump,
            _ => settings.transfer_mode,
        };
        let modes = (transfer_mode.to_string(), settings.write_mode.to_string());
        interrupt::set_modes(&modes.0, &modes.1);
        self.modes = Some(modes);
        if let Err(e) = interrupt::install() {
            log::warn!("Ctrl-C will stop the run abruptly: {e}");
        }
        match action {
            Action::Check => {
                let report = check::check(&settings)?;
                println!("{report}");
                logging::to_file_only(&report.to_string());
                Ok(Outcome::Checked(report.exit_code()))
            }
            Action::Run => Ok(Outcome::Report(
                self.summary(source_to_staging::run(&settings)?),
            )),
            Action::Load(manifest) => {
                Ok(Outcome::Report(self.summary(load(&settings, &manifest)?)))
            }
            Action::Dump => {
                let dumped = dump(&settings)?;
                // The manifest's path is the only thing on standard output, for scripts.
                eprintln!("{}", dumped.report);
                logging::to_file_only(&dumped.report.to_string());
                if let Some(path) = &dumped.manifest_path {
                    println!("{}", path.display());
                }
                Ok(Outcome::Report(dumped.report))
            }
        }
    }

    /// Prints the summary on standard output (and into `LOG_FILE`).
    fn summary(&self, report: RunReport) -> RunReport {
        println!("{report}");
        logging::to_file_only(&report.to_string());
        report
    }

    /// Reports an error: in the log when logging runs (so LOG_FILE has it), else on stderr.
    fn error(&self, error: &anyhow::Error) {
        let message = secrets::redact(&format!("{error:#}"));
        if self.logging {
            log::error!("{message}");
        } else {
            eprintln!("error: {message}");
        }
    }

    /// The last line, and the `--report` file (written on every exit).
    fn finish(&self, code: i32, result: &anyhow::Result<Outcome>) {
        let setting = |key: &str, default: &str| {
            self.raw
                .as_ref()
                .and_then(|r| r.get(key))
                .unwrap_or(default)
                .to_string()
        };
        if let Some(path) = &self.common.report {
            let tables = match result {
                Ok(Outcome::Report(report)) => report.json_tables(),
                _ => Vec::new(),
            };
            // The settings' names for the modes; the text as given when they did not parse.
            let (transfer_mode, write_mode) = self.modes.clone().unwrap_or_else(|| {
                let transfer = setting("TRANSFER_MODE", "DIRECT").to_ascii_uppercase();
                let transfer = match transfer.as_str() {
                    "SQLALCHEMY_DIRECT" => "DIRECT".to_string(),
                    "SQLALCHEMY_DUMP" | "CONNECTORX_DUMP" => "DUMP".to_string(),
                    _ => transfer,
                };
                (
                    transfer,
                    setting("WRITE_MODE", "replace").to_ascii_lowercase(),
                )
            });
            let json = JsonReport {
                command: self.command,
                transfer_mode,
                write_mode,
                started_at: self
                    .started
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                finished_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                exit_status: code,
                error: result
                    .as_ref()
                    .err()
                    .map(|e| secrets::redact(&format!("{e:#}"))),
                tables,
            };
            if let Err(e) = source_to_staging::report::write_json(path, &json) {
                let message = format!("cannot write the run report {}: {e:#}", path.display());
                if self.logging {
                    log::error!("{message}");
                } else {
                    eprintln!("error: {message}");
                }
            }
        }
        if self.logging {
            log::info!("{} finished with exit status {code}", self.command);
        }
    }
}

/// Reads `.env` beside the INI file and in the working directory into the environment; neither
/// overrides a variable that is already set (so the one beside the INI file wins).
fn load_dotenv(config: Option<&std::path::Path>) -> anyhow::Result<()> {
    let beside = config
        .and_then(|c| c.parent())
        .map(|dir| {
            if dir.as_os_str().is_empty() {
                std::path::Path::new(".")
            } else {
                dir
            }
        })
        .map(|dir| dir.join(".env"));
    for path in beside.into_iter().chain([PathBuf::from(".env")]) {
        if let Err(e) = dotenvy::from_path(&path)
            && !e.not_found()
        {
            return Err(ConfigError::new(format!("cannot read {}: {e}", path.display())).into());
        }
    }
    Ok(())
}

fn load_settings(mut raw: RawValues, purpose: Purpose) -> anyhow::Result<Settings> {
    let first =
        Settings::from_values_for(&raw, purpose).map_err(|e| with_driver_problems(e, &raw))?;
    if first.ask_password {
        ask_passwords(&mut raw)?;
    }
    Ok(Settings::from_values_for(&raw, purpose)?)
}

/// A configuration error, with the problems of the drivers that `P_DRIVER` names added: all of
/// both sides' problems in one message, before anything is connected to.
fn with_driver_problems(error: ConfigError, raw: &RawValues) -> ConfigError {
    let mut problems = Vec::new();
    for side in [Side::Source, Side::Target] {
        let p = side.prefix();
        let key = |k: &str| format!("{p}_{k}");
        let by_parts =
            raw.get(&key("CONNECTION_STRING")).is_none() && raw.get(&key("DSN")).is_none();
        if let (Some(driver), true) = (raw.get(&key("DRIVER")), by_parts) {
            let client = raw
                .get(&key("ORACLE_CLIENT_PATH"))
                .map(std::path::Path::new);
            if let Err(e) = choose_driver(p, driver, raw.get(&key("MSSQL_ODBC_DRIVER")), client) {
                problems.push(format!("{e:#}"));
            }
        }
    }
    if problems.is_empty() {
        error
    } else {
        ConfigError::new(format!("{error}\n  {}", problems.join("\n  ")))
    }
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
