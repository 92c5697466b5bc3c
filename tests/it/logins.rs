//! Logins the server checks: real users whose passwords hold `' " ; { } =` and spaces log in
//! on every live DBMS with a password (PostgreSQL, MariaDB), as source and as target, from the
//! INI file and from the environment, and no part of a password shows anywhere: not in `check`,
//! not at `-vv`, not in the log file.

use crate::common::{CheckedUser, Kind, TestDb, run_tool};

/// Passwords a security review found partly printed or refused: a value that starts with `{`
/// and ends with `}` went into the connection string unescaped (attributes could be added, and
/// MariaDB refused `{Br4ce-pw}`), and masking stopped at the first quote or `;`.
const PASSWORDS: [(&str, &[&str]); 4] = [
    (
        "Zomer'2024 \"geheim\"; {x} = y",
        &["Zomer", "2024", "geheim"],
    ),
    (
        "{ab};Zz=geheimstaart;q={c}",
        &["geheimstaart", "Zz=", "q={c}"],
    ),
    ("{Br4ce-pw}", &["Br4ce"]),
    ("a'b\"c;d{e}f=g h}", &["d{e}f", "f=g h"]),
];

fn source_table(db: &TestDb) {
    db.exec("CREATE TABLE t (id integer PRIMARY KEY, naam varchar(40))");
    db.exec("INSERT INTO t VALUES (1, 'één'), (2, NULL), (3, 'O''Brien; {x}')");
}

fn rows(db: &TestDb, schema: Option<&str>) -> Vec<Vec<Option<String>>> {
    db.query(&format!(
        "SELECT id, naam FROM {} ORDER BY id",
        db.table_ref(schema, "t")
    ))
}

/// One copy between two servers that check passwords: the source's password in the INI file,
/// the target's in the environment; `check` first, then the run, both at `-vv` with a log file.
fn copy_with_checked_logins(source: Kind, target: Kind, src_pw: usize, dst_pw: usize) {
    let (src_password, src_parts) = PASSWORDS[src_pw];
    let (dst_password, dst_parts) = PASSWORDS[dst_pw];
    let src_user = CheckedUser::new(source, src_password);
    let dst_user = CheckedUser::new(target, dst_password);
    let src = TestDb::new(source, "login_src");
    let dst = TestDb::new(target, "login_dst");
    source_table(&src);
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("run.log");
    let schema = dst.staging_schema().unwrap();
    let ini = dir.path().join("config.ini");
    std::fs::write(
        &ini,
        format!(
            "[database-source]\n{}\n[database-destination]\n{}DST_SCHEMA = {schema}\n\n\
             [settings]\nSRC_TABLES = t\n\n[logging]\nLOG_TO_FILE = true\nLOG_FILE = {}\n",
            src_user.ini_keys(&src, "SRC", true),
            dst_user.ini_keys(&dst, "DST", false),
            log.display()
        ),
    )
    .unwrap();
    let env = [("DST_PASSWORD", dst_password)];
    for args in [&["check", "-vv"][..], &["run", "-vv"][..]] {
        let mut all = args.to_vec();
        all.extend(["--config", ini.to_str().unwrap()]);
        let run = run_tool(dir.path(), &all, &env);
        let label = format!("{source:?} -> {target:?} {args:?}");
        assert_eq!(run.code, 0, "{label}: {}", run.output());
        assert!(run.stderr.contains("PWD=***"), "{label}: {}", run.output());
        let logged = std::fs::read_to_string(&log).unwrap();
        for (what, text) in [("output", run.output()), ("log file", logged)] {
            for secret in [src_password, dst_password]
                .into_iter()
                .chain(src_parts.iter().copied())
                .chain(dst_parts.iter().copied())
            {
                assert!(
                    !text.contains(secret),
                    "{label}: the {what} shows '{secret}':\n{text}"
                );
            }
        }
    }
    assert_eq!(rows(&dst, Some(&schema)), rows(&src, None));
    // The copy ran as the checked users (their password was used, not trust).
    let owner = match target {
        Kind::Postgres => format!(
            "SELECT tableowner FROM pg_tables WHERE schemaname = '{schema}' AND tablename = 't'"
        ),
        _ => "SELECT 1".to_string(),
    };
    if target == Kind::Postgres {
        assert_eq!(
            dst.query(&owner)[0][0].as_deref(),
            Some(dst_user.name.as_str())
        );
    }
}

#[test]
fn checked_passwords_with_quotes_semicolons_braces_and_spaces_log_in_postgres_to_mariadb() {
    copy_with_checked_logins(Kind::Postgres, Kind::MariaDb, 0, 1);
}

#[test]
fn checked_passwords_with_quotes_semicolons_braces_and_spaces_log_in_mariadb_to_postgres() {
    copy_with_checked_logins(Kind::MariaDb, Kind::Postgres, 2, 3);
}

#[test]
fn checked_braced_passwords_log_in_postgres_to_postgres_and_mariadb_to_mariadb() {
    copy_with_checked_logins(Kind::Postgres, Kind::Postgres, 1, 2);
    copy_with_checked_logins(Kind::MariaDb, Kind::MariaDb, 3, 0);
}

/// A password that would add attributes if it went into the connection string as written: the
/// server is asked with exactly that password and refuses it (exit 2), never logging in through
/// an injected attribute, and no part of it shows.
#[test]
fn a_password_cannot_add_connection_attributes() {
    let user = CheckedUser::new(Kind::MariaDb, "Echt-Wachtwoord-1");
    let db = TestDb::new(Kind::MariaDb, "login_inject");
    let dir = tempfile::tempdir().unwrap();
    // Written unescaped, this was PWD={Echt-Wachtwoord-1} followed by an attribute.
    let injected = "{Echt-Wachtwoord-1};Option=3;x={y}";
    let run = run_tool(
        dir.path(),
        &["check", "-vv"],
        &[
            ("SRC_DRIVER", "MariaDB Unicode"),
            ("SRC_HOST", crate::common::MARIADB_HOST),
            ("SRC_DB", &db.name),
            ("SRC_USERNAME", &user.name),
            ("SRC_PASSWORD", injected),
            ("SRC_TABLES", "t"),
            ("DST_DRIVER", "SQLite3"),
            ("DST_DB", dir.path().join("x.db").to_str().unwrap()),
        ],
    );
    assert_eq!(run.code, 2, "{}", run.output());
    assert!(
        run.stderr
            .contains("cannot connect to the source: check the user name and password"),
        "{}",
        run.output()
    );
    for part in ["Echt-Wachtwoord", "Option=3", "x={y}"] {
        assert!(!run.output().contains(part), "{part}: {}", run.output());
    }
}

#[test]
fn checked_passwords_log_in_postgres_to_sqlserver_and_sqlserver_to_mariadb() {
    copy_with_checked_logins(Kind::Postgres, Kind::SqlServer, 2, 0);
    copy_with_checked_logins(Kind::SqlServer, Kind::MariaDb, 3, 2);
}
