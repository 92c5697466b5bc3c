//! Connecting the two sides: build both connection strings first, so that the configuration
//! problems of both sides are reported together before anything is connected to; then connect,
//! find out which DBMS answers (and so the dialect), and create the target database when it is
//! missing, as the Python tool did.

use anyhow::Context;

use crate::{
    config::{ConfigError, Connect, Settings},
    dialect::{self, Dialect, DriverTuning},
    odbc::{self, Connection, Connector},
};

/// One side, connected once to find out what it is.
pub struct Endpoint {
    /// Opens connections.
    pub connector: Connector,
    /// The DBMS's dialect.
    pub dialect: &'static dyn Dialect,
    /// The DBMS name it reported.
    pub dbms: String,
    /// Whether its driver holds a whole result set in memory however it is asked
    /// (`Connecting::result_cache`); such a source's tables are read in key ranges.
    pub caches_results: bool,
}

/// The driver settings for one side.
fn tuning(endpoint: &crate::config::Endpoint, settings: &Settings) -> DriverTuning {
    DriverTuning {
        // Rows a driver fetches per round trip into its own cache (psqlODBC's Fetch): small
        // enough that wide rows stay cheap; 1,000 was as fast as 10,000 on the benchmark.
        fetch_rows: settings.chunk_size.min(1_000),
        max_text_size: settings.max_text_size,
        // The Python tool trusted SQL Server's certificate unless told otherwise; it always
        // connected from parts.
        trust_server_certificate: endpoint
            .mssql_trust_server_certificate
            .unwrap_or(matches!(endpoint.connect, Connect::Parts { .. })),
    }
}

/// The connector of one side (its driver or DSN checked, nothing connected).
fn connector(endpoint: &crate::config::Endpoint, settings: &Settings) -> anyhow::Result<Connector> {
    let connector = Connector::new(endpoint, tuning(endpoint, settings), settings.login_timeout)?;
    log::debug!(
        "{} connection: {}",
        endpoint.side.name(),
        connector.redacted()
    );
    Ok(connector)
}

/// Which sides a command needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sides {
    /// A copy or `check`.
    Both,
    /// `dump`: the target (and its driver) may be on another machine.
    Source,
    /// `load`.
    Target,
}

/// The connectors of the sides a command needs; configuration problems of both sides come back
/// as one error.
fn connectors(
    settings: &Settings,
    sides: Sides,
) -> anyhow::Result<(Option<Connector>, Option<Connector>)> {
    let with_source = sides != Sides::Target;
    let source = match (&settings.source, with_source) {
        (Some(source), true) => Some(connector(source, settings)),
        (None, true) => Some(Err(ConfigError::new(
            "no source is configured ([database-source])",
        )
        .into())),
        _ => None,
    };
    // A schema for a DBMS without schemas: known from the driver's name already, before
    // connecting (which would create a SQLite file).
    let target = (sides != Sides::Source).then(|| {
        connector(&settings.target, settings).and_then(|c| {
            match settings.target.schema.as_deref() {
                Some(schema)
                    if !c.dialect_guess().has_schemas() && !schema.eq_ignore_ascii_case("main") =>
                {
                    Err(ConfigError::new(format!(
                        "DST_SCHEMA = '{schema}': the target ({}) has no schemas; leave DST_SCHEMA \
                     empty",
                        c.dialect_guess().name()
                    ))
                    .into())
                }
                _ => Ok(c),
            }
        })
    });
    match (source.transpose(), target.transpose()) {
        (Ok(source), Ok(target)) => Ok((source, target)),
        (Err(s), Err(t)) if is_config(&s) && is_config(&t) => {
            Err(ConfigError::new(format!("{s:#}\n{t:#}")).into())
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    }
}

/// Did a connection attempt wait out the login timeout? Then the server does not answer, and
/// asking it about its databases would only wait as long again.
fn timed_out(settings: &Settings, started: std::time::Instant) -> bool {
    started.elapsed().as_secs_f64() + 0.5 >= f64::from(settings.login_timeout)
}

fn is_config(error: &anyhow::Error) -> bool {
    error.downcast_ref::<ConfigError>().is_some()
}

/// Connects once and picks the dialect of the DBMS that answers.
pub fn open(connector: Connector) -> anyhow::Result<(Endpoint, Connection)> {
    let conn = connector.connect()?;
    let dbms = conn.database_management_system_name().unwrap_or_default();
    let dialect = dialect::for_dbms(&dbms);
    log::info!("{}: {dbms} (dialect: {})", connector.side, dialect.name());
    // The source's session settings, on this connection and on every one opened later.
    let connector = if connector.side == "source" {
        let session = dialect.source_session_sql();
        for sql in &session {
            crate::odbc::execute(&conn, sql)?;
        }
        connector.with_session(session)
    } else {
        connector
    };
    let caches_results = connector.side == "source" && caches_results(&connector, dialect);
    Ok((
        Endpoint {
            connector,
            dialect,
            dbms,
            caches_results,
        },
        conn,
    ))
}

/// Whether the source's driver holds whole result sets in memory (asked only of drivers some
/// versions of which do; one that does not say is taken to).
fn caches_results(connector: &Connector, dialect: &dyn Dialect) -> bool {
    let Some(caches) = dialect.result_cache() else {
        return false;
    };
    match connector.driver_version() {
        Ok(version) => {
            let caches = caches(&version);
            log::debug!(
                "source driver version {version}: {}",
                if caches {
                    "holds whole result sets in memory"
                } else {
                    "streams result sets"
                }
            );
            caches
        }
        Err(e) => {
            log::debug!("{e:#}; taken to hold whole result sets in memory");
            true
        }
    }
}

/// What to do when the target database does not exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingTarget {
    /// Create it (a run).
    Create,
    /// Say so (`check`, which writes nothing).
    Report,
}

