//! The ODBC side of things: one environment, connection strings built from the settings (with the
//! driver settings each dialect asks for), connecting with a login timeout and clear errors, and
//! a few helpers for small catalog queries.

use std::{fmt, sync::mpsc, thread, time::Duration};

use anyhow::{Context, anyhow, bail};
use arrow_odbc::odbc_api::{
    self, ConnectionOptions, Cursor, Environment, ResultSetMetadata, handles::Statement as _,
};

use crate::{
    config::{ConfigError, Connect, Endpoint, secrets},
    dialect::{self, Dialect, DriverTuning},
    driver_names::{self, Dbms},
};

pub mod catalog;
mod connection_string;
mod data_sources;

pub use connection_string::parse_attributes;
pub use data_sources::data_sources;

use connection_string::connection_string;

/// An open connection (to the process-wide ODBC environment).
pub type Connection = odbc_api::Connection<'static>;

/// The process-wide ODBC environment.
pub fn environment() -> anyhow::Result<&'static Environment> {
    odbc_api::environment().context("cannot initialise ODBC (is unixODBC installed?)")
}

/// The drivers the ODBC driver manager knows.
pub fn installed_drivers() -> anyhow::Result<Vec<String>> {
    Ok(environment()?
        .drivers()?
        .into_iter()
        .map(|d| d.description)
        .collect())
}

/// Everything needed to (re)open a connection to one side. Its `Debug` hides the password.
#[derive(Clone)]
pub struct Connector {
    /// "source" or "target".
    pub side: &'static str,
    connection_string: String,
    login_timeout: u32,
    guess: &'static dyn Dialect,
    /// Statements every new connection runs first (the source's session settings, once the
    /// dialect is known: see [`Connector::with_session`]).
    session: Vec<String>,
}

impl fmt::Debug for Connector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Connector({}: {})",
            self.side,
            secrets::redact(&self.connection_string)
        )
    }
}

impl Connector {
    /// Builds the connection string for `endpoint` and checks that its driver or DSN exists.
    /// Problems the user must fix in the settings are [`ConfigError`]s.
    pub fn new(
        endpoint: &Endpoint,
        tuning: DriverTuning,
        login_timeout: u32,
    ) -> anyhow::Result<Self> {
        let p = endpoint.side.prefix();
        // The attributes, and the registered driver they reach (a DSN's too: how values are
        // written depends on it).
        let (mut attributes, driver_name): (Vec<(String, String)>, String) = match &endpoint.connect
        {
            Connect::ConnectionString(s) => {
                let attributes = parse_attributes(s);
                let driver = match (find(&attributes, "DRIVER"), find(&attributes, "DSN")) {
                    (Some(d), _) => d.to_string(),
                    (None, Some(dsn)) => dsn_driver(dsn)?,
                    (None, None) => String::new(),
                };
                (attributes, driver)
            }
            Connect::Dsn(dsn) => {
                let known = data_sources()?;
                let Some((_, driver)) = known.iter().find(|(n, _)| n.eq_ignore_ascii_case(dsn))
                else {
                    let names: Vec<&str> = known.iter().map(|(n, _)| n.as_str()).collect();
                    return Err(ConfigError::new(format!(
                        "{p}_DSN = '{dsn}': no such ODBC data source. Known data sources: {}. \
                             Define it in odbc.ini (Linux) or the ODBC Data Source Administrator \
                             (Windows), or connect with {p}_DRIVER/{p}_HOST/{p}_DB instead",
                        list_or_none(&names)
                    ))
                    .into());
                };
                (vec![("DSN".to_string(), dsn.clone())], driver.clone())
            }
            Connect::Parts {
                driver,
                host,
                port,
                database,
            } => {
                let driver = resolve_driver(p, driver, endpoint)?;
                let guess = dialect::for_driver(&driver);
                // A TNS alias (Oracle) is the whole address: P_DB, or else P_HOST.
                let (host, port, database) = if endpoint.oracle_tns_alias {
                    (None, None, database.as_deref().or(host.as_deref()))
                } else {
                    (host.as_deref(), *port, database.as_deref())
                };
                let mut attributes = vec![("Driver".to_string(), driver.clone())];
                attributes.extend(guess.connection_parts(&driver, host, port, database));
                (attributes, driver)
            }
        };
        let dialect_guess = dialect::for_driver(&driver_name);
        if let Some(user) = &endpoint.username
            && find(&attributes, "UID").is_none()
            && find(&attributes, "USER").is_none()
        {
            attributes.push(("UID".to_string(), user.clone()));
        }
        if let Some(password) = &endpoint.password
            && find(&attributes, "PWD").is_none()
            && find(&attributes, "PASSWORD").is_none()
        {
            attributes.push(("PWD".to_string(), password.expose().to_string()));
        }
        if let Some(options) = &endpoint.odbc_options {
            attributes.extend(parse_attributes(options));
        }
        for (key, value) in dialect_guess.driver_defaults(&driver_name, tuning) {
            if find(&attributes, key).is_none() {
                attributes.push((key.to_string(), value));
            }
        }
        let connection_string = connection_string(p, &attributes, dialect_guess, &driver_name)?;
        Ok(Connector {
            side: endpoint.side.name(),
            connection_string,
            login_timeout,
            guess: dialect_guess,
            session: Vec::new(),
        })
    }

