//! Every dialect's generated SQL compared with its golden file (`tests/golden/*.sql`) and parsed
//! with sqlparser's dialect for that DBMS.

use super::fixtures::{golden_columns, leak};
use super::*;
use crate::dialect::RowsInto;

/// Source columns carried as text going into existing columns of other types: a MariaDB TIME
/// into a time column, an unconstrained decimal into decimal(12,2), SQL Server datetime2(7) into
/// a timestamp with 3 digits, datetimeoffset(7) into one with a time zone.
fn existing_columns(d: &dyn Dialect) -> Vec<LoadColumn> {
    let source = |name: &str, column_type: ColumnType| Column {
        source_name: name.to_uppercase(),
        name: name.to_string(),
        column_type,
        nullable: true,
        source_type: "x".into(),
    };
    [
        (
            source("duur", text(Some(17), false)),
            ColumnType::Time { precision: 6 },
        ),
        (
            source("bedrag", ColumnType::UNCONSTRAINED_DECIMAL),
            dec(12, 2),
        ),
        (
            source("nauwkeurig", ColumnType::Timestamp { precision: 7 }),
            ColumnType::Timestamp { precision: 3 },
        ),
        (
            source("moment7", ColumnType::TimestampTz { precision: 7 }),
            ColumnType::TimestampTz { precision: 3 },
        ),
        (source("naam", text(Some(20), false)), text(None, false)),
    ]
    .into_iter()
    .map(|(source, target_type)| {
        let target = TargetColumn::new_for(
            d,
            &Column {
                column_type: target_type,
                ..source.clone()
            },
        );
        LoadColumn { source, target }
    })
    .collect()
}

/// The insert statement of a dialect's strategy for `load`, the values travelling as `sent`.
fn insert_sql(d: &dyn Dialect, table_ref: &str, load: &[LoadColumn], sent: &[DataType]) -> String {
    let columns: Vec<String> = load.iter().map(|c| d.quote(&c.target.name)).collect();
    let params: Vec<String> = load
        .iter()
        .zip(sent)
        .map(|(c, sent)| d.parameter_sql(sent, &c.target))
        .collect();
    d.insert_strategy().statement(table_ref, &columns, &params)
}

/// One statement of a golden file, and whether sqlparser is expected to parse it.
struct Statement {
    what: &'static str,
    sql: String,
    parse: bool,
}