/// Both sides, for a copy or `check`: the configuration of both checked first, then the source
/// connected, then the target (created when missing, for a run).
pub fn open_both(
    settings: &Settings,
    missing: MissingTarget,
) -> anyhow::Result<((Endpoint, Connection), Endpoint)> {
    let (source, target) = connectors(settings, Sides::Both)?;
    let source = source.expect("asked for the source");
    let target = target.expect("asked for the target");
    let source = connect_side(settings, source, &settings_source(settings)?)?;
    let target = connect_target(settings, target, missing)?;
    Ok((source, target))
}

/// The source alone (`dump`).
pub fn open_source(settings: &Settings) -> anyhow::Result<(Endpoint, Connection)> {
    let (source, _) = connectors(settings, Sides::Source)?;
    let source = source.expect("asked for the source");
    connect_side(settings, source, &settings_source(settings)?)
}

/// The target alone (`load`).
pub fn open_target(settings: &Settings) -> anyhow::Result<Endpoint> {
    let (_, target) = connectors(settings, Sides::Target)?;
    let target = target.expect("asked for the target");
    connect_target(settings, target, MissingTarget::Create)
}

fn settings_source(settings: &Settings) -> anyhow::Result<crate::config::Endpoint> {
    settings
        .source
        .clone()
        .ok_or_else(|| ConfigError::new("no source is configured ([database-source])").into())
}

/// Connects one side; when that fails and the server says it has no such database, the error
/// says so instead of blaming the network.
fn connect_side(
    settings: &Settings,
    connector: Connector,
    endpoint: &crate::config::Endpoint,
) -> anyhow::Result<(Endpoint, Connection)> {
    let guess = connector.dialect_guess();
    let started = std::time::Instant::now();
    match open(connector.clone()) {
        Ok(opened) => Ok(opened),
        Err(e) if is_config(&e) || timed_out(settings, started) => Err(e),
        Err(e) => match missing_database(settings, endpoint, guess)? {
            Some(missing) => Err(ConfigError::new(format!(
                "the {} database '{}' does not exist (the server answers, and has no such \
                 database); check {}_DB",
                endpoint.side.name(),
                missing.name,
                endpoint.side.prefix()
            ))
            .into()),
            None => Err(e),
        },
    }
}

/// Connects the target, creating its database when it is missing (through the admin database:
/// PostgreSQL's `postgres`, SQL Server's `master`, MariaDB's server without a database;
/// `DST_ADMIN_DB` overrides), and checks the settings that depend on what the target is.
fn connect_target(
    settings: &Settings,
    connector: Connector,
    when_missing: MissingTarget,
) -> anyhow::Result<Endpoint> {
    let guess = connector.dialect_guess();
    let started = std::time::Instant::now();
    let (target, _probe) = match open(connector.clone()) {
        Ok(opened) => opened,
        Err(e) if is_config(&e) || timed_out(settings, started) => return Err(e),
        Err(e) => {
            let Some(missing) = missing_database(settings, &settings.target, guess)? else {
                return Err(e);
            };
            if when_missing == MissingTarget::Report {
                anyhow::bail!(
                    "the target database '{}' does not exist yet; a run creates it (connected \
                     to {}), check does not, since it writes nothing",
                    missing.name,
                    missing.admin_name
                );
            }
            missing.create()?;
            open(connector)?
        }
    };
    check_target_settings(settings, &target)?;
    Ok(target)
}

/// A database the server does not have, and a connection to its admin database.
struct MissingDatabase {
    name: String,
    admin: Connection,
    admin_name: String,
    dialect: &'static dyn Dialect,
}

