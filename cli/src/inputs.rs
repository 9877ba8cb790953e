//! The inputs of `churnkit run`: files mapped onto the input contract of the
//! warehouse views (docs/warehouse.md, "Inputs"), exactly as Postgres
//! `churnkit.setup()` maps tables (`input_contract`, `_cast_expression`,
//! `_input_select` of src/warehouse/warehouse.sql):
//!
//! * every contract column must be a column of the file with that name, of a
//!   type of the column's family, and is cast to the contract type; optional
//!   columns may be absent (then a typed NULL); other columns are ignored;
//! * `--key-events a,b` derives `is_key_action = event_name IN ('a', 'b')`;
//! * CSV has no types: the header is read first and every column is read as
//!   text, then parsed into the contract type by the same Arrow cast kernel
//!   that the views' input relation uses (so what validation accepts, the run
//!   accepts). JSON has no timestamp type: a timestamp or month column given as
//!   strings is parsed the same way;
//! * every file is checked completely before any view runs: existence, a
//!   readable format, the columns and types, and (CSV, JSON) every value of
//!   every parsed column, so a bad value is reported with its line.
//!
//! A missing `mrr` or `tickets` input is an empty relation with the contract
//! columns, and `churn_events` is always an empty relation.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::compute::{cast_with_options, CastOptions};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use datafusion::arrow::error::ArrowError;
use datafusion::common::ScalarValue;
use datafusion::datasource::MemTable;
use datafusion::functions::expr_fn::date_trunc;
use datafusion::prelude::{
    cast, ident, lit, CsvReadOptions, DataFrame, Expr, JsonReadOptions, ParquetReadOptions,
    SessionContext,
};

use crate::error::{CliError, Result};
use crate::session::FileFormat;

/// What a contract column may be in a file, and how it is cast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Any integer type → `Int64`.
    Id,
    /// Integers, floats, decimals → `Float64`.
    Number,
    /// Any string type (or a dictionary of strings) → `Utf8`.
    Text,
    /// `Boolean`.
    Boolean,
    /// A timestamp of any unit, with a time zone or naive (read as UTC), or a
    /// date (midnight UTC) → `Timestamp(Microsecond, "UTC")`.
    Timestamp,
    /// A date or timestamp (UTC), truncated to the first day of its month →
    /// `Date32`.
    Month,
}

impl Family {
    /// The contract type.
    pub fn contract_type(self) -> DataType {
        match self {
            Family::Id => DataType::Int64,
            Family::Number => DataType::Float64,
            Family::Text => DataType::Utf8,
            Family::Boolean => DataType::Boolean,
            Family::Timestamp => utc_micros(),
            Family::Month => DataType::Date32,
        }
    }

    /// The types of a file that fit the family, for "expected ...".
    fn accepted(self) -> &'static str {
        match self {
            Family::Id => "any integer type",
            Family::Number => "an integer, float or decimal type",
            Family::Text => "a string type",
            Family::Boolean => "Boolean",
            Family::Timestamp => {
                "a timestamp with a time zone, or without one (read as UTC), or a date"
            }
            Family::Month => "a date or a timestamp, truncated to its month",
        }
    }

    /// What a text value failed to parse as.
    fn noun(self) -> &'static str {
        match self {
            Family::Id => "an integer",
            Family::Number => "a number",
            Family::Text => "a string",
            Family::Boolean => "a boolean",
            Family::Timestamp => "a timestamp",
            Family::Month => "a date",
        }
    }

    /// The type a text value is parsed into (the month is parsed as a
    /// timestamp, then truncated).
    fn parse_type(self) -> DataType {
        match self {
            Family::Month => utc_micros(),
            other => other.contract_type(),
        }
    }
}

pub fn utc_micros() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
}

/// One column of the input contract.
#[derive(Debug)]
pub struct ContractColumn {
    pub name: &'static str,
    pub family: Family,
    /// May be absent from the file (then NULL).
    pub optional: bool,
    pub description: &'static str,
}

/// One input of the views.
#[derive(Debug)]
pub struct InputSpec {
    /// `events`, `accounts`, `mrr`, `tickets`: the option name.
    pub name: &'static str,
    /// The relation the views read: `input_events`...
    pub relation: &'static str,
    /// events and accounts must have at least one row.
    pub needs_rows: bool,
    pub columns: &'static [ContractColumn],
}

