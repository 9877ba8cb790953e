//! `churnkit run` and `churnkit demo`, run as a user runs them: the built
//! binary on small generated data sets (`churnkit generate --accounts 60
//! --days 120 --seed 3`), the files written, stdout, stderr, the exit code.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, Int64Array, RecordBatch, StringArray, TimestampMicrosecondArray,
};
use datafusion::arrow::datatypes::{DataType, Field, Float64Type, Schema, SchemaRef, TimeUnit};
use datafusion::arrow::record_batch::RecordBatchReader;
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use datafusion::parquet::arrow::ArrowWriter;

const BIN: &str = env!("CARGO_BIN_EXE_churnkit");

/// The views of sql/views/, in creation order.
const VIEWS: [&str; 12] = [
    "account_engagement",
    "support_sla",
    "account_health",
    "accounts_needing_attention",
    "cohort_retention",
    "user_lifecycle",
    "onboarding_funnel",
    "mrr_movements",
    "churn_database",
    "churn_reasons",
    "customer_lifetime",
    "saas_metrics",
];

/// The generator's end, the as_of() of these tests: 2024-07-01 00:00 UTC.
const AS_OF: &str = "2024-07-01T00:00:00Z";
const AS_OF_MICROS: i64 = 1_719_792_000_000_000;

/// A fresh directory for one test under cargo's per-target temp dir.
fn temp_dir(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("churnkit-run-tests")
        .join(test);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

fn churnkit_in(dir: Option<&Path>, args: &[&str]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args);
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    cmd.output().expect("run churnkit")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("utf-8 output")
}

/// Success: exit code 0 and nothing on stderr (not a terminal: no
/// progress); returns stdout.
fn ok_in(dir: Option<&Path>, args: &[&str]) -> String {
    let o = churnkit_in(dir, args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{args:?}\nstdout: {}\nstderr: {}",
        text(&o.stdout),
        text(&o.stderr)
    );
    assert_eq!(text(&o.stderr), "", "{args:?}");
    text(&o.stdout)
}

fn ok(args: &[&str]) -> String {
    ok_in(None, args)
}

/// Failure: exit code 1, nothing on stdout, exactly one stderr line starting
/// `churnkit: error: `; returns that line without its newline.
fn fails(args: &[&str]) -> String {
    let o = churnkit_in(None, args);
    let err = text(&o.stderr);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{args:?}\nstdout: {}\nstderr: {err}",
        text(&o.stdout)
    );
    assert_eq!(text(&o.stdout), "", "{args:?}");
    assert!(err.starts_with("churnkit: error: "), "{err}");
    assert!(
        err.ends_with('\n') && err.matches('\n').count() == 1,
        "not one line: {err:?}"
    );
    err.trim_end().to_string()
}

fn s(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// `churnkit generate --accounts 60 --days 120 --seed 3` into `dir`.
fn generate(dir: &Path, format: &str) -> PathBuf {
    let o = churnkit_in(
        None,
        &[
            "generate",
            "--accounts",
            "60",
            "--days",
            "120",
            "--seed",
            "3",
            "--format",
            format,
            "--out",
            &s(dir),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    dir.to_path_buf()
}

/// `run --events DATA/events.EXT --accounts ... [--mrr ... --tickets ...] --as-of AS_OF --out OUT`
fn run_args(data: &Path, ext: &str, optional: bool, out: &Path) -> Vec<String> {
    let file = |n: &str| s(&data.join(format!("{n}.{ext}")));
    let mut args = vec![
        "run".to_string(),
        "--events".into(),
        file("events"),
        "--accounts".into(),
        file("accounts"),
    ];
    if optional {
        args.extend([
            "--mrr".into(),
            file("mrr"),
            "--tickets".into(),
            file("tickets"),
        ]);
    }
    args.extend(["--as-of".into(), AS_OF.into(), "--out".into(), s(out)]);
    args
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn read_parquet(path: &Path) -> (SchemaRef, Vec<RecordBatch>) {
    let file = fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .build()
        .expect("parquet reader");
    let schema = reader.schema();
    let batches = reader.collect::<Result<Vec<_>, _>>().expect("read parquet");
    (schema, batches)
}

fn row_count(path: &Path) -> usize {
    read_parquet(path).1.iter().map(|b| b.num_rows()).sum()
}

/// The rows of a Parquet file as text, sorted: floats to 10 significant
/// digits (the engines may sum in another order), everything else as
/// displayed.
fn rows(path: &Path) -> (Vec<String>, Vec<String>) {
    let (schema, batches) = read_parquet(path);
    let names = schema.fields().iter().map(|f| f.name().clone()).collect();
    let options = FormatOptions::default().with_null("NULL");
    let mut out = Vec::new();
    for b in &batches {
        let cells: Vec<Box<dyn Fn(usize) -> String + '_>> = b
            .columns()
            .iter()
            .map(|c| -> Box<dyn Fn(usize) -> String + '_> {
                if c.data_type() == &DataType::Float64 {
                    let a = c.as_primitive::<Float64Type>();
                    Box::new(move |i| {
                        if a.is_null(i) {
                            "NULL".into()
                        } else {
                            format!("{:.9e}", a.value(i))
                        }
                    })
                } else {
                    let f = ArrayFormatter::try_new(c.as_ref(), &options).expect("formatter");
                    Box::new(move |i| f.value(i).to_string())
                }
            })
            .collect();
        for i in 0..b.num_rows() {
            out.push(cells.iter().map(|f| f(i)).collect::<Vec<_>>().join("|"));
        }
    }
    out.sort();
    (names, out)
}

/// Every file of a directory (name -> bytes), hidden ones included.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries {
            let e = e.expect("dir entry");
            let name = e.file_name().to_string_lossy().into_owned();
            let bytes = if e.path().is_file() {
                fs::read(e.path()).expect("read file")
            } else {
                b"<dir>".to_vec()
            };
            files.insert(name, bytes);
        }
    }
    files
}