impl MissingDatabase {
    fn create(self) -> anyhow::Result<()> {
        log::info!(
            "the target database {} does not exist; creating it (connected to {})",
            self.name,
            self.admin_name
        );
        odbc::execute(&self.admin, &self.dialect.create_database_sql(&self.name)).map_err(|e| {
            log::warn!(
                "cannot create the target database {}: {}",
                self.name,
                crate::report::brief(&e)
            );
            anyhow::Error::new(ConfigError::new(format!(
                "the target database '{}' does not exist and cannot be created: {}; create it, \
                 or let DST_USERNAME create databases (DST_ADMIN_DB names the database to \
                 connect to for that)",
                self.name,
                crate::report::brief(&e)
            )))
        })
    }
}

/// Asks the server, through its admin database, whether the database `endpoint` names exists;
/// `Some` when it does not. `None` when it exists, when the endpoint names no database (only
/// connections from parts do), or when the admin database cannot be reached either (then the
/// original error stands).
fn missing_database(
    settings: &Settings,
    endpoint: &crate::config::Endpoint,
    dialect: &'static dyn Dialect,
) -> anyhow::Result<Option<MissingDatabase>> {
    let Some(default_admin) = dialect.admin_database() else {
        return Ok(None);
    };
    let admin_name = endpoint
        .admin_db
        .clone()
        .unwrap_or_else(|| default_admin.to_string());
    let Some((name, admin_connect)) = with_database(&endpoint.connect, &admin_name) else {
        return Ok(None);
    };
    let name = &name;
    let mut admin_endpoint = endpoint.clone();
    admin_endpoint.connect = admin_connect;
    let admin = match connector(&admin_endpoint, settings).and_then(|c| c.connect()) {
        Ok(admin) => admin,
        Err(e) => {
            if endpoint.admin_db.is_some() {
                log::warn!(
                    "cannot connect to DST_ADMIN_DB = '{admin_name}' to see whether {name} \
                     exists: {}",
                    crate::report::brief(&e)
                );
            } else {
                log::debug!("cannot reach the admin database {admin_name}: {e:#}");
            }
            return Ok(None);
        }
    };
    let exists = !odbc::query_text(&admin, &dialect.database_exists_sql(name))
        .context("asking the server which databases it has")?
        .is_empty();
    Ok((!exists).then(|| MissingDatabase {
        name: name.clone(),
        admin,
        admin_name: if admin_name.is_empty() {
            "the server".to_string()
        } else {
            admin_name
        },
        dialect,
    }))
}

/// The database `connect` names, and how to connect to `admin` (`""`: the server without a
/// database) instead: from `P_DB`, or from the `Database` (`DB`, `Initial Catalog`) attribute of a
/// connection string. `None` when it names none (a DSN's database is the DSN's).
fn with_database(connect: &Connect, admin: &str) -> Option<(String, Connect)> {
    let admin_db = (!admin.is_empty()).then(|| admin.to_string());
    match connect {
        Connect::Parts {
            driver,
            host,
            port,
            database: Some(name),
        } => Some((
            name.clone(),
            Connect::Parts {
                driver: driver.clone(),
                host: host.clone(),
                port: *port,
                database: admin_db,
            },
        )),
        Connect::ConnectionString(text) => {
            let is_database = |key: &str| {
                ["DATABASE", "DB", "INITIAL CATALOG"]
                    .iter()
                    .any(|k| key.eq_ignore_ascii_case(k))
            };
            let attributes = odbc::parse_attributes(text);
            let name = attributes
                .iter()
                .find(|(k, v)| is_database(k) && !v.is_empty())?
                .1
                .clone();
            let mut admin_text = String::new();
            for (key, value) in &attributes {
                let value = if is_database(key) {
                    match &admin_db {
                        Some(admin) => admin,
                        None => continue,
                    }
                } else {
                    value
                };
                // Read back by the tool's own parser, then written for the driver.
                admin_text.push_str(&dialect::Braces::Every.write(key, value)?);
            }
            Some((name, Connect::ConnectionString(admin_text)))
        }
        _ => None,
    }
}

/// Checks the settings that depend on what the target turned out to be.
pub fn check_target_settings(settings: &Settings, target: &Endpoint) -> Result<(), ConfigError> {
    if let Some(schema) = settings.target.schema.as_deref()
        && !target.dialect.has_schemas()
        && !schema.eq_ignore_ascii_case("main")
    {
        return Err(ConfigError::new(format!(
            "DST_SCHEMA = '{schema}': the target ({}) has no schemas; leave DST_SCHEMA empty",
            target.dbms
        )));
    }
    Ok(())
}
