//! The integration tests, in one binary (one link of arrow and parquet instead of one per file):
//! each module is a part of the behaviour, run against the live databases through ODBC.

mod common;

mod bad_input;
mod behaviour;
mod check;
mod choosing;
mod concurrency;
mod container;
mod direct_pairs;
mod docs;
mod dump;
mod existing;
mod loads;
mod logins;
mod python_tool;
mod ranges;
mod reliability;
mod shaping;
mod sqlserver;
mod types;
mod users;
