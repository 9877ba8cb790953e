//! Printing query results: an aligned table, CSV or a JSON array of objects.

use std::io::Write;

use clap::ValueEnum;
use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::csv;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::json::{writer::JsonArray, WriterBuilder};
use datafusion::arrow::util::pretty::pretty_format_batches_with_schema;
use datafusion::execution::SendableRecordBatchStream;
use futures::StreamExt;

use crate::error::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// An aligned text table
    Table,
    /// CSV with a header row; NULL is an empty field
    Csv,
    /// A JSON array of row objects; NULL is null
    Json,
}

/// Write a result stream in `format`. CSV and JSON are written batch by
/// batch as they are produced; a table needs every row to align its columns.
pub async fn write_stream(
    format: Format,
    mut stream: SendableRecordBatchStream,
    out: &mut dyn Write,
) -> Result<()> {
    let schema = stream.schema();
    match format {
        Format::Table => {
            let mut batches = Vec::new();
            while let Some(batch) = stream.next().await {
                batches.push(batch?);
            }
            let batches = batches
                .into_iter()
                .map(far_timestamps_as_text)
                .collect::<Result<Vec<_>>>()?;
            let schema = batches.first().map_or(schema, |b| b.schema());
            write_table(&schema, &batches, out)?;
        }
        Format::Csv => {
            let mut writer = csv::WriterBuilder::new().with_header(true).build(&mut *out);
            let mut wrote = false;
            while let Some(batch) = stream.next().await {
                writer.write(&csv_ready(batch?)?)?;
                wrote = true;
            }
            if !wrote && !schema.fields().is_empty() {
                // no rows: still print the header
                writer.write(&csv_ready(RecordBatch::new_empty(schema.clone()))?)?;
            }
        }
        Format::Json => {
            let mut writer = WriterBuilder::new()
                .with_explicit_nulls(true)
                .build::<_, JsonArray>(&mut *out);
            while let Some(batch) = stream.next().await {
                writer.write(&far_timestamps_as_text(batch?)?)?;
            }
            writer.finish()?;
            drop(writer);
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(())
}

/// A writer that remembers whether the reader went away (`churnkit sql ... | head`):
/// Arrow's CSV writer reports that as a text error, so the kind is lost on the way up.
pub struct PipeAware<W: Write> {
    inner: W,
    broken: bool,
}

impl<W: Write> PipeAware<W> {
    pub fn new(inner: W) -> Self {
        PipeAware {
            inner,
            broken: false,
        }
    }

    pub fn broken_pipe(&self) -> bool {
        self.broken
    }

    fn note<T>(&mut self, r: std::io::Result<T>) -> std::io::Result<T> {
        if let Err(e) = &r {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                self.broken = true;
            }
        }
        r
    }
}

impl<W: Write> Write for PipeAware<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let r = self.inner.write(buf);
        self.note(r)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let r = self.inner.flush();
        self.note(r)
    }
}