const fn col(
    name: &'static str,
    family: Family,
    optional: bool,
    description: &'static str,
) -> ContractColumn {
    ContractColumn {
        name,
        family,
        optional,
        description,
    }
}

// The contract of src/warehouse/warehouse.sql `input_contract()`, word for word.
pub static EVENTS: InputSpec = InputSpec {
    name: "events",
    relation: "input_events",
    needs_rows: true,
    columns: &[
        col("account_id", Family::Id, false, "the account of the event"),
        col(
            "user_id",
            Family::Id,
            false,
            "the user of the account who acted",
        ),
        col(
            "occurred_at",
            Family::Timestamp,
            false,
            "when the event happened",
        ),
        col("event_name", Family::Text, false, "what happened"),
        col(
            "duration_seconds",
            Family::Number,
            true,
            "active time of the event in seconds (NULL: unknown)",
        ),
        col(
            "is_key_action",
            Family::Boolean,
            false,
            "whether the event is a key action",
        ),
    ],
};

pub static ACCOUNTS: InputSpec = InputSpec {
    name: "accounts",
    relation: "input_accounts",
    needs_rows: true,
    columns: &[
        col("account_id", Family::Id, false, "the account"),
        col("name", Family::Text, false, "account name"),
        col(
            "signed_up_at",
            Family::Timestamp,
            false,
            "when the account signed up",
        ),
        col("plan", Family::Text, false, "current plan"),
        col(
            "mrr",
            Family::Number,
            false,
            "current monthly recurring revenue",
        ),
        col(
            "seats_purchased",
            Family::Id,
            true,
            "seats paid for (NULL: not seat-based)",
        ),
        col(
            "renewal_at",
            Family::Timestamp,
            true,
            "next renewal date (NULL: none)",
        ),
        col(
            "churned_at",
            Family::Timestamp,
            true,
            "when the account churned (NULL: still a customer)",
        ),
        col(
            "churn_reason",
            Family::Text,
            true,
            "why the account churned",
        ),
    ],
};

pub static MRR: InputSpec = InputSpec {
    name: "mrr",
    relation: "input_mrr",
    needs_rows: false,
    columns: &[
        col("account_id", Family::Id, false, "the account"),
        col(
            "month",
            Family::Month,
            false,
            "a paid month (first day of the month)",
        ),
        col(
            "mrr",
            Family::Number,
            false,
            "MRR of the account in that month",
        ),
    ],
};

pub static TICKETS: InputSpec = InputSpec {
    name: "tickets",
    relation: "input_tickets",
    needs_rows: false,
    columns: &[
        col(
            "account_id",
            Family::Id,
            false,
            "the account that opened the ticket",
        ),
        col(
            "opened_at",
            Family::Timestamp,
            false,
            "when the ticket was opened",
        ),
        col(
            "first_response_at",
            Family::Timestamp,
            false,
            "first response of support (NULL: none yet)",
        ),
        col(
            "resolved_at",
            Family::Timestamp,
            true,
            "when the ticket was resolved (NULL: open)",
        ),
    ],
};

impl InputSpec {
    /// The relation's schema (the contract types), e.g. for an empty input.
    pub fn schema(&self) -> SchemaRef {
        Arc::new(Schema::new(
            self.columns
                .iter()
                .map(|c| Field::new(c.name, c.family.contract_type(), true))
                .collect::<Vec<_>>(),
        ))
    }
}

/// `churn_events`: churnkit's table of recorded churns (Postgres:
/// `churnkit.record_churn`); always empty here.
pub fn churn_events_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("account_id", DataType::Int64, true),
        Field::new("churned_at", utc_micros(), true),
        Field::new("reason", DataType::Utf8, true),
        Field::new("detail", DataType::Utf8, true),
        Field::new("tenure_days", DataType::Float64, true),
        Field::new("engagement_trend", DataType::Float64, true),
        Field::new("last_health_tier", DataType::Utf8, true),
        Field::new("mrr_lost", DataType::Float64, true),
        Field::new("recorded_at", utc_micros(), true),
    ]))
}

/// Register an empty relation `name` with `schema`.
pub fn register_empty(ctx: &SessionContext, name: &str, schema: SchemaRef) -> Result<()> {
    let table = MemTable::try_new(schema, vec![vec![]])?;
    ctx.register_table(name, Arc::new(table))?;
    Ok(())
}