fn expected_files(ext: &str) -> Vec<String> {
    let mut names: Vec<String> = VIEWS.iter().map(|v| format!("{v}.{ext}")).collect();
    names.push("report.html".into());
    names.sort();
    names
}

fn assert_report(path: &Path) {
    let html = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        html.contains("<html"),
        "not an HTML page: {}",
        path.display()
    );
    assert!(html.len() > 1000, "report too small: {} bytes", html.len());
}

/// The views run directly from the files of sql/views/ with `churnkit sql`
/// (the path tests/views/run_views.py compares with Postgres), each copied to
/// DIR/<view>.parquet.
fn reference_views(data: &Path, out: &Path) {
    let views_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sql/views");
    let mut files: Vec<String> = fs::read_dir(&views_dir)
        .expect("sql/views")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".sql") && !n.ends_with(".postgres.sql"))
        .collect();
    files.sort();
    let mut sql = vec![
        "CREATE TABLE churn_events (account_id BIGINT, churned_at TIMESTAMP(6) WITH TIME ZONE, reason VARCHAR, \
         detail VARCHAR, tenure_days DOUBLE PRECISION, engagement_trend DOUBLE PRECISION, last_health_tier VARCHAR, \
         mrr_lost DOUBLE PRECISION, recorded_at TIMESTAMP(6) WITH TIME ZONE)"
            .to_string(),
    ];
    for view in VIEWS {
        let shared = files.iter().find(|f| f[3..] == format!("{view}.sql"));
        let df = files
            .iter()
            .find(|f| f[3..] == format!("{view}.datafusion.sql"));
        let file = df.or(shared).expect("view file");
        let body = fs::read_to_string(views_dir.join(file)).expect("read view");
        sql.push(format!(
            "CREATE VIEW {view} AS\n{}",
            body.trim().trim_end_matches(';')
        ));
    }
    for view in VIEWS {
        sql.push(format!(
            "COPY (SELECT * FROM {view}) TO '{}' STORED AS PARQUET",
            s(&out.join(format!("{view}.parquet")))
        ));
    }
    fs::create_dir_all(out).expect("mkdir");
    let script = out.join("views.sql");
    fs::write(&script, sql.join(";\n")).expect("write sql");
    let tables: Vec<String> = ["events", "accounts", "mrr", "tickets"]
        .iter()
        .map(|t| format!("input_{t}={}", s(&data.join(format!("{t}.parquet")))))
        .collect();
    let mut args = vec!["sql", "--as-of", AS_OF];
    for t in &tables {
        args.extend(["--table", t.as_str()]);
    }
    let sql_text = fs::read_to_string(&script).expect("read sql");
    args.push(&sql_text);
    ok(&args);
}