/// CSV has no nested values: lists, structs and maps are written as their
/// display text (`[1, 2, 3]`, `{days: 30, ...}`), binary summaries as hex.
/// Timestamps that Arrow cannot print: churnkit computes with instants up
/// to 294246 AD (as Postgres does), chrono's calendar ends in 262142 AD, and
/// Arrow's writers then print an error text in place of the value (table,
/// JSON) or fail (CSV). A timestamp column holding such a value is written
/// as text by core's formatter (ISO 8601 UTC, e.g. `+294246-12-31T23:59:59.999999Z`),
/// in that batch only; every other column and batch is untouched.
fn far_timestamps_as_text(batch: RecordBatch) -> Result<RecordBatch> {
    use datafusion::arrow::array::{Array, ArrayRef, AsArray, StringBuilder};
    use datafusion::arrow::datatypes::{
        DataType, Field, Schema, TimeUnit, TimestampMicrosecondType, TimestampMillisecondType,
        TimestampNanosecondType, TimestampSecondType,
    };
    use std::sync::Arc;
    // µs since the epoch of each value (None for NULL), for any unit
    fn micros(column: &dyn Array, unit: TimeUnit) -> Vec<Option<Option<i64>>> {
        let scale = |v: i64, f: i64| v.checked_mul(f);
        match unit {
            TimeUnit::Second => column
                .as_primitive::<TimestampSecondType>()
                .iter()
                .map(|v| v.map(|v| scale(v, 1_000_000)))
                .collect(),
            TimeUnit::Millisecond => column
                .as_primitive::<TimestampMillisecondType>()
                .iter()
                .map(|v| v.map(|v| scale(v, 1_000)))
                .collect(),
            TimeUnit::Microsecond => column
                .as_primitive::<TimestampMicrosecondType>()
                .iter()
                .map(|v| v.map(Some))
                .collect(),
            TimeUnit::Nanosecond => column
                .as_primitive::<TimestampNanosecondType>()
                .iter()
                .map(|v| v.map(|v| Some(v.div_euclid(1_000))))
                .collect(),
        }
    }
    let printable = |us: Option<i64>| {
        us.is_some_and(|us| chrono::DateTime::from_timestamp_micros(us).is_some())
    };
    let schema = batch.schema();
    let mut changed = false;
    let mut fields = Vec::with_capacity(batch.num_columns());
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(batch.num_columns());
    for (field, column) in schema.fields().iter().zip(batch.columns()) {
        if let DataType::Timestamp(unit, _) = field.data_type() {
            let values = micros(column.as_ref(), *unit);
            if values.iter().any(|v| v.is_some_and(|us| !printable(us))) {
                let mut b = StringBuilder::new();
                for v in values {
                    match v {
                        None => b.append_null(),
                        Some(Some(us)) => {
                            b.append_value(churnkit_core::agg::text::format_timestamp(us))
                        }
                        // seconds or milliseconds beyond any i64 of µs: no
                        // calendar churnkit knows has that date
                        Some(None) => {
                            return Err(crate::error::CliError::msg(format!(
                                "column {}: a timestamp beyond the year 294246 cannot be printed",
                                field.name()
                            )))
                        }
                    }
                }
                fields.push(Field::new(
                    field.name(),
                    DataType::Utf8,
                    field.is_nullable(),
                ));
                columns.push(Arc::new(b.finish()));
                changed = true;
                continue;
            }
        }
        fields.push(field.as_ref().clone());
        columns.push(column.clone());
    }
    if !changed {
        return Ok(batch);
    }
    Ok(RecordBatch::try_new(
        Arc::new(Schema::new(fields)),
        columns,
    )?)
}

/// A batch as CSV can hold it: timestamps Arrow cannot print and nested
/// values (lists, structs) as text.
pub fn csv_ready(batch: RecordBatch) -> Result<RecordBatch> {
    nested_as_text(far_timestamps_as_text(batch)?)
}

fn nested_as_text(batch: RecordBatch) -> Result<RecordBatch> {
    use datafusion::arrow::array::{ArrayRef, StringBuilder};
    use datafusion::arrow::datatypes::{DataType, Field, Schema};
    use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
    use std::sync::Arc;
    let nested = |t: &DataType| {
        t.is_nested()
            || matches!(
                t,
                DataType::Binary | DataType::LargeBinary | DataType::BinaryView
            )
    };
    if !batch
        .schema()
        .fields()
        .iter()
        .any(|f| nested(f.data_type()))
    {
        return Ok(batch);
    }
    let options = FormatOptions::default();
    let mut fields = Vec::with_capacity(batch.num_columns());
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(batch.num_columns());
    for (field, column) in batch.schema().fields().iter().zip(batch.columns()) {
        if nested(field.data_type()) {
            let formatter = ArrayFormatter::try_new(column.as_ref(), &options)?;
            let mut b = StringBuilder::new();
            for i in 0..column.len() {
                if column.is_null(i) {
                    b.append_null();
                } else {
                    b.append_value(formatter.value(i).to_string());
                }
            }
            fields.push(Field::new(field.name(), DataType::Utf8, true));
            columns.push(Arc::new(b.finish()));
        } else {
            fields.push(field.as_ref().clone());
            columns.push(column.clone());
        }
    }
    Ok(RecordBatch::try_new(
        Arc::new(Schema::new(fields)),
        columns,
    )?)
}

fn write_table(schema: &SchemaRef, batches: &[RecordBatch], out: &mut dyn Write) -> Result<()> {
    if schema.fields().is_empty() {
        return Ok(()); // a statement without a result (CREATE VIEW ...)
    }
    writeln!(
        out,
        "{}",
        pretty_format_batches_with_schema(schema.clone(), batches)?
    )?;
    Ok(())
}