/// How a file column becomes its contract column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Conversion {
    /// An Arrow cast of a typed column (a no-op when the type is already right).
    Cast,
    /// Text parsed into the contract type (CSV; JSON timestamps): every value
    /// is checked before the run.
    Parse,
}

fn is_integer(t: &DataType) -> bool {
    t.is_integer()
}

fn is_string(t: &DataType) -> bool {
    match t {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
        DataType::Dictionary(_, v) => is_string(v),
        _ => false,
    }
}

/// Whether a column of type `t` read from a file of `format` fits `family`.
fn conversion(family: Family, t: &DataType, format: FileFormat) -> Option<Conversion> {
    if *t == DataType::Null {
        return Some(Conversion::Cast); // every value is null (JSON)
    }
    if format == FileFormat::Csv {
        // every column of a CSV file is read as text
        return Some(if family == Family::Text {
            Conversion::Cast
        } else {
            Conversion::Parse
        });
    }
    let fits = match family {
        Family::Id => is_integer(t),
        Family::Number => {
            is_integer(t)
                || t.is_floating()
                || matches!(
                    t,
                    DataType::Decimal32(..)
                        | DataType::Decimal64(..)
                        | DataType::Decimal128(..)
                        | DataType::Decimal256(..)
                )
        }
        Family::Text => is_string(t),
        Family::Boolean => *t == DataType::Boolean,
        Family::Timestamp | Family::Month => {
            matches!(
                t,
                DataType::Timestamp(..) | DataType::Date32 | DataType::Date64
            )
        }
    };
    if fits {
        return Some(Conversion::Cast);
    }
    // JSON has no timestamp type: ISO 8601 strings are parsed
    let json_time = format == FileFormat::NdJson
        && matches!(family, Family::Timestamp | Family::Month)
        && is_string(t);
    json_time.then_some(Conversion::Parse)
}

/// The expression reading file column `name` (of a type that fits) as the
/// contract column of `family`, named `name`.
fn cast_expression(name: &str, family: Family) -> Expr {
    let column = ident(name);
    let expr = match family {
        // the timestamp in UTC, truncated to the month (in UTC: the session's
        // and the column's time zone), as a date
        Family::Month => cast(
            date_trunc(lit("month"), cast(column, utc_micros())),
            DataType::Date32,
        ),
        other => cast(column, other.contract_type()),
    };
    expr.alias(name)
}

/// One input file named on the command line.
#[derive(Debug)]
pub struct InputFile {
    pub spec: &'static InputSpec,
    pub path: PathBuf,
}

impl InputFile {
    /// `events file 'data/ev.csv'`: how every message names the input.
    fn what(&self) -> String {
        format!("{} file '{}'", self.spec.name, self.path.display())
    }

    fn error(&self, text: impl std::fmt::Display) -> CliError {
        CliError::msg(format!("{}: {text}", self.what()))
    }
}

/// A checked input: its rows (where counted) and the relation to register.
pub struct MappedInput {
    pub relation: &'static str,
    pub frame: DataFrame,
    /// Rows of the file.
    pub rows: u64,
}