#[test]
fn run_writes_every_view_the_report_and_the_attention_list() {
    let dir = temp_dir("every_view");
    let data = generate(&dir.join("data"), "parquet");
    let out = dir.join("out");
    let stdout = ok(&strs(&run_args(&data, "parquet", true, &out)));

    // exactly the views and the report, nothing half-written
    let names: Vec<String> = snapshot(&out).into_keys().collect();
    assert_eq!(names, expected_files("parquet"));
    assert_report(&out.join("report.html"));

    // the rows of every view are those of the view files run directly
    let reference = dir.join("reference");
    reference_views(&data, &reference);
    for view in VIEWS {
        let file = format!("{view}.parquet");
        let (cols, got) = rows(&out.join(&file));
        let (ref_cols, want) = rows(&reference.join(&file));
        assert_eq!(cols, ref_cols, "{view}: columns");
        assert_eq!(got, want, "{view}: rows");
    }
    // and they are plausible: one row per account, tickets, months, one saas row
    assert_eq!(row_count(&out.join("account_health.parquet")), 60);
    assert_eq!(row_count(&out.join("account_engagement.parquet")), 60);
    assert_eq!(
        row_count(&out.join("support_sla.parquet")),
        row_count(&data.join("tickets.parquet"))
    );
    assert!(row_count(&out.join("mrr_movements.parquet")) >= 3);
    assert!(row_count(&out.join("cohort_retention.parquet")) > 0);
    assert_eq!(row_count(&out.join("saas_metrics.parquet")), 1);

    // stdout: the first 25 accounts by rank, the rest in the file, the report
    let attention = row_count(&out.join("accounts_needing_attention.parquet"));
    assert!(
        attention > 25,
        "the data set has {attention} accounts to act on"
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[0],
        format!("Accounts needing attention: {attention}, the first 25 by rank")
    );
    assert!(
        lines[2].starts_with("| rank | account_id | name "),
        "{}",
        lines[2]
    );
    let ranks: Vec<u64> = lines
        .iter()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| rank"))
        .map(|l| l[2..].split_whitespace().next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(ranks, (1..=25).collect::<Vec<u64>>());
    let n = lines.len();
    assert_eq!(
        lines[n - 2],
        format!(
            "... and {} more: {}",
            attention - 25,
            s(&out.join("accounts_needing_attention.parquet"))
        )
    );
    assert_eq!(
        lines[n - 1],
        format!("report: {}", s(&out.join("report.html")))
    );

    // a second run replaces the files (same rows, same names)
    ok(&strs(&run_args(&data, "parquet", true, &out)));
    assert_eq!(
        snapshot(&out).into_keys().collect::<Vec<_>>(),
        expected_files("parquet")
    );
}

#[test]
fn csv_format_writes_every_view_as_csv() {
    let dir = temp_dir("csv_format");
    let data = generate(&dir.join("data"), "parquet");
    let pq = dir.join("pq");
    ok(&strs(&run_args(&data, "parquet", true, &pq)));
    let out = dir.join("csv");
    let mut args = run_args(&data, "parquet", true, &out);
    args.extend(["--format".into(), "csv".into(), "--quiet".into()]);
    let stdout = ok(&strs(&args));
    assert!(stdout.contains(&format!(
        "more: {}",
        s(&out.join("accounts_needing_attention.csv"))
    )));
    assert_eq!(
        snapshot(&out).into_keys().collect::<Vec<_>>(),
        expected_files("csv")
    );
    assert_report(&out.join("report.html"));
    for view in VIEWS {
        let csv = fs::read_to_string(out.join(format!("{view}.csv"))).expect("read csv");
        let (cols, rows) = rows(&pq.join(format!("{view}.parquet")));
        let mut lines = csv.lines();
        assert_eq!(
            lines.next(),
            Some(cols.join(",").as_str()),
            "{view}: header"
        );
        assert_eq!(lines.count(), rows.len(), "{view}: rows");
        // readable back as a table
        let table = format!("v={}", s(&out.join(format!("{view}.csv"))));
        let n = ok(&[
            "sql",
            "-f",
            "csv",
            "-t",
            &table,
            "SELECT count(*) AS n FROM v",
        ]);
        assert_eq!(n, format!("n\n{}\n", rows.len()), "{view}");
    }
    let reasons = fs::read_to_string(out.join("churn_reasons.csv")).expect("csv");
    assert!(reasons.starts_with("reason,"), "{reasons}");
}

#[test]
fn csv_and_parquet_inputs_give_the_same_rows() {
    let dir = temp_dir("csv_vs_parquet");
    let pq = generate(&dir.join("pq"), "parquet");
    let csv = generate(&dir.join("csv"), "csv");
    let (a, b) = (dir.join("from_parquet"), dir.join("from_csv"));
    ok(&strs(&run_args(&pq, "parquet", true, &a)));
    ok(&strs(&run_args(&csv, "csv", true, &b)));
    for view in VIEWS {
        let file = format!("{view}.parquet");
        let (ca, ra) = rows(&a.join(&file));
        let (cb, rb) = rows(&b.join(&file));
        assert_eq!(ca, cb, "{view}");
        assert_eq!(ra, rb, "{view}");
        // and the same types
        assert_eq!(
            read_parquet(&a.join(&file)).0.fields(),
            read_parquet(&b.join(&file)).0.fields(),
            "{view}"
        );
    }
    // Postgres-style text (`2024-01-12 16:00:00+00`, `t`/`f`) is read too
    let events = fs::read_to_string(csv.join("events.csv")).expect("csv");
    let pg_style: String = events
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                return format!("{l}\n");
            }
            let f: Vec<&str> = l.split(',').collect();
            // 2024-06-01T12:34:56.123456Z -> 2024-06-01 12:34:56.123456+00
            let ts = f[2].replacen('T', " ", 1).replace('Z', "+00");
            let key = if f[5] == "true" { "t" } else { "f" };
            format!("{},{},{ts},{},{},{key}\n", f[0], f[1], f[3], f[4])
        })
        .collect();
    let pg_dir = dir.join("pg_style");
    fs::create_dir_all(&pg_dir).expect("mkdir");
    fs::write(pg_dir.join("events.csv"), pg_style).expect("write");
    // with a byte-order mark, as spreadsheets export it
    let accounts = fs::read_to_string(csv.join("accounts.csv")).expect("csv");
    fs::write(pg_dir.join("accounts.csv"), format!("\u{feff}{accounts}")).expect("write");
    fs::copy(csv.join("mrr.csv"), pg_dir.join("mrr.csv")).expect("copy");
    fs::copy(csv.join("tickets.csv"), pg_dir.join("tickets.csv")).expect("copy");
    let c = dir.join("from_pg_style");
    ok(&strs(&run_args(&pg_dir, "csv", true, &c)));
    for view in ["account_engagement", "account_health", "cohort_retention"] {
        let file = format!("{view}.parquet");
        assert_eq!(rows(&a.join(&file)), rows(&c.join(&file)), "{view}");
    }
}