    /// The dialect the driver's name suggests (before connecting; the DBMS's own name decides
    /// after).
    pub fn dialect_guess(&self) -> &'static dyn Dialect {
        self.guess
    }

    /// The connection string with the password masked (for logs and `check`).
    pub fn redacted(&self) -> String {
        secrets::redact(&self.connection_string)
    }

    /// The same connector, with `statements` run on every connection it opens from now on.
    pub fn with_session(mut self, statements: Vec<String>) -> Connector {
        self.session = statements;
        self
    }

    /// Opens a connection (running the session statements), giving up after `LOGIN_TIMEOUT_SECONDS` even when the driver does
    /// not (MariaDB Connector/ODBC waits for a silent server's handshake far longer): the
    /// attempt runs on a thread of its own and is abandoned when it takes too long.
    pub fn connect(&self) -> anyhow::Result<Connection> {
        let options = ConnectionOptions {
            login_timeout_sec: Some(self.login_timeout),
            packet_size: None,
        };
        let (tx, rx) = mpsc::channel();
        let string = self.connection_string.clone();
        let side = self.side;
        let dialect = self.guess;
        thread::Builder::new()
            .name(format!("connect-{side}"))
            .spawn(move || {
                let result = environment().and_then(|env| {
                    env.connect_with_connection_string(&string, options)
                        .map_err(|e| connect_error(side, dialect, e))
                });
                let _ = tx.send(result);
            })?;
        // A little grace beyond the driver's own timeout, so its message wins when it has one.
        let deadline = Duration::from_secs(u64::from(self.login_timeout) + 2);
        match rx.recv_timeout(deadline) {
            Ok(Ok(conn)) => {
                for sql in &self.session {
                    execute(&conn, sql)
                        .with_context(|| format!("setting up the {side} session"))?;
                }
                Ok(conn)
            }
            Ok(Err(e)) => Err(e),
            Err(_) => Err(anyhow!(
                "cannot connect to the {side}: no answer within {} s (LOGIN_TIMEOUT_SECONDS); \
                 check host, port and firewall",
                self.login_timeout
            )),
        }
    }
}

impl Connector {
    /// The driver's version as it reports it (`SQL_DRIVER_VER`, "MM.mm.rrrr"), asked on a
    /// connection of its own, since odbc-api does not expose it.
    pub fn driver_version(&self) -> anyhow::Result<String> {
        let mut handle = self.connect()?.into_handle();
        let mut buf = vec![0u16; 128];
        let mut len: i16 = 0;
        // SAFETY: the handle is a connected connection; the buffer is as long as declared (in
        // bytes) and the driver writes at most that many.
        let ret = unsafe {
            odbc_api::sys::SQLGetInfoW(
                handle.as_sys(),
                odbc_api::sys::InfoType::DriverVer,
                buf.as_mut_ptr().cast(),
                (buf.len() * 2) as i16,
                &mut len,
            )
        };
        if handle.disconnect().into_result(&handle).is_err() {
            // Freeing a handle still connected would panic in odbc-api: leave it to the process.
            std::mem::forget(handle);
        }
        if ret != odbc_api::sys::SqlReturn::SUCCESS
            && ret != odbc_api::sys::SqlReturn::SUCCESS_WITH_INFO
        {
            bail!("the {} driver did not say its version", self.side);
        }
        let units = (len.max(0) as usize / 2).min(buf.len());
        Ok(String::from_utf16_lossy(&buf[..units]))
    }
}

