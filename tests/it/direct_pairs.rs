//! DIRECT copies of the mixed-type table between every ordered pair of PostgreSQL, MariaDB and
//! SQLite, with every value compared exactly after the copy.

use crate::common::{Kind, TestDb, mixed, run_tool, write_ini};

fn copy_pair(source: Kind, target: Kind) {
    let src = TestDb::new(source, &format!("src{}", target.tag()));
    let dst = TestDb::new(target, &format!("dst{}", source.tag()));
    mixed::create(&src, "mixed");
    let dir = tempfile::tempdir().unwrap();
    let ini = write_ini(dir.path(), &src, &dst, "mixed", "");
    let run = run_tool(dir.path(), &["--config", ini.to_str().unwrap()], &[]);
    assert_eq!(run.code, 0, "{}", run.output());
    let schema = dst.staging_schema();
    mixed::assert_copied(&src, &dst, schema.as_deref(), "mixed");
}

macro_rules! pair {
    ($name:ident, $s:expr, $t:expr) => {
        #[test]
        fn $name() {
            copy_pair($s, $t);
        }
    };
}

pair!(postgres_to_postgres, Kind::Postgres, Kind::Postgres);
pair!(postgres_to_mariadb, Kind::Postgres, Kind::MariaDb);
pair!(postgres_to_sqlite, Kind::Postgres, Kind::Sqlite);
pair!(mariadb_to_postgres, Kind::MariaDb, Kind::Postgres);
pair!(mariadb_to_mariadb, Kind::MariaDb, Kind::MariaDb);
pair!(mariadb_to_sqlite, Kind::MariaDb, Kind::Sqlite);
pair!(sqlite_to_postgres, Kind::Sqlite, Kind::Postgres);
pair!(sqlite_to_mariadb, Kind::Sqlite, Kind::MariaDb);
pair!(sqlite_to_sqlite, Kind::Sqlite, Kind::Sqlite);
pair!(postgres_to_sqlserver, Kind::Postgres, Kind::SqlServer);
pair!(mariadb_to_sqlserver, Kind::MariaDb, Kind::SqlServer);
pair!(sqlite_to_sqlserver, Kind::Sqlite, Kind::SqlServer);
pair!(sqlserver_to_postgres, Kind::SqlServer, Kind::Postgres);
pair!(sqlserver_to_mariadb, Kind::SqlServer, Kind::MariaDb);
pair!(sqlserver_to_sqlite, Kind::SqlServer, Kind::Sqlite);
pair!(sqlserver_to_sqlserver, Kind::SqlServer, Kind::SqlServer);
