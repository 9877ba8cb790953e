//! Files: the formats the CLI reads (by extension) and writes, and the one
//! writer of Parquet and CSV files, used by `churnkit run` (the views) and
//! `churnkit generate` (the data set).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use clap::ValueEnum;
use datafusion::arrow::csv;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::error::DataFusionError;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::Compression;
use datafusion::parquet::file::properties::WriterProperties;

use crate::error::{CliError, Result};
use crate::output::csv_ready;

/// File formats read, recognised from a file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Parquet,
    /// CSV with a header row.
    Csv,
    /// Newline-delimited JSON (one object per line).
    NdJson,
}

impl FileFormat {
    pub fn from_extension(ext: &str) -> Option<Self> {
        match ext.to_ascii_lowercase().as_str() {
            "parquet" => Some(FileFormat::Parquet),
            "csv" => Some(FileFormat::Csv),
            "json" | "ndjson" | "jsonl" => Some(FileFormat::NdJson),
            _ => None,
        }
    }
}

/// The formats files are written in (`--format` of `run` and `generate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Snappy-compressed
    Parquet,
    /// With a header row; NULL is an empty field; nested values as text
    Csv,
}

impl OutputFormat {
    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Parquet => "parquet",
            OutputFormat::Csv => "csv",
        }
    }
}

/// How a CSV file writes timestamps with a time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvTimestamps {
    /// Arrow's RFC 3339 form, with as many fraction digits as needed (the
    /// views' files).
    Rfc3339,
    /// Always six fraction digits and `Z` (the generated data set, which
    /// spreadsheets and `COPY` read alike).
    Micros,
}

/// A Parquet or CSV file being written, batch by batch.
pub struct FileWriter {
    inner: Inner,
    /// A CSV file gets its header even when no batch is written.
    schema: SchemaRef,
    wrote: bool,
}

enum Inner {
    Parquet(ArrowWriter<File>),
    Csv(csv::Writer<BufWriter<File>>),
}

impl FileWriter {
    /// Create (or truncate) `path`, for batches of `schema`.
    pub fn create(
        path: &Path,
        format: OutputFormat,
        schema: SchemaRef,
        timestamps: CsvTimestamps,
    ) -> Result<Self> {
        let file =
            File::create(path).map_err(|e| CliError::msg(format!("{}: {e}", path.display())))?;
        let inner = match format {
            OutputFormat::Parquet => {
                let props = WriterProperties::builder()
                    .set_compression(Compression::SNAPPY)
                    .build();
                Inner::Parquet(
                    ArrowWriter::try_new(file, schema.clone(), Some(props))
                        .map_err(DataFusionError::from)?,
                )
            }
            OutputFormat::Csv => {
                let builder = csv::WriterBuilder::new().with_header(true);
                let builder = match timestamps {
                    CsvTimestamps::Rfc3339 => builder,
                    CsvTimestamps::Micros => {
                        builder.with_timestamp_tz_format("%Y-%m-%dT%H:%M:%S%.6fZ".to_string())
                    }
                };
                Inner::Csv(builder.build(BufWriter::new(file)))
            }
        };
        Ok(FileWriter {
            inner,
            schema,
            wrote: false,
        })
    }

    pub fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        match &mut self.inner {
            Inner::Parquet(w) => w.write(batch).map_err(DataFusionError::from)?,
            // nested values and timestamps Arrow cannot print, as text
            Inner::Csv(w) => w.write(&csv_ready(batch.clone())?)?,
        }
        self.wrote = true;
        Ok(())
    }

    /// Finish the file (Parquet footer; CSV flushed, with its header when
    /// no row was written).
    pub fn close(mut self) -> Result<()> {
        if !self.wrote {
            if let Inner::Csv(w) = &mut self.inner {
                w.write(&csv_ready(RecordBatch::new_empty(self.schema.clone()))?)?;
            }
        }
        match self.inner {
            Inner::Parquet(w) => {
                w.close().map_err(DataFusionError::from)?;
            }
            Inner::Csv(w) => w.into_inner().flush()?,
        }
        Ok(())
    }
}
