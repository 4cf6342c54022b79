//! The article's two jobs, so that every chapter measures the same work.
//!
//! The I/O-bound job is a simulated download: it waits, then returns
//! "data from URL" and says which process and thread ran it, as the
//! article's Python version does. The CPU-bound job is the sum of `i * i`
//! for `i` below `n`.

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Who ran a piece of work. Python's demo prints the thread or process name;
/// seeing several distinct runners is the evidence that work was spread.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RanOn {
    pub pid: u32,
    /// The thread's name, or its id where it has none.
    pub thread: String,
}

impl RanOn {
    /// The process and thread calling this.
    pub fn here() -> RanOn {
        let current = std::thread::current();
        let thread = match current.name() {
            Some(name) => name.to_string(),
            None => format!("{:?}", current.id()),
        };
        RanOn {
            pid: std::process::id(),
            thread,
        }
    }
}

/// The result of one simulated download.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Download {
    pub url: String,
    pub body: String,
    pub ran_on: RanOn,
}

impl Download {
    /// What a download of `url` returns once its wait is over. Every model
    /// calls this after waiting in its own way (a blocking sleep, a timer).
    pub fn finished(url: &str) -> Download {
        Download {
            url: url.to_string(),
            body: format!("data from {url}"),
            ran_on: RanOn::here(),
        }
    }
}

/// The addresses the I/O-bound demos "download". Nothing is fetched: the
/// wait stands in for the network, so the figures depend on this machine
/// only.
pub fn urls(count: usize) -> Vec<String> {
    (0..count)
        .map(|i| format!("https://example.com/page/{i}"))
        .collect()
}

// ANCHOR: download_blocking
/// A download that blocks the calling thread for `delay`, as
/// `time.sleep` does in the article's Python.
pub fn download_blocking(url: &str, delay: Duration) -> Download {
    std::thread::sleep(delay);
    Download::finished(url)
}
// ANCHOR_END: download_blocking

// ANCHOR: sum_of_squares
/// The sum of `i * i` for every `i` below `n`, wrapping on overflow.
///
/// `black_box` hides each `i` from the optimiser; without it LLVM replaces
/// the loop by the closed formula and the "CPU-bound" job takes no time.
/// `inline(never)`: every model then runs the very same machine code, so a
/// speedup measures the model, not how the loop was compiled into it.
#[inline(never)]
pub fn sum_of_squares(n: u64) -> u64 {
    let mut total: u64 = 0;
    for i in 0..n {
        let i = std::hint::black_box(i);
        total = total.wrapping_add(i.wrapping_mul(i));
    }
    total
}
// ANCHOR_END: sum_of_squares

/// The same sum from the closed formula `(n-1) n (2n-1) / 6`, used by tests
/// and checks to prove every model computed the right answer.
pub fn sum_of_squares_formula(n: u64) -> u64 {
    if n == 0 {
        return 0;
    }
    let n = u128::from(n);
    let exact = (n - 1) * n * (2 * n - 1) / 6;
    // Truncation is the point: it matches the wrapping loop above.
    exact as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loop_and_formula_agree() {
        for n in [0, 1, 2, 3, 10, 1_000, 123_457] {
            assert_eq!(sum_of_squares(n), sum_of_squares_formula(n), "n = {n}");
        }
    }

    #[test]
    fn formula_matches_python_for_the_articles_inputs() {
        // Python: sum(i * i for i in range(1_000_000))
        assert_eq!(sum_of_squares_formula(1_000_000), 333_332_833_333_500_000);
    }

    #[test]
    fn a_download_names_its_url_and_runner() {
        let d = download_blocking("https://a", Duration::ZERO);
        assert_eq!(d.body, "data from https://a");
        assert_eq!(d.ran_on.pid, std::process::id());
    }
}
