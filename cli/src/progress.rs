//! Progress of a long command on stderr: one line per stage,
//! `[ 3/14] cohort_retention ... 0.42 s, 1234 rows`, written when the stage
//! starts and completed in place (`\r`) when it ends. Only when stderr is a
//! terminal and `--quiet` is not given: in a pipe or a log, stderr carries
//! nothing but errors.

use std::io::{IsTerminal, Write};
use std::time::Instant;

pub struct Progress {
    enabled: bool,
    total: usize,
    done: usize,
    current: Option<(String, Instant)>,
}

impl Progress {
    /// Progress over `total` stages, shown unless `quiet` or stderr is not a terminal.
    pub fn new(quiet: bool, total: usize) -> Self {
        Progress {
            enabled: !quiet && std::io::stderr().is_terminal(),
            total,
            done: 0,
            current: None,
        }
    }

    fn counter(&self) -> String {
        let width = self.total.to_string().len();
        format!("[{:>width$}/{}]", self.done, self.total)
    }

    /// A stage starts (ending the previous one if still open).
    pub fn start(&mut self, label: impl Into<String>) {
        self.finish("");
        self.done += 1;
        let label = label.into();
        if self.enabled {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "{} {label} ...", self.counter());
            let _ = err.flush();
        }
        self.current = Some((label, Instant::now()));
    }

    /// The current stage ended; `detail` follows the time (e.g. `, 12 rows`).
    pub fn finish(&mut self, detail: &str) {
        if let Some((label, started)) = self.current.take() {
            if self.enabled {
                let _ = writeln!(
                    std::io::stderr().lock(),
                    "\r{} {label} ... {:.2} s{detail}\x1b[K",
                    self.counter(),
                    started.elapsed().as_secs_f64()
                );
            }
        }
    }
}

impl Drop for Progress {
    /// A stage still open when the command stops has failed: end its line,
    /// so that the error message starts on a line of its own.
    fn drop(&mut self) {
        if self.current.take().is_some() && self.enabled {
            let _ = writeln!(std::io::stderr().lock(), " failed");
        }
    }
}