/// A connection error with a hint for the common causes. Wrong credentials and unknown data
/// sources are configuration errors (exit 2); a server that cannot be reached is not, since a
/// later run may well succeed.
fn connect_error(side: &str, dialect: &dyn Dialect, error: odbc_api::Error) -> anyhow::Error {
    let (state, native) = crate::retry::odbc_state(&error).unwrap_or_default();
    // The driver's diagnostic stays the cause (for the summary's one line and the log); the
    // hint is the context, a ConfigError where the settings are what is wrong.
    let refused =
        state == "28000" || state == "28P01" || dialect.login_refused(native, &error.to_string());
    let config_hint = if refused {
        Some("check the user name and password")
    } else if state == "IM002" {
        Some(
            "the data source or driver name is not known to the ODBC driver manager (see \
             `source-to-staging dsns` and `source-to-staging drivers`)",
        )
    } else {
        None
    };
    let error = anyhow::Error::new(error);
    if let Some(hint) = config_hint {
        return error.context(ConfigError::new(format!(
            "cannot connect to the {side}: {hint}"
        )));
    }
    let hint = match state.as_str() {
        "HYT00" | "HYT01" => "the server did not answer in time; check host, port and firewall",
        s if s.starts_with("08") => {
            "the server cannot be reached; check host, port and that it runs"
        }
        _ => "check the connection settings",
    };
    error.context(format!("cannot connect to the {side}: {hint}"))
}

/// The ODBC driver `P_DRIVER` names: a registered driver (or a path to a driver library) as it
/// is, or the installed driver for the DBMS a SQLAlchemy-style name of the Python tool means
/// (`postgresql+psycopg2` -> `PostgreSQL Unicode`), said in one INFO line.
fn resolve_driver(prefix: &str, driver: &str, endpoint: &Endpoint) -> anyhow::Result<String> {
    let (chosen, dbms) = choose_driver(
        prefix,
        driver,
        endpoint.mssql_odbc_driver.as_deref(),
        endpoint.oracle_client_path.as_deref(),
    )?;
    if let Some(dbms) = dbms {
        // Once per run and side, however often the side connects.
        static SAID: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
        let mut said = SAID.lock().unwrap_or_else(|e| e.into_inner());
        let line = format!(
            "{prefix}_DRIVER = {driver}: the Python tool's name for {}; using the ODBC driver \
             '{chosen}'",
            dbms.name()
        );
        if !said.contains(&line) {
            log::info!("{line}");
            said.push(line);
        }
    }
    Ok(chosen)
}

/// The ODBC driver a `P_DRIVER` value names, and the DBMS when it was a SQLAlchemy name of the
/// Python tool; a [`ConfigError`] that says what to install when there is none.
pub fn choose_driver(
    prefix: &str,
    driver: &str,
    mssql_driver: Option<&str>,
    oracle_client_path: Option<&std::path::Path>,
) -> anyhow::Result<(String, Option<Dbms>)> {
    // A path to the driver library is allowed as well as a registered name.
    if driver.contains('/') || driver.contains('\\') {
        return Ok((driver.to_string(), None));
    }
    let installed = installed_drivers()?;
    // SQLAlchemy names are lower case; "sqlite" means SQLite 3 even where an (obsolete) SQLite 2
    // driver is registered as "SQLite".
    let sqlalchemy = Dbms::from_sqlalchemy(driver).filter(|_| driver == driver.to_lowercase());
    if sqlalchemy.is_none()
        && let Some(found) = installed.iter().find(|d| d.eq_ignore_ascii_case(driver))
    {
        return Ok((found.clone(), None));
    }
    let names: Vec<&str> = installed.iter().map(String::as_str).collect();
    let Some(dbms) = sqlalchemy.or_else(|| Dbms::from_sqlalchemy(driver)) else {
        return Err(ConfigError::new(format!(
            "{prefix}_DRIVER = '{driver}' is not an installed ODBC driver. Installed ODBC \
             drivers: {}. Put one of these names in {prefix}_DRIVER, or install the driver",
            list_or_none(&names)
        ))
        .into());
    };
    let chosen = driver_names::choose(dbms, &installed, mssql_driver).or_else(|| {
        (dbms == Dbms::Oracle)
            .then_some(oracle_client_path)
            .flatten()
            .and_then(driver_names::oracle_driver_in)
    });
    match chosen {
        Some(chosen) => Ok((chosen, Some(dbms))),
        None if dbms == Dbms::SqlServer && mssql_driver.is_some() => {
            Err(ConfigError::new(format!(
                "{prefix}_MSSQL_ODBC_DRIVER = '{}' is not an installed ODBC driver. Installed ODBC \
             drivers: {}",
                mssql_driver.unwrap_or_default(),
                list_or_none(&names)
            ))
            .into())
        }
        None => Err(ConfigError::new(format!(
            "{prefix}_DRIVER = '{driver}' means {}, but no ODBC driver for it is installed \
             (installed: {}); {}",
            dbms.name(),
            list_or_none(&names),
            dbms.install_advice().replace("P_", &format!("{prefix}_"))
        ))
        .into()),
    }
}