/// Check `input` completely and map it onto its contract: a DataFrame with
/// exactly the contract's columns and types, to be registered as
/// `input.spec.relation`.
pub async fn map_input(
    ctx: &SessionContext,
    input: &InputFile,
    key_events: Option<&[String]>,
) -> Result<MappedInput> {
    let path = &input.path;
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(input.error("no such file"));
        }
        Err(e) => return Err(input.error(format!("cannot read it: {e}"))),
    };
    if meta.is_dir() {
        return Err(input.error("is a directory, not a file"));
    }
    if !meta.is_file() {
        // a FIFO, socket or device: reading it could block forever or never end
        return Err(input.error(
            "is not a regular file (a FIFO, socket or device cannot be an input: copy it to a file first)",
        ));
    }
    if let Err(e) = File::open(path) {
        return Err(input.error(format!("cannot read it: {e}")));
    }
    if meta.len() == 0 {
        return Err(input.error("the file is empty (0 bytes)"));
    }
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let format = FileFormat::from_extension(ext).ok_or_else(|| {
        input.error(
            "cannot tell its format from the extension (expected .parquet, .csv, .json or .ndjson)",
        )
    })?;
    let path_str = path
        .to_str()
        .ok_or_else(|| input.error("the path is not valid UTF-8"))?;
    let dotted = format!(".{ext}");

    // 1. the file's columns, and a DataFrame reading it
    let (frame, file_schema) = match format {
        FileFormat::Parquet => {
            check_parquet_footer(&input.path, meta.len(), |m| input.error(m))?;
            let frame = ctx
                .read_parquet(
                    path_str,
                    ParquetReadOptions::default().file_extension(&dotted),
                )
                .await
                .map_err(|e| {
                    input.error(format!("cannot read it as Parquet: {}", df_message(&e)))
                })?;
            let schema = frame.schema().as_arrow().clone();
            (frame, schema)
        }
        FileFormat::Csv => {
            let schema = csv_header(input)?;
            let frame = ctx
                .read_csv(
                    path_str,
                    CsvReadOptions::new()
                        .has_header(true)
                        .schema(&schema)
                        .file_extension(&dotted),
                )
                .await
                .map_err(|e| input.error(format!("cannot read it as CSV: {}", df_message(&e))))?;
            (frame, schema)
        }
        FileFormat::NdJson => {
            let unreadable = |e: datafusion::error::DataFusionError| {
                input.error(format!(
                    "cannot read it as newline-delimited JSON (one object per line): {}",
                    df_message(&e)
                ))
            };
            let inferred = ctx
                .read_json(path_str, JsonReadOptions::default().file_extension(&dotted))
                .await
                .map_err(unreadable)?;
            // a column that is null in every sampled line is inferred as Null:
            // read it as the family's natural JSON type instead
            let schema = json_schema(inferred.schema().as_arrow(), input.spec);
            let frame = ctx
                .read_json(
                    path_str,
                    JsonReadOptions::default()
                        .file_extension(&dotted)
                        .schema(&schema),
                )
                .await
                .map_err(unreadable)?;
            (frame, schema)
        }
    };

    // a file far wider than any contract input would cost a column builder
    // each (about 260 kB per column for CSV): refused before anything is read
    if file_schema.fields().len() > MAX_INPUT_COLUMNS {
        return Err(input.error(format!(
            "has {} columns; churnkit reads files of at most {MAX_INPUT_COLUMNS} columns (the {} input needs {}): select the columns first",
            file_schema.fields().len(),
            input.spec.name,
            input.spec.columns.len()
        )));
    }

    // 2. every contract column: present (or optional), of the right family
    let derive_key_action = input.spec.name == "events" && key_events.is_some();
    let mut exprs = Vec::with_capacity(input.spec.columns.len());
    let mut to_parse: Vec<(usize, &ContractColumn)> = Vec::new();
    for c in input.spec.columns {
        if derive_key_action && c.name == "is_key_action" {
            let names = key_events.unwrap_or_default();
            let list = names.iter().map(|n| lit(n.as_str())).collect();
            exprs.push(
                cast(ident("event_name"), DataType::Utf8)
                    .in_list(list, false)
                    .alias("is_key_action"),
            );
            continue;
        }
        let found = file_schema
            .fields()
            .iter()
            .enumerate()
            .filter(|(_, f)| f.name() == c.name)
            .collect::<Vec<_>>();
        let (index, field) = match found.as_slice() {
            [] if c.optional => {
                let null = ScalarValue::try_from(&c.family.contract_type())?;
                exprs.push(lit(null).alias(c.name));
                continue;
            }
            [] => {
                let hint = if c.name == "is_key_action" {
                    "; or derive it from event_name with --key-events NAME,..."
                } else {
                    ""
                };
                return Err(input.error(format!(
                    "no column \"{}\" (the {} input needs {}: {}, {}){hint}",
                    c.name,
                    input.spec.name,
                    c.name,
                    c.family.noun(),
                    c.description
                )));
            }
            [one] => *one,
            _ => {
                return Err(input.error(format!(
                    "the column \"{}\" appears {} times",
                    c.name,
                    found.len()
                )))
            }
        };
        match conversion(c.family, field.data_type(), format) {
            Some(Conversion::Cast) => {}
            Some(Conversion::Parse) => to_parse.push((index, c)),
            None => {
                return Err(input.error(format!(
                    "column \"{}\" has type {}, expected {} ({}; {})",
                    c.name,
                    field.data_type(),
                    c.family.noun(),
                    c.family.accepted(),
                    c.description
                )))
            }
        }
        exprs.push(cast_expression(c.name, c.family));
    }

    // 3. the values: text columns parse, and events/accounts have rows
    let rows =
        match format {
            // from the files' metadata
            FileFormat::Parquet => frame.clone().count().await.map_err(|e| {
                input.error(format!("cannot read it as Parquet: {}", df_message(&e)))
            })? as u64,
            FileFormat::Csv | FileFormat::NdJson => {
                check_values(input, format, &file_schema, &to_parse)?
            }
        };
    if input.spec.needs_rows && rows == 0 {
        return Err(input.error(format!(
            "no rows (the {} input needs at least one)",
            input.spec.name
        )));
    }

    let frame = frame
        .select(exprs)
        .map_err(|e| input.error(format!("cannot map it onto the input contract: {e}")))?;
    // Text is parsed once, here: several views read the events, and
    // re-parsing a CSV file for each of them was most of the run. Parquet is
    // columnar and cheap to read again: it stays streamed.
    let frame = match format {
        FileFormat::Parquet => frame,
        FileFormat::Csv | FileFormat::NdJson => frame
            .cache()
            .await
            .map_err(|e| input.error(format!("cannot map it onto the input contract: {e}")))?,
    };
    Ok(MappedInput {
        relation: input.spec.relation,
        frame,
        rows,
    })
}

