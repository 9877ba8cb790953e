//! The CLI's error: whatever stopped a verb, shown as one line.

use std::fmt;
use std::io;

use datafusion::arrow::error::ArrowError;
use datafusion::error::DataFusionError;

#[derive(Debug)]
pub enum CliError {
    /// A problem the CLI itself detected (a missing file, an unknown format...).
    Message(String),
    DataFusion(DataFusionError),
    Arrow(ArrowError),
    Io(io::Error),
}

impl CliError {
    pub fn msg(text: impl Into<String>) -> Self {
        CliError::Message(text.into())
    }

    /// Writing to a closed pipe (`churnkit sql ... | head`): not a failure.
    pub fn is_broken_pipe(&self) -> bool {
        fn io_kind(e: &ArrowError) -> Option<io::ErrorKind> {
            match e {
                ArrowError::IoError(_, e) => Some(e.kind()),
                _ => None,
            }
        }
        let kind = match self {
            CliError::Io(e) => Some(e.kind()),
            CliError::Arrow(e) => io_kind(e),
            CliError::DataFusion(DataFusionError::IoError(e)) => Some(e.kind()),
            CliError::DataFusion(DataFusionError::ArrowError(e, _)) => io_kind(e),
            _ => None,
        };
        kind == Some(io::ErrorKind::BrokenPipe)
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Message(m) => f.write_str(m),
            CliError::DataFusion(e) => write!(f, "{e}"),
            CliError::Arrow(e) => write!(f, "{e}"),
            CliError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for CliError {}

impl From<DataFusionError> for CliError {
    fn from(e: DataFusionError) -> Self {
        CliError::DataFusion(e)
    }
}

impl From<ArrowError> for CliError {
    fn from(e: ArrowError) -> Self {
        CliError::Arrow(e)
    }
}

impl From<io::Error> for CliError {
    fn from(e: io::Error) -> Self {
        CliError::Io(e)
    }
}

pub type Result<T> = std::result::Result<T, CliError>;

/// Collapse a multi-line message (DataFusion adds hints on new lines) into
/// one line.
pub fn one_line(text: &str) -> String {
    text.split(['\n', '\r'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_become_one_line() {
        assert_eq!(
            one_line("Error during planning: Invalid function 'x'.\nDid you mean 'y'?\n"),
            "Error during planning: Invalid function 'x'. Did you mean 'y'?"
        );
        assert_eq!(one_line("plain"), "plain");
        assert_eq!(CliError::msg("a\r\nb").to_string(), "a\r\nb");
    }

    #[test]
    fn broken_pipes_are_recognised() {
        let pipe = || io::Error::new(io::ErrorKind::BrokenPipe, "closed");
        assert!(CliError::from(pipe()).is_broken_pipe());
        assert!(CliError::from(ArrowError::IoError("write".into(), pipe())).is_broken_pipe());
        assert!(CliError::from(DataFusionError::IoError(pipe())).is_broken_pipe());
        assert!(!CliError::msg("no").is_broken_pipe());
    }
}
