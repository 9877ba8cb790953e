//! `churnkit sql`, run as a user runs it: the built binary, files on disk,
//! stdout, stderr and the exit code.

use std::fs;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use datafusion::arrow::array::{
    ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray, TimestampMicrosecondArray,
};
use datafusion::arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use datafusion::parquet::arrow::ArrowWriter;

const BIN: &str = env!("CARGO_BIN_EXE_churnkit");

/// A fresh directory for one test under cargo's per-target temp dir.
fn temp_dir(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("churnkit-cli-tests")
        .join(test);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

fn churnkit(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().expect("run churnkit")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8 stderr")
}

/// Success: exit code 0 and nothing on stderr; returns stdout.
fn ok(args: &[&str]) -> String {
    let o = churnkit(args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{args:?}\nstdout: {}\nstderr: {}",
        stdout(&o),
        stderr(&o)
    );
    assert_eq!(stderr(&o), "", "{args:?}");
    stdout(&o)
}

/// Failure: exit code 1, nothing on stdout, exactly one stderr line starting
/// `churnkit: error: `; returns that line without its newline.
fn fails(args: &[&str]) -> String {
    let o = churnkit(args);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{args:?}\nstdout: {}\nstderr: {}",
        stdout(&o),
        stderr(&o)
    );
    assert_eq!(stdout(&o), "", "{args:?}");
    let err = stderr(&o);
    assert!(err.starts_with("churnkit: error: "), "{err}");
    assert!(
        err.ends_with('\n') && err.matches('\n').count() == 1,
        "not one line: {err:?}"
    );
    err.trim_end().to_string()
}

fn usage_error(args: &[&str]) -> String {
    let o = churnkit(args);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{args:?}\nstdout: {}\nstderr: {}",
        stdout(&o),
        stderr(&o)
    );
    stderr(&o)
}

const USAGE_CSV: &str = "account_id,active_minutes,active_days,key_actions,score\n\
1,600,15,30,72\n\
2,,15,30,55\n\
3,450,0,0,\n\
4,900,30,60,39.5\n";

fn write_usage_csv(dir: &std::path::Path) -> String {
    let path = dir.join("usage.csv");
    fs::write(&path, USAGE_CSV).expect("write csv");
    path.to_string_lossy().into_owned()
}

/// accounts.parquet: timestamps as Timestamp(Microsecond, UTC), NULLs included.
fn write_accounts_parquet(dir: &std::path::Path) -> String {
    const DAY: i64 = 86_400_000_000;
    let day = |d: i64| 19_875 * DAY + d * DAY; // 19875 = 2024-06-01
    let ts = DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()));
    let schema = Arc::new(Schema::new(vec![
        Field::new("account_id", DataType::Int64, false),
        Field::new("plan", DataType::Utf8, false),
        Field::new("signed_up_at", ts.clone(), false),
        Field::new("renewal_at", ts.clone(), true),
        Field::new("last_active_at", ts.clone(), true),
        Field::new("churned_at", ts, true),
        Field::new("mrr", DataType::Float64, true),
    ]));
    let utc = |v: Vec<Option<i64>>| -> ArrayRef {
        Arc::new(TimestampMicrosecondArray::from(v).with_timezone("UTC"))
    };
    let columns: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::from(vec![1, 2, 3, 4])),
        Arc::new(StringArray::from(vec![
            "pro",
            "starter",
            "pro",
            "enterprise",
        ])),
        utc(vec![
            Some(day(-200)),
            Some(day(-10)),
            Some(day(-300)),
            Some(day(-400)),
        ]),
        utc(vec![Some(day(150)), None, Some(day(30)), None]),
        utc(vec![Some(day(-1)), Some(day(-2)), Some(day(-3)), None]),
        utc(vec![None, None, None, Some(day(-20))]),
        Arc::new(Float64Array::from(vec![
            Some(499.0),
            Some(49.0),
            None,
            Some(0.0),
        ])),
    ];
    let batch = RecordBatch::try_new(schema.clone(), columns).expect("batch");
    let path = dir.join("accounts.parquet");
    let file = fs::File::create(&path).expect("create parquet");
    let mut writer = ArrowWriter::try_new(file, schema, None).expect("parquet writer");
    writer.write(&batch).expect("write parquet");
    writer.close().expect("close parquet");
    path.to_string_lossy().into_owned()
}

#[test]
fn reference_score_prints_90() {
    let out = ok(&["sql", "SELECT engagement_score(600, 15, 30, 30) AS s"]);
    assert_eq!(out, "+------+\n| s    |\n+------+\n| 90.0 |\n+------+\n");
    let out = ok(&[
        "sql",
        "--format",
        "csv",
        "SELECT engagement_score(600, 15, 30, 30) AS s, health_tier(72) AS t",
    ]);
    assert_eq!(out, "s,t\n90.0,good\n");
    let out = ok(&[
        "sql",
        "--format",
        "json",
        "SELECT engagement_score(600, 15, 30, 30) AS s, health_tier(72) AS t",
    ]);
    assert_eq!(out, "[{\"s\":90.0,\"t\":\"good\"}]\n");
}