/// Widest input file read (columns). Every input of the contract has at most
/// 9 columns; files with a few hundred extra ones are fine.
pub const MAX_INPUT_COLUMNS: usize = 4096;

/// Longest CSV header line read.
const MAX_CSV_HEADER_BYTES: u64 = 16 << 20;

/// Largest Parquet footer (file metadata) read.
const MAX_PARQUET_FOOTER_BYTES: u64 = 64 << 20;

/// A Parquet file's frame (magic bytes, footer length) and footer, checked
/// before DataFusion opens the file: a truncated or malformed file is one
/// clear error, never a panic inside the parquet crate or a huge read.
/// `error` makes the message name the file (`events file 'x': ...`).
pub fn check_parquet_footer(
    path: &Path,
    len: u64,
    error: impl Fn(String) -> CliError,
) -> Result<()> {
    use datafusion::parquet::file::metadata::ParquetMetaDataReader;
    use std::io::{Read, Seek, SeekFrom};
    let bad = |what: String| error(format!("is not a valid Parquet file: {what}"));
    let io = |e: std::io::Error| error(format!("cannot read it: {e}"));
    if len < 12 {
        return Err(bad(format!("{len} bytes is too short for a Parquet file")));
    }
    let mut f = File::open(path).map_err(io)?;
    let mut head = [0u8; 4];
    f.read_exact(&mut head).map_err(io)?;
    let mut tail = [0u8; 8];
    f.seek(SeekFrom::End(-8)).map_err(io)?;
    f.read_exact(&mut tail).map_err(io)?;
    if &head != b"PAR1" {
        return Err(bad("it does not start with the magic bytes PAR1".into()));
    }
    match &tail[4..] {
        b"PAR1" => {}
        b"PARE" => return Err(bad("it is encrypted (not supported)".into())),
        _ => {
            return Err(bad(
                "it does not end with the magic bytes PAR1 (truncated?)".into(),
            ))
        }
    }
    let footer = u32::from_le_bytes(tail[..4].try_into().expect("4 bytes")) as u64;
    if footer == 0 || footer > len - 12 {
        return Err(bad(format!(
            "its footer length {footer} does not fit in the file ({len} bytes)"
        )));
    }
    if footer > MAX_PARQUET_FOOTER_BYTES {
        return Err(bad(format!(
            "its footer has {footer} bytes (at most {MAX_PARQUET_FOOTER_BYTES} are read)"
        )));
    }
    let mut buf = vec![0u8; footer as usize];
    // footer <= MAX_PARQUET_FOOTER_BYTES (checked above): it fits an i64
    let footer_i64 =
        i64::try_from(footer).map_err(|_| bad(format!("its footer has {footer} bytes")))?;
    f.seek(SeekFrom::End(-8 - footer_i64)).map_err(io)?;
    f.read_exact(&mut buf).map_err(io)?;
    // the parquet crate may panic on malformed metadata: caught here
    match crate::panic_guard::catch(|| ParquetMetaDataReader::decode_metadata(&buf)) {
        Ok(Ok(meta)) => {
            let columns = meta.file_metadata().schema_descr().num_columns();
            if columns > MAX_INPUT_COLUMNS {
                return Err(error(format!(
                    "has {columns} columns; churnkit reads files of at most {MAX_INPUT_COLUMNS} columns: select the columns first"
                )));
            }
            Ok(())
        }
        Ok(Err(e)) => Err(bad(format!("its footer is corrupt ({e})"))),
        Err(panic) => Err(bad(format!("its footer is corrupt ({panic})"))),
    }
}