fn dsn_driver(dsn: &str) -> anyhow::Result<String> {
    Ok(data_sources()?
        .into_iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(dsn))
        .map(|(_, d)| d)
        .unwrap_or_default())
}

fn list_or_none(names: &[&str]) -> String {
    if names.is_empty() {
        "(none)".to_string()
    } else {
        names.join(", ")
    }
}

fn find<'a>(attributes: &'a [(String, String)], key: &str) -> Option<&'a str> {
    attributes
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.as_str())
}

/// Runs a statement that returns no rows we need.
pub fn execute(conn: &Connection, sql: &str) -> anyhow::Result<()> {
    log::debug!("SQL: {sql}");
    conn.execute(sql, (), None)
        .with_context(|| format!("the statement failed: {sql}"))?;
    Ok(())
}

/// Runs a small query and returns all rows as text (NULL as `None`).
pub fn query_text(conn: &Connection, sql: &str) -> anyhow::Result<Vec<Vec<Option<String>>>> {
    log::debug!("SQL: {sql}");
    let mut rows = Vec::new();
    let Some(mut cursor) = conn
        .execute(sql, (), None)
        .with_context(|| format!("the query failed: {sql}"))?
    else {
        return Ok(rows);
    };
    let columns = cursor.num_result_cols()? as u16;
    while let Some(mut row) = cursor.next_row()? {
        let mut values = Vec::with_capacity(columns as usize);
        for c in 1..=columns {
            values.push(text_value(&mut row, c)?);
        }
        rows.push(values);
    }
    Ok(rows)
}

/// Runs a query and returns the first column of its first row as text (`None` without a row, or
/// for NULL).
pub fn query_value(conn: &Connection, sql: &str) -> anyhow::Result<Option<String>> {
    Ok(query_text(conn, sql)?
        .into_iter()
        .next()
        .and_then(|row| row.into_iter().next().flatten()))
}

/// One value of a row as text, in the platform's ODBC text encoding: UTF-8 on Linux and macOS.
#[cfg(not(target_os = "windows"))]
fn text_value(row: &mut odbc_api::CursorRow<'_>, column: u16) -> anyhow::Result<Option<String>> {
    let mut buf = Vec::new();
    let present = row.get_text(column, &mut buf)?;
    Ok(present.then(|| String::from_utf8_lossy(&buf).into_owned()))
}

/// One value of a row as text, in UTF-16 on Windows, where narrow text is the local code page.
#[cfg(target_os = "windows")]
fn text_value(row: &mut odbc_api::CursorRow<'_>, column: u16) -> anyhow::Result<Option<String>> {
    let mut buf = Vec::new();
    let present = row.get_wide_text(column, &mut buf)?;
    Ok(present.then(|| String::from_utf16_lossy(&buf)))
}

/// The type name the driver reports for a result column (`SQL_DESC_TYPE_NAME`), which odbc-api
/// does not expose.
pub fn column_type_name(cursor: &mut impl ResultSetMetadata, column: u16) -> String {
    let stmt = cursor.as_stmt_ref();
    let mut buf = vec![0u16; 256];
    let mut len: i16 = 0;
    // SAFETY: the buffer is 512 bytes long as declared, the handle is a valid statement with a
    // result set, and the driver writes at most buffer_length bytes.
    let ret = unsafe {
        odbc_api::sys::SQLColAttributeW(
            stmt.as_sys(),
            column,
            odbc_api::sys::Desc::TypeName,
            buf.as_mut_ptr().cast(),
            (buf.len() * 2) as i16,
            &mut len,
            std::ptr::null_mut(),
        )
    };
    if ret != odbc_api::sys::SqlReturn::SUCCESS
        && ret != odbc_api::sys::SqlReturn::SUCCESS_WITH_INFO
    {
        return String::new();
    }
    let units = (len.max(0) as usize / 2).min(buf.len());
    String::from_utf16_lossy(&buf[..units])
}

#[cfg(test)]
mod tests;
