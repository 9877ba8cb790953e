//! The inputs of `churnkit run`: files mapped onto the input contract of the
//! warehouse views (docs/warehouse.md, "Inputs"), exactly as Postgres
//! `churnkit.setup()` maps tables (`input_contract`, `_cast_expression`,
//! `_input_select` of src/warehouse/warehouse.sql; the contract itself is
//! `sql/input_contract.md`, see [`contract`]):
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

mod contract;
mod files;
mod types;

use std::fs::File;
use std::path::{Path, PathBuf};

use datafusion::arrow::datatypes::DataType;
use datafusion::common::ScalarValue;
use datafusion::prelude::{
    cast, ident, lit, CsvReadOptions, DataFrame, JsonReadOptions, ParquetReadOptions,
    SessionContext,
};

use contract::{
    churn_events_schema, register_empty, ContractColumn, ACCOUNTS, EVENTS, MRR, TICKETS,
};
pub use contract::{contract_batch, InputContractFunc, InputSpec};
pub use files::{check_parquet_footer, MAX_INPUT_COLUMNS};
use files::{check_values, csv_header, df_message, json_schema};
use types::{cast_expression, conversion, Conversion};

use crate::error::{CliError, Result};
use crate::files::FileFormat;

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