/// `DIR/<table>.csv` of `churnkit generate` (no quoted fields) as
/// newline-delimited JSON: numbers and booleans as JSON values, timestamps
/// and dates as strings, empty fields as null.
fn csv_to_ndjson(csv: &Path, table: &str, dest: &Path) {
    let text = fs::read_to_string(csv.join(format!("{table}.csv"))).expect("csv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let mut out = String::new();
    for line in lines {
        let fields: Vec<String> = header
            .iter()
            .zip(line.split(','))
            .map(|(name, v)| {
                let value = match *name {
                    _ if v.is_empty() => "null".to_string(),
                    "account_id" | "user_id" | "seats_purchased" | "mrr" | "duration_seconds"
                    | "is_key_action" => v.to_string(),
                    _ => format!("\"{v}\""),
                };
                format!("\"{name}\": {value}")
            })
            .collect();
        out.push_str(&format!("{{{}}}\n", fields.join(", ")));
    }
    fs::write(dest.join(format!("{table}.ndjson")), out).expect("write");
}

#[test]
fn ndjson_inputs_give_the_same_rows() {
    let dir = temp_dir("ndjson");
    let csv = generate(&dir.join("csv"), "csv");
    let json = dir.join("json");
    fs::create_dir_all(&json).expect("mkdir");
    for t in ["events", "accounts", "mrr", "tickets"] {
        csv_to_ndjson(&csv, t, &json);
    }
    let (a, b) = (dir.join("from_csv"), dir.join("from_json"));
    ok(&strs(&run_args(&csv, "csv", true, &a)));
    ok(&strs(&run_args(&json, "ndjson", true, &b)));
    for view in VIEWS {
        let file = format!("{view}.parquet");
        assert_eq!(rows(&a.join(&file)), rows(&b.join(&file)), "{view}");
    }
    // a timestamp string that does not parse: named with its line
    let events = fs::read_to_string(json.join("events.ndjson")).expect("json");
    let second = events.lines().nth(1).expect("line 2");
    let at = second.find("\"occurred_at\": \"").expect("occurred_at") + 16;
    let broken = format!("{}soon{}", &second[..at], &second[at + 27..]);
    let bad = dir.join("bad.ndjson");
    fs::write(&bad, events.replacen(second, &broken, 1)).expect("write");
    let err = fails(&[
        "run",
        "--events",
        &s(&bad),
        "--accounts",
        &s(&json.join("accounts.ndjson")),
        "--out",
        &s(&dir.join("x")),
    ]);
    assert_eq!(
        err,
        format!(
            "churnkit: error: events file '{}': column \"occurred_at\", line 2: cannot parse 'soon' as a timestamp",
            s(&bad)
        )
    );
}

/// events.csv without its last column (is_key_action).
fn events_without_key_action(csv: &Path, dest: &Path) {
    let events = fs::read_to_string(csv.join("events.csv")).expect("csv");
    let stripped: String = events
        .lines()
        .map(|l| format!("{}\n", l.rsplit_once(',').expect("a field").0))
        .collect();
    assert!(stripped.starts_with("account_id,user_id,occurred_at,event_name,duration_seconds\n"));
    fs::write(dest, stripped).expect("write");
}

#[test]
fn key_events_derive_is_key_action() {
    let dir = temp_dir("key_events");
    let csv = generate(&dir.join("csv"), "csv");
    let no_key = dir.join("events_no_key.csv");
    events_without_key_action(&csv, &no_key);
    let accounts = s(&csv.join("accounts.csv"));
    let full = dir.join("full");
    ok(&strs(&run_args(&csv, "csv", false, &full)));

    // without the column and without --key-events: the error says what to do
    let err = fails(&[
        "run",
        "--events",
        &s(&no_key),
        "--accounts",
        &accounts,
        "--out",
        &s(&dir.join("x")),
    ]);
    assert_eq!(
        err,
        format!(
            "churnkit: error: events file '{}': no column \"is_key_action\" (the events input needs \
             is_key_action: a boolean, whether the event is a key action (or derived: event_name in key_events)); or derive it from event_name \
             with --key-events NAME,...",
            s(&no_key)
        )
    );
    assert!(!dir.join("x").exists());

    // the generator's key actions: the same engagement as with the column
    let derived = dir.join("derived");
    ok(&[
        "run",
        "--events",
        &s(&no_key),
        "--accounts",
        &accounts,
        "--as-of",
        AS_OF,
        "--out",
        &s(&derived),
        "--key-events",
        "create_report,export_data",
        "--key-events",
        " invite_user ",
    ]);
    for view in ["account_engagement", "account_health"] {
        let file = format!("{view}.parquet");
        assert_eq!(
            rows(&full.join(&file)),
            rows(&derived.join(&file)),
            "{view}"
        );
    }

    // another list wins over the file's column: key actions = logins
    let logins = dir.join("logins");
    ok(&[
        "run",
        "--events",
        &s(&csv.join("events.csv")),
        "--accounts",
        &accounts,
        "--as-of",
        AS_OF,
        "--out",
        &s(&logins),
        "--key-events",
        "login",
    ]);
    let events = format!("e={}", s(&csv.join("events.csv")));
    let engagement = format!("a={}", s(&logins.join("account_engagement.parquet")));
    let check = ok(&[
        "sql",
        "-f",
        "csv",
        "-t",
        &events,
        "-t",
        &engagement,
        "SELECT (SELECT sum(key_actions_30d) FROM a) AS derived, \
         (SELECT count(*) FROM e WHERE event_name = 'login' \
            AND CAST(occurred_at AS TIMESTAMP) >= TIMESTAMP '2024-06-01 00:00:00') AS logins",
    ]);
    let values: Vec<&str> = check.lines().nth(1).expect("row").split(',').collect();
    assert_eq!(values[0], values[1], "{check}");
    assert!(values[0].parse::<u64>().expect("count") > 100, "{check}");
}

#[test]
fn without_mrr_and_tickets_their_views_are_empty() {
    let dir = temp_dir("no_optional");
    let data = generate(&dir.join("data"), "parquet");
    let out = dir.join("out");
    ok(&strs(&run_args(&data, "parquet", false, &out)));
    assert_eq!(
        snapshot(&out).into_keys().collect::<Vec<_>>(),
        expected_files("parquet")
    );
    assert_eq!(row_count(&out.join("mrr_movements.parquet")), 0);
    assert_eq!(row_count(&out.join("support_sla.parquet")), 0);
    assert_eq!(row_count(&out.join("account_health.parquet")), 60);
    assert_report(&out.join("report.html"));
    // saas_metrics falls back to the accounts; no churn rates without MRR history
    let (_, batches) = read_parquet(&out.join("saas_metrics.parquet"));
    let b = &batches[0];
    let customers = b
        .column_by_name("customers")
        .expect("customers")
        .as_primitive::<datafusion::arrow::datatypes::Int64Type>()
        .value(0);
    assert!(customers > 30, "{customers}");
    assert!(b
        .column_by_name("logo_churn_rate_monthly")
        .unwrap()
        .is_null(0));
    let as_of = b
        .column_by_name("as_of")
        .unwrap()
        .as_primitive::<datafusion::arrow::datatypes::TimestampMicrosecondType>()
        .value(0);
    assert_eq!(as_of, AS_OF_MICROS);
}

/// accounts.parquet whose mrr is a string.
fn accounts_with_text_mrr(path: &Path) {
    let ts = DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()));
    let schema = Arc::new(Schema::new(vec![
        Field::new("account_id", DataType::Int64, false),
        Field::new("name", DataType::Utf8, false),
        Field::new("signed_up_at", ts, false),
        Field::new("plan", DataType::Utf8, false),
        Field::new("mrr", DataType::Utf8, false),
    ]));
    let columns: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::from(vec![1])),
        Arc::new(StringArray::from(vec!["Acme"])),
        Arc::new(
            TimestampMicrosecondArray::from(vec![AS_OF_MICROS - 86_400_000_000])
                .with_timezone("UTC"),
        ),
        Arc::new(StringArray::from(vec!["pro"])),
        Arc::new(StringArray::from(vec!["499"])),
    ];
    let batch = RecordBatch::try_new(schema.clone(), columns).expect("batch");
    let mut w = ArrowWriter::try_new(fs::File::create(path).expect("create"), schema, None)
        .expect("writer");
    w.write(&batch).expect("write");
    w.close().expect("close");
}