#[test]
fn csv_table_in_every_output_format() {
    let dir = temp_dir("csv_table");
    let csv = write_usage_csv(&dir);
    let table = format!("usage={csv}");
    let sql = "SELECT account_id, engagement_score(active_minutes, active_days, key_actions, 30) AS engagement, \
               health_tier(score) AS tier FROM usage ORDER BY account_id";
    assert_eq!(
        ok(&["sql", "--table", &table, sql]),
        "+------------+------------+---------+\n\
         | account_id | engagement | tier    |\n\
         +------------+------------+---------+\n\
         | 1          | 90.0       | good    |\n\
         | 2          |            | average |\n\
         | 3          | 15.0       |         |\n\
         | 4          | 100.0      | poor    |\n\
         +------------+------------+---------+\n"
    );
    assert_eq!(
        ok(&["sql", "-t", &table, "--format", "csv", sql]),
        "account_id,engagement,tier\n1,90.0,good\n2,,average\n3,15.0,\n4,100.0,poor\n"
    );
    assert_eq!(
        ok(&["sql", "-t", &table, "-f", "json", sql]),
        "[{\"account_id\":1,\"engagement\":90.0,\"tier\":\"good\"},\
         {\"account_id\":2,\"engagement\":null,\"tier\":\"average\"},\
         {\"account_id\":3,\"engagement\":15.0,\"tier\":null},\
         {\"account_id\":4,\"engagement\":100.0,\"tier\":\"poor\"}]\n"
    );
    // no rows: the header (csv), an empty array (json), an empty table
    let none = "SELECT account_id, health_tier(score) AS tier FROM usage WHERE false";
    assert_eq!(
        ok(&["sql", "-t", &table, "-f", "csv", none]),
        "account_id,tier\n"
    );
    assert_eq!(ok(&["sql", "-t", &table, "-f", "json", none]), "[]\n");
    assert_eq!(ok(&["sql", "-t", &table, none]), "+------------+------+\n| account_id | tier |\n+------------+------+\n+------------+------+\n");
}

#[test]
fn parquet_table_and_several_statements() {
    let dir = temp_dir("parquet_table");
    let parquet = write_accounts_parquet(&dir);
    let csv = write_usage_csv(&dir);
    let accounts = format!("accounts={parquet}");
    let usage = format!("usage={csv}");
    let sql = "CREATE VIEW account_health AS \
               SELECT a.account_id, a.plan, \
                      churn_risk_stage(TIMESTAMP '2024-06-01 00:00:00', a.signed_up_at, a.renewal_at, a.last_active_at, a.churned_at) AS stage, \
                      engagement_score(u.active_minutes, u.active_days, u.key_actions, 30) AS engagement, \
                      mrr_movement(a.mrr, 0, true) AS if_lost \
               FROM accounts a LEFT JOIN usage u ON u.account_id = a.account_id; \
               SELECT account_id, plan, stage, engagement, health_tier(engagement) AS tier, if_lost \
               FROM account_health ORDER BY account_id;";
    assert_eq!(
        ok(&["sql", "--table", &accounts, "--table", &usage, "--format", "csv", sql]),
        "account_id,plan,stage,engagement,tier,if_lost\n\
         1,pro,active,90.0,good,churn\n\
         2,starter,onboarding,,,churn\n\
         3,pro,renewal_due,15.0,poor,\n\
         4,enterprise,churned,100.0,good,\n"
    );
    // a ';' inside a string literal is not a statement separator
    assert_eq!(
        ok(&[
            "sql",
            "-f",
            "csv",
            "SELECT 'a;b' AS s; SELECT health_tier(55) AS t"
        ]),
        "t\naverage\n"
    );
    // a statement list whose last statement has no result prints nothing
    assert_eq!(
        ok(&[
            "sql",
            "-t",
            &accounts,
            "CREATE VIEW v AS SELECT * FROM accounts"
        ]),
        ""
    );
}

#[test]
fn ndjson_table_and_sql_from_stdin() {
    let dir = temp_dir("ndjson");
    let path = dir.join("tickets.ndjson");
    fs::write(
        &path,
        "{\"id\": 1, \"opened_at\": \"2024-01-12T16:00:00Z\", \"first_response_at\": \"2024-01-15T10:00:00Z\"}\n\
         {\"id\": 2, \"opened_at\": \"2024-01-08T10:00:00Z\", \"first_response_at\": null}\n",
    )
    .unwrap();
    let table = format!("tickets={}", path.display());
    let mut child = Command::new(BIN)
        .args(["sql", "-t", &table, "-f", "csv", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"SELECT id, business_hours_between(opened_at, first_response_at) AS hours FROM tickets ORDER BY id")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(stderr(&o), "");
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "id,hours\n1,2.0\n2,\n");
}