/// The schema DataFusion reads a CSV file with: the header's column names,
/// every column text.
fn csv_header(input: &InputFile) -> Result<Schema> {
    use datafusion::arrow::csv::reader::Format;
    use std::io::{BufRead, Read};
    let file = File::open(&input.path).map_err(|e| input.error(format!("cannot read it: {e}")))?;
    // the header line must end within MAX_CSV_HEADER_BYTES
    let mut first = Vec::new();
    BufReader::new(file.take(MAX_CSV_HEADER_BYTES + 1))
        .read_until(b'\n', &mut first)
        .map_err(|e| input.error(format!("cannot read it: {e}")))?;
    if first.len() as u64 > MAX_CSV_HEADER_BYTES {
        return Err(input.error(format!(
            "its header line is longer than {} MiB",
            MAX_CSV_HEADER_BYTES >> 20
        )));
    }
    let file = File::open(&input.path).map_err(|e| input.error(format!("cannot read it: {e}")))?;
    let (inferred, _) = Format::default()
        .with_header(true)
        .infer_schema(BufReader::new(file), Some(0))
        .map_err(|e| input.error(format!("cannot read its CSV header: {}", arrow_message(&e))))?;
    let mut seen = std::collections::HashSet::new();
    let mut fields = Vec::with_capacity(inferred.fields().len());
    for (i, f) in inferred.fields().iter().enumerate() {
        // a byte-order mark (spreadsheet exports) is not part of the first name
        let name = if i == 0 {
            f.name().trim_start_matches('\u{feff}').to_string()
        } else {
            f.name().clone()
        };
        if !seen.insert(name.clone()) {
            return Err(input.error(format!("the header names the column \"{}\" twice", name)));
        }
        fields.push(Field::new(name, DataType::Utf8, true));
    }
    Ok(Schema::new(fields))
}

/// The inferred JSON schema with every Null-typed contract column replaced by
/// the type a JSON value of its family has.
fn json_schema(inferred: &Schema, spec: &InputSpec) -> Schema {
    let fields = inferred
        .fields()
        .iter()
        .map(|f| {
            let family = spec.columns.iter().find(|c| c.name == f.name());
            match (f.data_type(), family) {
                (DataType::Null, Some(c)) => {
                    let t = match c.family {
                        Family::Timestamp | Family::Month | Family::Text => DataType::Utf8,
                        other => other.contract_type(),
                    };
                    Field::new(f.name(), t, true)
                }
                _ => f.as_ref().clone().with_nullable(true),
            }
        })
        .collect::<Vec<_>>();
    Schema::new(fields)
}

/// Read the whole file in order (CSV or JSON), check that every value of
/// every column of `to_parse` parses as its family, and count the rows.
fn check_values(
    input: &InputFile,
    format: FileFormat,
    schema: &Schema,
    to_parse: &[(usize, &ContractColumn)],
) -> Result<u64> {
    let file = File::open(&input.path).map_err(|e| input.error(format!("cannot read it: {e}")))?;
    let reader = BufReader::with_capacity(1 << 20, file);
    // read only the columns to check (at least one, to count the rows)
    let mut projection: Vec<usize> = to_parse.iter().map(|(i, _)| *i).collect();
    if projection.is_empty() {
        projection.push(0);
    }
    let schema = Arc::new(schema.clone());
    let batch_size = 16 * 1024;
    let (kind, first_line, batches): (&str, u64, Box<dyn Iterator<Item = _>>) = match format {
        FileFormat::Csv => {
            let r = datafusion::arrow::csv::ReaderBuilder::new(schema)
                .with_header(true)
                .with_batch_size(batch_size)
                .with_projection(projection.clone())
                .build(reader)
                .map_err(|e| {
                    input.error(format!("cannot read it as CSV: {}", arrow_message(&e)))
                })?;
            ("CSV", 2, Box::new(r))
        }
        _ => {
            let r = datafusion::arrow::json::ReaderBuilder::new(schema)
                .with_batch_size(batch_size)
                .build(reader)
                .map_err(|e| {
                    input.error(format!(
                        "cannot read it as newline-delimited JSON: {}",
                        arrow_message(&e)
                    ))
                })?;
            ("newline-delimited JSON", 1, Box::new(r))
        }
    };
    let options = CastOptions {
        safe: true,
        ..Default::default()
    };
    let mut rows: u64 = 0;
    for batch in batches {
        let batch: RecordBatch = batch.map_err(|e: ArrowError| {
            input.error(format!("cannot read it as {kind}: {}", arrow_message(&e)))
        })?;
        for (index, c) in to_parse {
            // the CSV reader projected the columns; the JSON reader did not
            let column = if format == FileFormat::Csv {
                let pos = projection.iter().position(|p| p == index).unwrap_or(0);
                batch.column(pos)
            } else {
                batch.column(*index)
            };
            if column.null_count() == column.len() {
                continue;
            }
            let parsed = cast_with_options(column.as_ref(), &c.family.parse_type(), &options)
                .map_err(|e| {
                    input.error(format!("column \"{}\": {}", c.name, arrow_message(&e)))
                })?;
            if parsed.null_count() == column.null_count() {
                continue;
            }
            let Some(bad) = (0..column.len()).find(|&i| column.is_valid(i) && parsed.is_null(i))
            else {
                continue;
            };
            let text = text_value(column.as_ref(), bad);
            return Err(input.error(format!(
                "column \"{}\", line {}: cannot parse '{}' as {}",
                c.name,
                first_line + rows + bad as u64,
                text,
                c.family.noun()
            )));
        }
        rows += batch.num_rows() as u64;
    }
    Ok(rows)
}

