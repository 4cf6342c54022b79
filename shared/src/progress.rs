//! A sign of life on stderr while a section runs: its place in the run,
//! its name and how long it has been going, redrawn every quarter second,
//! so that a `--full` section that takes a minute does not look hung.
//!
//! Drawn only where a person watches: stderr a terminal, and not `--json`,
//! whose runs are read by programs (`book/regenerate` says what it
//! measures itself). indicatif draws nothing to a stderr that is not a
//! terminal, so tests, pipes and CI see nothing either.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// The spinner of one running section; cleared when dropped, so the
/// section's report, printed next, starts on a clean line.
pub struct Progress(Option<ProgressBar>);

impl Progress {
    /// Whether a run with these options shows progress at all.
    pub fn wanted(json: bool) -> bool {
        !json && std::io::stderr().is_terminal()
    }

    /// Starts the spinner for section `index` (from 0) of `count`, when
    /// `shown`; otherwise a spinner that draws nothing.
    pub fn start(shown: bool, index: usize, count: usize, name: &str) -> Progress {
        if !shown {
            return Progress(None);
        }
        let style =
            ProgressStyle::with_template("{spinner} [{prefix}] {msg} {elapsed}")
                .expect("a fixed template");
        // Built whole before the first draw, so no line shows it half set.
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
            .with_style(style)
            .with_prefix(format!("{}/{count}", index + 1))
            .with_message(name.to_string());
        bar.enable_steady_tick(Duration::from_millis(250));
        Progress(Some(bar))
    }

    /// Whether this spinner draws.
    pub fn is_drawn(&self) -> bool {
        self.0.is_some()
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_runs_and_unshown_runs_draw_nothing() {
        assert!(!Progress::wanted(true));
        assert!(!Progress::start(false, 0, 3, "io-bound").is_drawn());
    }

    #[test]
    fn a_shown_spinner_draws_and_clears_on_drop() {
        let progress = Progress::start(true, 1, 3, "cpu-bound");
        assert!(progress.is_drawn());
        drop(progress); // must not panic, and leaves the line clear
    }
}
