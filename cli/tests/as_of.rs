//! `churnkit sql --as-of`: the reference time read by the SQL function
//! `as_of()`, run as a user runs it (the built binary, stdout, exit code).

use std::process::{Command, Output};
use std::time::{SystemTime, UNIX_EPOCH};

const BIN: &str = env!("CARGO_BIN_EXE_churnkit");

fn churnkit(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().expect("run churnkit")
}

/// Success: exit code 0, nothing on stderr; returns stdout.
fn ok(args: &[&str]) -> String {
    let o = churnkit(args);
    let (out, err) = (
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{args:?}\nstdout: {out}\nstderr: {err}"
    );
    assert_eq!(err, "", "{args:?}");
    out.into_owned()
}

fn now_micros() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_micros() as i64
}

#[test]
fn as_of_returns_the_given_instant_in_utc_microseconds() {
    let sql = "SELECT as_of() AS a, arrow_typeof(as_of()) AS t";
    let expected = "a,t\n2024-07-01T00:00:00Z,\"Timestamp(µs, \"\"UTC\"\")\"\n";
    // every spelling of the same instant gives the same value
    for spelling in [
        "2024-07-01T00:00:00Z",
        "2024-07-01T02:00:00+02:00",
        "2024-06-30 20:00:00-04:00",
        "2024-07-01 00:00:00",
        "2024-07-01",
    ] {
        assert_eq!(
            ok(&["sql", "--as-of", spelling, "-f", "csv", sql]),
            expected,
            "--as-of {spelling}"
        );
    }
    assert_eq!(
        ok(&[
            "sql",
            "--as-of",
            "2024-02-29T13:45:10.123456Z",
            "-f",
            "csv",
            "SELECT as_of() AS a"
        ]),
        "a\n2024-02-29T13:45:10.123456Z\n"
    );
    // before 1677 and after 2262 too (0.1.0 took Arrow's
    // nanosecond range only), as Postgres's churnkit.as_of does
    for (spelling, shown) in [
        ("1500-03-01T12:00:00Z", "1500-03-01T12:00:00Z"),
        ("2400-01-01", "2400-01-01T00:00:00Z"),
    ] {
        assert_eq!(
            ok(&[
                "sql",
                "--as-of",
                spelling,
                "-f",
                "csv",
                "SELECT as_of() AS a"
            ]),
            format!("a\n{shown}\n"),
            "--as-of {spelling}"
        );
    }
}

#[test]
fn as_of_drives_the_churnkit_functions_and_views() {
    // the windows of activity_trend and the rules of churn_risk_stage follow --as-of
    let sql = "CREATE VIEW e AS SELECT CAST(ts AS TIMESTAMP) AS occurred_at \
               FROM (VALUES ('2024-06-01'), ('2024-06-02'), ('2024-06-03'), ('2024-06-04'), ('2024-06-20')) AS t(ts); \
               SELECT activity_trend(occurred_at, as_of(), 14) AS trend, \
                      churn_risk_stage(as_of(), CAST('2023-01-10' AS TIMESTAMP), NULL, max(occurred_at), NULL) AS stage, \
                      count(*) FILTER (WHERE occurred_at >= as_of() - INTERVAL '720 hours') AS last_30_days \
               FROM e";
    assert_eq!(
        ok(&["sql", "--as-of", "2024-06-29", "-f", "csv", sql]),
        "trend,stage,last_30_days\n-0.75,active,5\n"
    );
    assert_eq!(
        ok(&["sql", "--as-of", "2024-07-10", "-f", "csv", sql]),
        "trend,stage,last_30_days\n-1.0,dormant,1\n"
    );
}

#[test]
fn without_as_of_it_is_the_start_of_the_command_once_for_all_statements() {
    let before = now_micros();
    let out = ok(&[
        "sql",
        "-f",
        "csv",
        "CREATE TABLE t0 AS SELECT as_of() AS a; \
         SELECT CAST(a AS BIGINT) AS micros, a = as_of() AS same_in_later_statement, as_of() = as_of() AS same_in_row, \
                arrow_typeof(as_of()) AS t FROM t0",
    ]);
    let after = now_micros();
    let row = out.lines().nth(1).expect("one row");
    let fields: Vec<&str> = row.splitn(4, ',').collect();
    let micros: i64 = fields[0].parse().expect("micros");
    assert!(
        before <= micros && micros <= after,
        "{before} <= {micros} <= {after}"
    );
    assert_eq!(
        &fields[1..],
        ["true", "true", "\"Timestamp(µs, \"\"UTC\"\")\""]
    );
}

#[test]
fn a_bad_as_of_is_a_usage_error() {
    for bad in ["yesterday", "2024-13-01", "2024-07-01T25:00:00Z", ""] {
        let o = churnkit(&["sql", "--as-of", bad, "SELECT as_of()"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "--as-of {bad:?}: {err}");
        assert!(
            err.contains("--as-of <TIMESTAMP>") && err.contains("is not a timestamp"),
            "{err}"
        );
        assert!(o.stdout.is_empty());
    }
    let help = ok(&["sql", "--help"]);
    assert!(
        help.contains("--as-of <TIMESTAMP>") && help.contains("as_of()"),
        "{help}"
    );
}