/// The text of a string value, shortened for a one-line message.
fn text_value(column: &dyn Array, i: usize) -> String {
    let s = match column.data_type() {
        DataType::Utf8 => column.as_string::<i32>().value(i).to_string(),
        DataType::LargeUtf8 => column.as_string::<i64>().value(i).to_string(),
        DataType::Utf8View => column.as_string_view().value(i).to_string(),
        _ => "?".to_string(),
    };
    let one_line: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if one_line.chars().count() > 60 {
        format!("{}...", one_line.chars().take(57).collect::<String>())
    } else {
        one_line
    }
}

/// DataFusion's message of the root cause, without repeated prefixes
/// (`Parquet error: Parquet error: ...`).
fn df_message(e: &datafusion::error::DataFusionError) -> String {
    let text = match e.find_root() {
        datafusion::error::DataFusionError::ArrowError(a, _) => arrow_message(a),
        root => root.to_string(),
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in text.split(": ") {
        if parts.last() != Some(&part) {
            parts.push(part);
        }
    }
    parts.join(": ")
}

/// Arrow's message without its error kind prefix.
fn arrow_message(e: &ArrowError) -> String {
    match e {
        ArrowError::CsvError(m) | ArrowError::JsonError(m) | ArrowError::ParseError(m) => m.clone(),
        ArrowError::IoError(m, _) => m.clone(),
        other => other.to_string(),
    }
}

/// The inputs of one run, by option.
pub struct InputPaths<'a> {
    pub events: &'a Path,
    pub accounts: &'a Path,
    pub mrr: Option<&'a Path>,
    pub tickets: Option<&'a Path>,
}