#[test]
fn errors_are_one_line_with_exit_code_1() {
    let dir = temp_dir("errors");
    let csv = write_usage_csv(&dir);
    // a bad function argument: the core's message, unchanged
    assert_eq!(
        fails(&["sql", "SELECT engagement_score(10, 40, 0, 30)"]),
        "churnkit: error: Execution error: engagement_score: invalid active_days: 40 is greater than period_days 30"
    );
    let core = |e: churnkit_core::ChurnError| format!("churnkit: error: Execution error: {e}");
    // ... also when it comes from a row of a file, in any output format
    let table = format!("usage={csv}");
    assert_eq!(
        fails(&[
            "sql",
            "-t",
            &table,
            "-f",
            "csv",
            "SELECT engagement_score(active_minutes, active_days, key_actions, 10) FROM usage"
        ]),
        core(
            churnkit_core::scalar::engagement_score(600.0, 15.0, 30.0, 10.0, &Default::default())
                .unwrap_err()
        )
    );
    assert_eq!(
        fails(&[
            "sql",
            "SELECT cohort_period('2024-01-01', '2024-02-01', 'fortnight')"
        ]),
        core(
            churnkit_core::time::Granularity::parse("cohort_period", "granularity", "fortnight")
                .unwrap_err()
        )
    );
    // a missing file
    let missing = dir.join("missing.parquet");
    let e = fails(&[
        "sql",
        "--table",
        &format!("events={}", missing.display()),
        "SELECT 1",
    ]);
    assert_eq!(
        e,
        format!(
            "churnkit: error: --table events: no such file or directory: {}",
            missing.display()
        )
    );
    // an unknown extension
    let txt = dir.join("data.txt");
    fs::write(&txt, "a\n1\n").unwrap();
    let e = fails(&[
        "sql",
        "--table",
        &format!("data={}", txt.display()),
        "SELECT 1",
    ]);
    assert!(
        e.contains("cannot tell the format of")
            && e.contains("(expected .parquet, .csv, .json or .ndjson)"),
        "{e}"
    );
    // an unknown function (DataFusion's hint joins the same line)
    let e = fails(&["sql", "SELECT no_such_function(1)"]);
    assert!(
        e.starts_with(
            "churnkit: error: Error during planning: Invalid function 'no_such_function'"
        ),
        "{e}"
    );
    // an unknown table, bad SQL, wrong arity
    let e = fails(&["sql", "SELECT * FROM nowhere"]);
    assert!(
        e.contains("table 'datafusion.public.nowhere' not found"),
        "{e}"
    );
    let e = fails(&["sql", "SELEC 1"]);
    assert!(
        e.starts_with("churnkit: error: SQL error: ParserError"),
        "{e}"
    );
    let e = fails(&["sql", "SELECT health_tier()"]);
    assert!(
        e.contains("health_tier expects 1 to 3 arguments, got 0"),
        "{e}"
    );
    assert_eq!(
        fails(&["sql", " ; "]),
        "churnkit: error: no SQL statement to run"
    );
    // the statements before the failing one ran, the failing one stops the job
    let e = fails(&[
        "sql",
        "CREATE VIEW v AS SELECT 1 AS a; SELECT health_tier(50, 30) FROM v",
    ]);
    assert_eq!(
        e,
        core(churnkit_core::scalar::TierThresholds::new(30.0, 40.0).unwrap_err())
    );
}

#[test]
fn bad_usage_exits_with_code_2() {
    assert!(usage_error(&["sql"]).contains("<SQL>"));
    assert!(usage_error(&["sql", "--format", "xml", "SELECT 1"]).contains("xml"));
    assert!(
        usage_error(&["sql", "--table", "no_equals_sign", "SELECT 1"]).contains("is not NAME=PATH")
    );
    assert!(
        usage_error(&["sql", "--table", "9x=a.csv", "SELECT 1"]).contains("not a valid table name")
    );
    assert!(usage_error(&["frobnicate"]).contains("frobnicate"));
    let help = ok(&["sql", "--help"]);
    assert!(
        help.contains("Usage: churnkit sql [OPTIONS] <SQL>"),
        "{help}"
    );
}

#[test]
fn nested_values_in_csv_are_text() {
    let out = ok(&[
        "sql",
        "--format",
        "csv",
        "SELECT [1, 2, NULL] AS a, named_struct('x', 1) AS s, CAST(NULL AS INT) AS n",
    ]);
    assert_eq!(out, "a,s,n\n\"[1, 2, ]\",{x: 1},\n");
}

#[test]
fn generate_writes_the_four_inputs_deterministically() {
    let dir = temp_dir("generate");
    let (a, b) = (dir.join("a"), dir.join("b"));
    for d in [&a, &b] {
        let o = churnkit(&[
            "generate",
            "--accounts",
            "50",
            "--days",
            "90",
            "--seed",
            "3",
            "--format",
            "csv",
            "--out",
            d.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    for t in ["accounts", "events", "mrr", "tickets"] {
        let x = fs::read(a.join(format!("{t}.csv"))).unwrap();
        assert_eq!(
            x,
            fs::read(b.join(format!("{t}.csv"))).unwrap(),
            "{t} differs between runs"
        );
        assert!(x.len() > 40, "{t} is empty");
    }
    let names: Vec<String> = fs::read_dir(&a)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(names.iter().all(|n| !n.contains("partial")), "{names:?}");
    let bad = usage_error(&["generate", "--accounts", "0", "--out", a.to_str().unwrap()]);
    assert!(bad.contains("--accounts"), "{bad}");
}
