//! Reading input files safely: the Parquet footer checked before DataFusion
//! opens the file, the CSV header, the JSON schema, every CSV/JSON value
//! parsed before the run, and error messages without repeated prefixes.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::sync::Arc;

use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::compute::{cast_with_options, CastOptions};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::arrow::error::ArrowError;

use super::contract::{ContractColumn, Family, InputSpec};
use super::InputFile;
use crate::error::{CliError, Result};
use crate::files::FileFormat;

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
pub(super) fn csv_header(input: &InputFile) -> Result<Schema> {
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
pub(super) fn json_schema(inferred: &Schema, spec: &InputSpec) -> Schema {
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
pub(super) fn check_values(
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
pub(super) fn df_message(e: &datafusion::error::DataFusionError) -> String {
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
pub(super) fn arrow_message(e: &ArrowError) -> String {
    match e {
        ArrowError::CsvError(m) | ArrowError::JsonError(m) | ArrowError::ParseError(m) => m.clone(),
        ArrowError::IoError(m, _) => m.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::common::ScalarValue;

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