/// Check every input and register `input_events`, `input_accounts`,
/// `input_mrr`, `input_tickets` (empty when not given) and `churn_events`
/// (empty). Nothing is registered unless every input is valid. Returns the
/// rows of each input, by input name (None: not given).
pub async fn register_inputs(
    ctx: &SessionContext,
    paths: &InputPaths<'_>,
    key_events: Option<&[String]>,
) -> Result<Vec<(&'static str, Option<u64>)>> {
    let given: [(&'static InputSpec, Option<&Path>); 4] = [
        (&EVENTS, Some(paths.events)),
        (&ACCOUNTS, Some(paths.accounts)),
        (&MRR, paths.mrr),
        (&TICKETS, paths.tickets),
    ];
    let mut mapped = Vec::new();
    let mut missing = Vec::new();
    for (spec, path) in given {
        match path {
            Some(p) => {
                let file = InputFile {
                    spec,
                    path: p.to_path_buf(),
                };
                mapped.push((spec, map_input(ctx, &file, key_events).await?));
            }
            None => missing.push(spec),
        }
    }
    let mut rows = Vec::new();
    for (spec, m) in mapped {
        ctx.register_table(m.relation, m.frame.into_view())?;
        rows.push((spec.name, Some(m.rows)));
    }
    for spec in missing {
        register_empty(ctx, spec.relation, spec.schema())?;
        rows.push((spec.name, None));
    }
    register_empty(ctx, "churn_events", churn_events_schema())?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_accept_the_types_of_setup() {
        use FileFormat::*;
        let ts = |u, tz: Option<&str>| DataType::Timestamp(u, tz.map(Into::into));
        let ok = |f, t: DataType, fmt| conversion(f, &t, fmt) == Some(Conversion::Cast);
        assert!(ok(Family::Id, DataType::Int32, Parquet));
        assert!(ok(Family::Id, DataType::UInt64, Parquet));
        assert!(!ok(Family::Id, DataType::Float64, Parquet));
        assert!(ok(Family::Number, DataType::Decimal128(10, 2), Parquet));
        assert!(ok(Family::Number, DataType::Int16, Parquet));
        assert!(!ok(Family::Number, DataType::Utf8, Parquet));
        assert!(ok(Family::Text, DataType::Utf8View, Parquet));
        assert!(ok(
            Family::Text,
            DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)),
            Parquet
        ));
        assert!(!ok(Family::Text, DataType::Binary, Parquet));
        assert!(ok(
            Family::Timestamp,
            ts(TimeUnit::Nanosecond, None),
            Parquet
        ));
        assert!(ok(
            Family::Timestamp,
            ts(TimeUnit::Millisecond, Some("Europe/Paris")),
            Parquet
        ));
        assert!(ok(Family::Timestamp, DataType::Date32, Parquet));
        assert!(!ok(Family::Timestamp, DataType::Utf8, Parquet));
        assert!(ok(Family::Month, DataType::Date64, Parquet));
        assert!(!ok(Family::Boolean, DataType::Int8, Parquet));
        // CSV: text parsed; JSON: timestamps as strings parsed
        assert_eq!(
            conversion(Family::Timestamp, &DataType::Utf8, Csv),
            Some(Conversion::Parse)
        );
        assert_eq!(
            conversion(Family::Text, &DataType::Utf8, Csv),
            Some(Conversion::Cast)
        );
        assert_eq!(
            conversion(Family::Month, &DataType::Utf8, NdJson),
            Some(Conversion::Parse)
        );
        assert_eq!(conversion(Family::Id, &DataType::Utf8, NdJson), None);
        assert!(ok(Family::Boolean, DataType::Null, NdJson));
    }

    #[test]
    fn text_parses_like_postgres_output() {
        let options = CastOptions {
            safe: true,
            ..Default::default()
        };
        let parse = |family: Family, s: &str| {
            let a = datafusion::arrow::array::StringArray::from(vec![s]);
            let out = cast_with_options(&a, &family.parse_type(), &options).unwrap();
            out.is_valid(0)
                .then(|| ScalarValue::try_from_array(&out, 0).unwrap())
        };
        let micros = |v: i64| {
            Some(ScalarValue::TimestampMicrosecond(
                Some(v),
                Some("UTC".into()),
            ))
        };
        // 2024-01-12 16:00:00 UTC
        let t = 1_705_075_200_000_000;
        assert_eq!(
            parse(Family::Timestamp, "2024-01-12 16:00:00+00"),
            micros(t)
        );
        assert_eq!(
            parse(Family::Timestamp, "2024-01-12T16:00:00.000000Z"),
            micros(t)
        );
        assert_eq!(
            parse(Family::Timestamp, "2024-01-12 17:00:00+01:00"),
            micros(t)
        );
        assert_eq!(parse(Family::Timestamp, "2024-01-12 16:00:00"), micros(t));
        assert_eq!(
            parse(Family::Timestamp, "2024-01-12"),
            micros(t - 16 * 3_600_000_000)
        );
        assert_eq!(parse(Family::Timestamp, "yesterday"), None);
        assert_eq!(
            parse(Family::Boolean, "t"),
            Some(ScalarValue::Boolean(Some(true)))
        );
        assert_eq!(
            parse(Family::Boolean, "false"),
            Some(ScalarValue::Boolean(Some(false)))
        );
        assert_eq!(parse(Family::Id, "12"), Some(ScalarValue::Int64(Some(12))));
        assert_eq!(parse(Family::Id, "1.5"), None);
        assert_eq!(
            parse(Family::Number, "1e3"),
            Some(ScalarValue::Float64(Some(1000.0)))
        );
    }
}