#[test]
fn bad_inputs_fail_with_one_line_and_leave_the_output_untouched() {
    let dir = temp_dir("bad_inputs");
    let csv = generate(&dir.join("csv"), "csv");
    let pq = generate(&dir.join("pq"), "parquet");
    let bad = dir.join("bad");
    fs::create_dir_all(&bad).expect("mkdir");
    let out = dir.join("out");
    ok(&strs(&run_args(&csv, "csv", true, &out)));
    let before = snapshot(&out);
    assert_eq!(
        before.keys().cloned().collect::<Vec<_>>(),
        expected_files("parquet")
    );

    let events = fs::read_to_string(csv.join("events.csv")).expect("csv");
    let write = |name: &str, content: &str| -> String {
        let p = bad.join(name);
        fs::write(&p, content).expect("write");
        s(&p)
    };
    let header = events.lines().next().unwrap().to_string();
    let header_only = write("header_only.csv", &format!("{header}\n"));
    let empty = write("empty.csv", "");
    let garbage = write("garbage.parquet", "this is not parquet\n");
    let unknown = write("events.txt", &events);
    // line 17 (16th event): occurred_at = yesterday
    let bad_value: String = events
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 16 {
                let f: Vec<&str> = l.split(',').collect();
                format!("{},{},yesterday,{}\n", f[0], f[1], f[3..].join(","))
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    let bad_value = write("bad_value.csv", &bad_value);
    let no_occurred: String = events
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            format!("{},{},{}\n", f[0], f[1], f[3..].join(","))
        })
        .collect();
    let no_occurred = write("no_occurred_at.csv", &no_occurred);
    let text_mrr = bad.join("accounts_text_mrr.parquet");
    accounts_with_text_mrr(&text_mrr);
    let text_mrr = s(&text_mrr);
    let mrr_csv = fs::read_to_string(csv.join("mrr.csv")).expect("mrr");
    let bad_month = mrr_csv.replacen("2024-05-01", "May 2024", 1);
    let bad_month_line = 1 + bad_month
        .lines()
        .position(|l| l.contains("May 2024"))
        .unwrap();
    let bad_month = write("mrr_bad_month.csv", &bad_month);
    let tickets_csv = fs::read_to_string(csv.join("tickets.csv")).expect("tickets");
    let no_response: String = tickets_csv
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            format!("{},{},{}\n", f[0], f[1], f[3])
        })
        .collect();
    let no_response = write("tickets_no_response.csv", &no_response);
    // a value the views reject while running (a churn before the signup):
    // the first views succeed, nothing may be left of them
    let accounts_csv = fs::read_to_string(csv.join("accounts.csv")).expect("accounts");
    let negative: String = accounts_csv
        .lines()
        .enumerate()
        .map(|(i, l)| {
            let mut f: Vec<String> = l.split(',').map(String::from).collect();
            if i == 3 {
                f[7] = "2000-01-01T00:00:00Z".into();
            }
            format!("{}\n", f.join(","))
        })
        .collect();
    let negative = write("accounts_negative_tenure.csv", &negative);

    let ev = s(&csv.join("events.csv"));
    let acc = s(&csv.join("accounts.csv"));
    let missing = s(&bad.join("missing.parquet"));
    let (pq_events, pq_mrr) = (s(&pq.join("events.parquet")), s(&pq.join("mrr.parquet")));
    let o = s(&out);
    let cases: Vec<(Vec<&str>, String)> = vec![
        (
            vec!["--events", &missing, "--accounts", &acc],
            format!("events file '{missing}': no such file"),
        ),
        (
            vec!["--events", &no_occurred, "--accounts", &acc],
            format!(
                "events file '{no_occurred}': no column \"occurred_at\" (the events input needs occurred_at: \
                 a timestamp, when the event happened)"
            ),
        ),
        (
            vec!["--events", &ev, "--accounts", &text_mrr],
            format!(
                "accounts file '{text_mrr}': column \"mrr\" has type Utf8, expected a number (an integer, \
                 float or decimal type; current monthly recurring revenue)"
            ),
        ),
        (
            vec!["--events", &bad_value, "--accounts", &acc],
            format!(
                "events file '{bad_value}': column \"occurred_at\", line 17: cannot parse 'yesterday' as a timestamp"
            ),
        ),
        (
            vec!["--events", &garbage, "--accounts", &acc],
            format!("events file '{garbage}': is not a valid Parquet file: it does not start with the magic bytes PAR1"),
        ),
        (
            vec!["--events", &empty, "--accounts", &acc],
            format!("events file '{empty}': the file is empty (0 bytes)"),
        ),
        (
            vec!["--events", &header_only, "--accounts", &acc],
            format!("events file '{header_only}': no rows (the events input needs at least one)"),
        ),
        (
            vec!["--events", &unknown, "--accounts", &acc],
            format!("events file '{unknown}': cannot tell its format from the extension"),
        ),
        (
            vec!["--events", &ev, "--accounts", &acc, "--mrr", &bad_month],
            format!(
                "mrr file '{bad_month}': column \"month\", line {bad_month_line}: cannot parse 'May 2024' as a date"
            ),
        ),
        (
            vec!["--events", &ev, "--accounts", &acc, "--tickets", &no_response],
            format!("tickets file '{no_response}': no column \"first_response_at\""),
        ),
        (
            vec!["--events", &ev, "--accounts", &acc, "--mrr", &empty],
            format!("mrr file '{empty}': the file is empty (0 bytes)"),
        ),
        (
            vec!["--events", &ev, "--accounts", &negative],
            "view customer_lifetime (sql/views/11_customer_lifetime.datafusion.sql): ".to_string(),
        ),
        (
            vec!["--events", &pq_events, "--accounts", &pq_mrr],
            format!("accounts file '{pq_mrr}': no column \"name\""),
        ),
    ];
    for (inputs, expected) in &cases {
        let mut args = vec!["run", "--as-of", AS_OF, "--out", &o];
        args.extend(inputs.iter().copied());
        let err = fails(&args);
        assert!(
            err.starts_with(&format!("churnkit: error: {expected}")),
            "{inputs:?}\n got: {err}\nwant: churnkit: error: {expected}"
        );
        // the files of the earlier run are untouched, nothing else is there
        assert!(
            snapshot(&out) == before,
            "{inputs:?}: the output directory changed"
        );
    }

    // a failed run does not create its output directory
    let fresh = dir.join("fresh");
    fails(&[
        "run",
        "--events",
        &ev,
        "--accounts",
        &negative,
        "--out",
        &s(&fresh),
    ]);
    assert!(!fresh.exists());
    // an output "directory" that is a file
    let err = fails(&["run", "--events", &ev, "--accounts", &acc, "--out", &ev]);
    assert!(err.contains(&ev), "{err}");
    // usage errors: exit code 2
    let o = churnkit_in(None, &["run", "--events", &ev, "--accounts", &acc]);
    assert_eq!(o.status.code(), Some(2));
    let o = churnkit_in(
        None,
        &[
            "run",
            "--events",
            &ev,
            "--accounts",
            &acc,
            "--out",
            "x",
            "--as-of",
            "yesterday",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn demo_generates_runs_and_prints_where_the_report_is() {
    let dir = temp_dir("demo");
    let stdout = ok_in(
        Some(&dir),
        &[
            "demo",
            "--out",
            "demo",
            "--accounts",
            "60",
            "--days",
            "120",
            "--seed",
            "3",
        ],
    );
    let demo = fs::canonicalize(dir.join("demo")).expect("demo dir");
    let last = stdout.lines().last().expect("output");
    let report = demo.join("report.html");
    assert_eq!(last, format!("report: {}", s(&report)));
    assert!(Path::new(&last["report: ".len()..]).is_absolute());
    assert_report(&report);
    assert!(
        stdout.starts_with("Accounts needing attention: "),
        "{stdout}"
    );
    let mut files = expected_files("parquet");
    files.push("data".into());
    files.sort();
    assert_eq!(snapshot(&demo).into_keys().collect::<Vec<_>>(), files);
    // the data is `churnkit generate`'s, and as_of() is its end: deterministic
    let generated = generate(&dir.join("generated"), "parquet");
    for t in ["accounts", "events", "mrr", "tickets"] {
        let file = format!("{t}.parquet");
        assert_eq!(
            rows(&demo.join("data").join(&file)),
            rows(&generated.join(&file)),
            "{t}"
        );
    }
    let from_run = dir.join("run");
    ok(&strs(&run_args(&generated, "parquet", true, &from_run)));
    for view in VIEWS {
        let file = format!("{view}.parquet");
        assert_eq!(
            rows(&demo.join(&file)),
            rows(&from_run.join(&file)),
            "{view}"
        );
    }
}

#[test]
fn help_lists_the_verbs() {
    let help = ok(&["--help"]);
    assert!(help.contains("run ") && help.contains("demo "), "{help}");
    let run_help = ok(&["run", "--help"]);
    for option in [
        "--events",
        "--accounts",
        "--mrr",
        "--tickets",
        "--key-events",
        "--as-of",
        "--out",
        "--format",
        "--quiet",
    ] {
        assert!(run_help.contains(option), "{option}");
    }
}

/// Issue #8, finding 5: DIR always holds one complete run. (0.1.0 moved the
/// files in one by one: when one rename failed, or on kill -9, DIR mixed two
/// runs.)
#[test]
fn the_output_directory_switches_whole_or_not_at_all() {
    let dir = temp_dir("switch_whole");
    let data = generate(&dir.join("data"), "parquet");
    let out = dir.join("out");
    let run_as_of = |as_of: &str| -> Vec<String> {
        let mut a = run_args(&data, "parquet", true, &out);
        let i = a.iter().position(|x| x == AS_OF).unwrap();
        a[i] = as_of.to_string();
        a
    };
    // two runs whose files differ (another as_of), and the user's own file
    ok(&strs(&run_as_of("2024-06-01T00:00:00Z")));
    let run_a = snapshot(&out);
    fs::write(out.join("notes.txt"), "mine").unwrap();
    ok(&strs(&run_as_of(AS_OF)));
    let mut run_b = snapshot(&out);
    assert_eq!(fs::read(out.join("notes.txt")).unwrap(), b"mine");
    run_b.remove("notes.txt");
    assert_eq!(
        run_b.keys().cloned().collect::<Vec<_>>(),
        expected_files("parquet")
    );
    assert_ne!(
        run_a, run_b,
        "the two runs must differ for this test to prove anything"
    );

    // a run whose switch cannot happen (report.html is now a directory of
    // the user's): an error, and DIR is exactly as it was
    fs::remove_file(out.join("report.html")).unwrap();
    fs::create_dir(out.join("report.html")).unwrap();
    let before = snapshot(&out);
    let err = fails(&strs(&run_as_of("2024-06-01T00:00:00Z")));
    assert!(err.contains("cannot replace the output directory"), "{err}");
    assert_eq!(snapshot(&out), before, "a failed switch changed DIR");
    fs::remove_dir(out.join("report.html")).unwrap();
    let t0 = std::time::Instant::now();
    ok(&strs(&run_as_of(AS_OF)));
    let run_ms = t0.elapsed().as_millis() as u64;

    // kill -9 at many instants of a run, up to its end (the switch is in the
    // last few per cent): DIR is always run A or run B, whole (plus the
    // user's file); the last run, given 3 times as long, completes
    let mut seen = BTreeMap::new();
    let percents = [20u64, 50, 80, 90, 94, 97, 99, 100, 101, 103, 106, 110, 300];
    for (i, pct) in percents.iter().enumerate() {
        let delay_ms = run_ms * pct / 100;
        let as_of = if i % 2 == 0 {
            "2024-06-01T00:00:00Z"
        } else {
            AS_OF
        };
        let mut child = Command::new(BIN)
            .args(run_as_of(as_of))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let mut now = snapshot(&out);
        assert_eq!(
            now.remove("notes.txt").as_deref(),
            Some(&b"mine"[..]),
            "kill after {delay_ms} ms"
        );
        let which = if now == run_a {
            "A"
        } else if now == run_b {
            "B"
        } else {
            panic!(
                "after kill -9 at {delay_ms} ms DIR is neither complete run: {:?}",
                now.keys().collect::<Vec<_>>()
            )
        };
        *seen.entry(which).or_insert(0) += 1;
        if *pct == 300 {
            assert_eq!(which, "A", "a run given 3 times its time did not complete");
        }
    }
    // a later run removes what the killed ones left beside DIR and keeps the user's file
    ok(&strs(&run_as_of(AS_OF)));
    let leftovers: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".out.churnkit-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert_eq!(fs::read(out.join("notes.txt")).unwrap(), b"mine");
    eprintln!("kill -9 outcomes over a {run_ms} ms run: {seen:?}");
}

/// Issue #8, finding 6: hostile files are one clear error line and a
/// non-zero exit, in bounded memory and time. (0.1.0: a 100,000-column CSV
/// header grew the process to 23 GB; malformed Parquet footers panicked in
/// the parquet crate, exit 101; a FIFO hung forever.)
#[test]
fn hostile_files_are_one_clear_error() {
    let dir = temp_dir("hostile_files");
    let data = generate(&dir.join("data"), "parquet");
    let accounts = s(&data.join("accounts.parquet"));
    let out = s(&dir.join("out"));
    let write = |name: &str, bytes: &[u8]| -> String {
        let p = dir.join(name);
        fs::write(&p, bytes).unwrap();
        s(&p)
    };
    let frame = |body: &[u8], footer_len: u32| -> Vec<u8> {
        let mut b = b"PAR1".to_vec();
        b.extend_from_slice(body);
        b.extend_from_slice(&footer_len.to_le_bytes());
        b.extend_from_slice(b"PAR1");
        b
    };
    let junk: Vec<u8> = (0..200u32).map(|i| (i * 131 % 251) as u8).collect();
    let wide_header: String = (0..100_000)
        .map(|i| format!("c{i}"))
        .collect::<Vec<_>>()
        .join(",");
    let cases: Vec<(String, String)> = vec![
        (
            write("magic_only.parquet", b"PAR1PAR1"),
            "is not a valid Parquet file: 8 bytes is too short for a Parquet file".into(),
        ),
        (
            write("huge_footer.parquet", &frame(&junk, 0x7fff_ffff)),
            "is not a valid Parquet file: its footer length 2147483647 does not fit in the file"
                .into(),
        ),
        (
            write("random_footer.parquet", &frame(&junk, 64)),
            "is not a valid Parquet file: its footer is corrupt".into(),
        ),
        (
            write("no_magic.parquet", &junk),
            "is not a valid Parquet file: it does not start with the magic bytes PAR1".into(),
        ),
        (
            write(
                "wide.csv",
                format!("{wide_header}\n{}\n", wide_header.replace('c', "")).as_bytes(),
            ),
            "has 100000 columns; churnkit reads files of at most 4096 columns".into(),
        ),
    ];
    for (events, expected) in &cases {
        let err = fails(&[
            "run",
            "--events",
            events,
            "--accounts",
            &accounts,
            "--out",
            &out,
        ]);
        assert!(
            err.starts_with(&format!(
                "churnkit: error: events file '{events}': {expected}"
            )),
            "{events}: {err}"
        );
    }
    // many mutated footers: never a panic (exit 101), always exit 1 with one line
    for seed in 0..40u32 {
        let body: Vec<u8> = (0..(seed * 7 % 90 + 1))
            .map(|i| (i.wrapping_mul(2654435761) ^ seed) as u8)
            .collect();
        let f = write("mutated.parquet", &frame(&body, seed % 97 + 1));
        let o = churnkit_in(
            None,
            &[
                "run",
                "--events",
                &f,
                "--accounts",
                &accounts,
                "--out",
                &out,
            ],
        );
        assert_eq!(o.status.code(), Some(1), "seed {seed}: {}", text(&o.stderr));
        assert_eq!(
            text(&o.stderr).lines().count(),
            1,
            "seed {seed}: {}",
            text(&o.stderr)
        );
        let o = churnkit_in(
            None,
            &[
                "sql",
                "--table",
                &format!("t={f}"),
                "SELECT count(*) FROM t",
            ],
        );
        assert_eq!(
            o.status.code(),
            Some(1),
            "sql, seed {seed}: {}",
            text(&o.stderr)
        );
    }
    // a FIFO: refused at once (a child that would block is killed after 30 s)
    let fifo = dir.join("events.csv");
    let _ = fs::remove_file(&fifo);
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    for args in [
        vec![
            "run".to_string(),
            "--events".into(),
            s(&fifo),
            "--accounts".into(),
            accounts.clone(),
            "--out".into(),
            out.clone(),
        ],
        vec![
            "sql".to_string(),
            "--table".into(),
            format!("t={}", s(&fifo)),
            "SELECT 1".into(),
        ],
    ] {
        let mut child = Command::new(BIN)
            .args(&args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let t0 = std::time::Instant::now();
        let status = loop {
            if let Some(st) = child.try_wait().unwrap() {
                break st;
            }
            if t0.elapsed() > std::time::Duration::from_secs(30) {
                let _ = child.kill();
                panic!("{args:?} on a FIFO still runs after 30 s");
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        };
        let mut err = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
        assert_eq!(status.code(), Some(1), "{err}");
        assert!(err.contains("is not a regular file"), "{err}");
    }
}