fn statements(d: &dyn Dialect) -> Vec<Statement> {
    let schema = Some("stg");
    let target = d.table_ref(schema, "clients");
    let side = d.table_ref(schema, "clients_s2s_new");
    let columns = golden_columns();
    let quoted: Vec<String> = columns.iter().map(|c| d.quote(&c.source_name)).collect();
    let select_list: Vec<String> = columns
        .iter()
        .zip(&quoted)
        .map(|(c, q)| d.select_expr(q, c))
        .collect();
    let source = d.table_ref(Some("app"), "CLIENTS");
    let mut lengths = vec!["COUNT(*)".to_string()];
    for (c, q) in columns.iter().zip(&quoted) {
        if c.column_type.is_unbounded()
            && let Some(e) = d.byte_length_sql(q, &c.column_type)
        {
            lengths.push(format!("MAX({e})"));
        }
    }
    // Statements sqlparser does not know: procedural ones (SQL Server's IF/EXEC batches, Oracle's
    // PL/SQL blocks and functions in WITH) and others.
    let procedural = |sql: &str| {
        sql.starts_with("IF ")
            || sql.starts_with("BEGIN ")
            || sql.starts_with("DECLARE ")
            || sql.starts_with("WITH FUNCTION ")
            || sql.starts_with("EXEC ")
            || sql.starts_with("SET NOCOUNT ON;")
            || sql.starts_with("SET LOCK_TIMEOUT")
            // MariaDB's START TRANSACTION WITH CONSISTENT SNAPSHOT, PostgreSQL's SET SESSION
            // CHARACTERISTICS and SET TRANSACTION SNAPSHOT: not in sqlparser.
            || sql.contains("CONSISTENT SNAPSHOT")
            || sql.starts_with("SET SESSION CHARACTERISTICS")
            || sql.starts_with("SET TRANSACTION SNAPSHOT")
            || sql.starts_with("ALTER SESSION")
            || sql.starts_with("CREATE PRIVATE TEMPORARY")
            // PostgreSQL's CREATE TABLE (LIKE ... INCLUDING ...) and CREATE DATABASE ...
            // ENCODING, which sqlparser does not know.
            || sql.contains("(LIKE ")
            || sql.contains(" TEMPLATE template0")
            // SQL Server's table hint of MERGE (sqlparser knows MERGE without hints).
            || sql.contains(" WITH (HOLDLOCK) ")
    };
    let mut out = Vec::new();
    let mut add = |what: &'static str, sql: String| {
        let parse = !procedural(&sql);
        out.push(Statement { what, sql, parse });
    };
    if let Some(admin) = d.admin_database() {
        add(
            leak(match admin {
                "" => "missing database: exists? (on the server, without a database)".into(),
                _ => format!("missing database: exists? (on the database '{admin}')"),
            }),
            d.database_exists_sql("staging"),
        );
        add("missing database: create", d.create_database_sql("staging"));
    }
    if d.has_schemas() {
        add("schema exists", d.schema_exists_sql("stg"));
        if let Some(sql) = d.create_schema_sql("stg") {
            add("create schema", sql);
        }
    }
    add("table exists", d.table_exists_sql(schema, "clients"));
    add("drop side table", d.drop_table_sql(&side));
    add(
        "create side table",
        d.create_table_sql(&side, &d.column_defs(&columns)),
    );
    for sql in d.target_session_sql() {
        add("target session", sql);
    }
    add(
        "existing table's columns",
        d.table_columns_sql(schema, "clients"),
    );
    if let Some(sql) = d.dependent_views_sql(schema, "clients") {
        add("views that use the table", sql);
    }
    // The batch of a new table: the Arrow types of the columns, after the dialect's own changes.
    let new_load: Vec<LoadColumn> = columns
        .iter()
        .map(|c| LoadColumn {
            source: c.clone(),
            target: TargetColumn::new_for(d, c),
        })
        .collect();
    let schema_of = |load: &[LoadColumn]| {
        let shape = crate::plan::TableShape {
            columns: load.iter().map(|c| c.source.clone()).collect(),
        };
        let (batch, _) = d
            .prepare_batch(RecordBatch::new_empty(shape.arrow_schema()), load)
            .unwrap();
        batch
            .schema()
            .fields()
            .iter()
            .map(|f| f.data_type().clone())
            .collect::<Vec<_>>()
    };
    add(
        "insert into the side table of a new table",
        insert_sql(d, &side, &new_load, &schema_of(&new_load)),
    );
    let existing = existing_columns(d);
    add(
        "insert into the side table of an existing table (casts to its column types)",
        insert_sql(d, &side, &existing, &schema_of(&existing)),
    );
    let names: Vec<String> = existing.iter().map(|c| d.quote(&c.target.name)).collect();
    let added = [crate::dialect::ColumnDef {
        name: "nieuw".into(),
        type_sql: d.type_sql(&text(Some(40), false)),
        nullable: true,
    }];
    let keys = [names[0].clone(), names[1].clone()];
    for (what, into) in [
        ("truncate: refresh in one transaction", RowsInto::Refresh),
        ("append in one transaction", RowsInto::Append),
        (
            "incremental with [merge-keys]: upsert in one transaction",
            RowsInto::Upsert(&keys),
        ),
    ] {
        let merge = d.merge(&target, &side, &names, &added, into);
        for sql in merge.before {
            add(leak(format!("{what}: before, committed on its own")), sql);
        }
        for sql in merge.transaction {
            add(leak(format!("{what}: in the transaction")), sql);
        }
        for sql in merge.after {
            add(leak(format!("{what}: after the commit")), sql);
        }
    }
    add(
        "check: the empty copy a refresh is tried on",
        d.empty_copy_sql(&d.temporary_table_ref(schema, "clients_s2s_copy"), &target),
    );
    if !d.transactional_ddl() {
        add(
            "check's sample table (temporary: DDL commits)",
            d.create_temporary_table_sql(
                &d.temporary_table_ref(schema, "clients_s2s_check"),
                &d.column_defs(&columns),
            ),
        );
    }
    add("truncate", d.truncate_sql(&target));
    add(
        "row count and longest values",
        format!("SELECT {} FROM {source}", lengths.join(", ")),
    );
    add("select", d.select_sql(&source, &select_list, None));
    add(
        "select with ROW_LIMIT",
        d.select_sql(&source, &select_list, Some(1000)),
    );
    if let Some(sql) = d.declared_types_sql(Some("app"), "CLIENTS") {
        add("declared types", sql);
    }
    add(
        "where the catalog lists tables (SRC_TABLES patterns, EXCLUDE_COLUMNS): current schema",
        d.catalog_scope_sql(None),
    );
    add(
        "where the catalog lists tables: SRC_SCHEMA",
        d.catalog_scope_sql(Some(&d.fold_name("app"))),
    );
    let query = d.query_ref(&format!(
        "SELECT c.{id}, c.{name} FROM {source} c WHERE c.{id} > 10",
        id = d.quote("ID"),
        name = d.quote("NAME")
    ));
    add(
        "[queries]: describe",
        format!("SELECT * FROM {query} WHERE 1 = 0"),
    );
    add(
        "[queries]: row count",
        format!("SELECT COUNT(*) FROM {query}"),
    );
    add(
        "[queries]: select with ROW_LIMIT",
        d.select_sql(&query, &[d.quote("ID"), d.quote("NAME")], Some(1000)),
    );
    super::loads_sql::incremental_and_partitions(
        d,
        &source,
        &target,
        &side,
        &select_list,
        &mut add,
    );
    for sql in d
        .swap(schema, "clients_s2s_new", "clients", true)
        .statements
    {
        add("swap (table exists)", sql);
    }
    for sql in d
        .swap(schema, "clients_s2s_new", "clients", false)
        .statements
    {
        add("swap (first load)", sql);
    }
    super::loads_sql::table_lock(d, schema, &mut add);
    out
}

