//! The data sources (DSNs) the driver manager knows, read with `SQLDataSources` itself.
//!
//! odbc-api 29's `Environment::data_sources` sizes its name buffer from the first DSN's name and
//! the *drivers'* descriptions (it asks `SQLDrivers` for the lengths of the rest), so a DSN name
//! longer than those comes back cut short, and a DSN that exists is then reported as unknown.
//! Here the buffers are large enough for any name the driver managers allow.

use anyhow::bail;
use arrow_odbc::odbc_api::{
    handles::{SqlChar, slice_to_cow_utf8},
    sys::{AttrOdbcVersion, EnvironmentAttribute, FetchOrientation, Handle, HandleType, SqlReturn},
};

/// Characters per buffer: DSN names are at most 32 on Windows (`SQL_MAX_DSN_LENGTH`), and a
/// driver's description is a short name; unixODBC allows longer ones, not this long.
const BUFFER_CHARS: usize = 1024;

/// An environment handle of its own, freed when dropped.
struct Env(Handle);

impl Drop for Env {
    fn drop(&mut self) {
        // SAFETY: the handle was allocated by SQLAllocHandle and is freed once.
        let _ = unsafe { arrow_odbc::odbc_api::sys::SQLFreeHandle(HandleType::Env, self.0) };
    }
}

/// The data sources (DSNs) the ODBC driver manager knows: (name, driver).
pub fn data_sources() -> anyhow::Result<Vec<(String, String)>> {
    use arrow_odbc::odbc_api::sys::{SQLAllocHandle, SQLSetEnvAttr};
    let mut handle = Handle::null();
    // SAFETY: plain ODBC calls on a handle this function owns; the buffers outlive the calls and
    // their lengths are passed with them.
    unsafe {
        if SQLAllocHandle(HandleType::Env, Handle::null(), &mut handle) != SqlReturn::SUCCESS {
            bail!("the ODBC driver manager cannot allocate an environment");
        }
        let env = Env(handle);
        let version = SQLSetEnvAttr(
            env.0.as_henv(),
            EnvironmentAttribute::OdbcVersion,
            AttrOdbcVersion::Odbc3.into(),
            0,
        );
        if version != SqlReturn::SUCCESS && version != SqlReturn::SUCCESS_WITH_INFO {
            bail!("the ODBC driver manager refuses ODBC version 3");
        }
        let mut name = vec![0 as SqlChar; BUFFER_CHARS];
        let mut driver = vec![0 as SqlChar; BUFFER_CHARS];
        let mut found = Vec::new();
        let mut direction = FetchOrientation::First;
        loop {
            let (mut name_len, mut driver_len) = (0i16, 0i16);
            let ret = sql_data_sources(
                env.0.as_henv(),
                direction,
                name.as_mut_ptr(),
                BUFFER_CHARS as i16,
                &mut name_len,
                driver.as_mut_ptr(),
                BUFFER_CHARS as i16,
                &mut driver_len,
            );
            match ret {
                SqlReturn::NO_DATA => break,
                SqlReturn::SUCCESS | SqlReturn::SUCCESS_WITH_INFO => {
                    let text = |buf: &[SqlChar], len: i16| {
                        let len = (len.max(0) as usize).min(buf.len());
                        slice_to_cow_utf8(&buf[..len]).into_owned()
                    };
                    found.push((text(&name, name_len), text(&driver, driver_len)));
                }
                other => bail!("SQLDataSources failed ({})", other.0),
            }
            direction = FetchOrientation::Next;
        }
        Ok(found)
    }
}

// The narrow function where odbc-api is narrow (here), the wide one where it is wide (Windows),
// so that `SqlChar` is the buffers' type.
#[cfg(not(target_os = "windows"))]
use arrow_odbc::odbc_api::sys::SQLDataSources as sql_data_sources;
#[cfg(target_os = "windows")]
use arrow_odbc::odbc_api::sys::SQLDataSourcesW as sql_data_sources;