fn golden_text(d: &dyn Dialect) -> String {
    let swap = d.swap(Some("stg"), "clients_s2s_new", "clients", true);
    let mut text = format!(
        "-- {}: generated SQL (src/dialect/golden_tests/; scripts/update-golden.sh takes a change)\n-- swap runs in one transaction: {}\n\n",
        d.name(),
        swap.transactional
    );
    for s in statements(d) {
        text.push_str(&format!(
            "-- {}{}\n{};\n\n",
            s.what,
            if s.parse {
                ""
            } else {
                " (not parsed: sqlparser does not know it)"
            },
            s.sql.trim_end_matches(';')
        ));
    }
    text
}

fn golden(file: &str, d: &dyn Dialect) {
    crate::golden::assert_golden(file, &golden_text(d));
}

fn parses(dialect: &dyn sqlparser::dialect::Dialect, d: &dyn Dialect) {
    for s in statements(d) {
        if !s.parse {
            continue;
        }
        // sqlparser does not know Oracle's length semantics (`VARCHAR2(100 CHAR)`), MariaDB's
        // `ADD COLUMN IF NOT EXISTS`, or `?` markers in PostgreSQL (psqlODBC turns them into $1,
        // $2, ...): the rest of the statement is parsed without them.
        let mut sql = s
            .sql
            .replace(" CHAR)", ")")
            .replace("ADD COLUMN IF NOT EXISTS", "ADD COLUMN");
        if d.name() == "PostgreSQL" {
            let mut n = 0;
            sql = sql
                .split('?')
                .enumerate()
                .map(|(i, part)| {
                    if i == 0 {
                        part.to_string()
                    } else {
                        n += 1;
                        format!("${n}{part}")
                    }
                })
                .collect();
        }
        if let Err(e) = sqlparser::parser::Parser::parse_sql(dialect, &sql) {
            panic!("{} {} does not parse: {e}\n{}", d.name(), s.what, s.sql);
        }
    }
}

#[test]
fn postgresql_sql_matches_the_golden_file_and_parses() {
    golden("postgresql.sql", &Postgres);
    parses(&sqlparser::dialect::PostgreSqlDialect {}, &Postgres);
}

#[test]
fn mariadb_sql_matches_the_golden_file_and_parses() {
    golden("mariadb.sql", &MariaDb);
    parses(&sqlparser::dialect::MySqlDialect {}, &MariaDb);
}

#[test]
fn sqlite_sql_matches_the_golden_file_and_parses() {
    golden("sqlite.sql", &Sqlite);
    parses(&sqlparser::dialect::SQLiteDialect {}, &Sqlite);
}

#[test]
fn sql_server_sql_matches_the_golden_file_and_parses() {
    golden("sqlserver.sql", &SqlServer);
    parses(&sqlparser::dialect::MsSqlDialect {}, &SqlServer);
}

#[test]
fn oracle_sql_matches_the_golden_file_and_parses() {
    golden("oracle.sql", &Oracle);
    parses(&sqlparser::dialect::OracleDialect {}, &Oracle);
}

#[test]
fn generic_sql_matches_the_golden_file_and_parses() {
    golden("generic.sql", &Generic);
    parses(&sqlparser::dialect::AnsiDialect {}, &Generic);
}
