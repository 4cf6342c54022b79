//! What every chapter of *Concurrency, Measured* shares.
//!
//! Layout:
//! - [`workload`]: the article's two jobs — a simulated download (I/O-bound)
//!   and the sum of `i * i` below `n` (CPU-bound) — so every chapter measures
//!   the same work.
//! - [`measure`]: repeat a run, take the median and the spread, read wall and
//!   CPU time. One noisy run proves nothing on a shared machine.
//! - [`speedup`]: ways timed in turns, each turn's speedup taken over the
//!   faster of two baseline runs, so one slow baseline run inflates none.
//! - [`memory`]: what the kernel says a process holds (RSS, PSS, kernel
//!   stacks), read from `/proc`.
//! - [`report`]: the tables a chapter prints and the JSON it emits, with a
//!   redacted form for snapshot tests.
//! - [`document`]: the results document of one run (`--json`), which the
//!   book's figures are rendered from (`--from FILE`).
//! - [`cli`]: the options every chapter accepts (read with clap) and the
//!   one-line errors (exit status 2) for the ones it does not.
//! - [`interrupt`]: Ctrl-C ends a chapter with every process it started.
//! - [`progress`]: the spinner on stderr while a section runs.
//! - [`panics`]: a payload's text, the one-line panic hook, and borrowing
//!   the process-wide hook (Rust's `threading.excepthook`).
//! - [`machine`]: what the figures were measured on.
//! - [`chart`]: SVG line charts drawn from measured data, for the book.
//! - [`exercise`]: how a learner's attempt is checked against a snapshot.
//! - [`executor`]: `concurrent.futures` in Rust — a thread pool and a
//!   process pool behind one trait, with futures, `map`, `as_completed`,
//!   `wait` and `shutdown`.
//! - [`python`]: starting a chapter's Python counterpart, or skipping it
//!   where there is no interpreter.
//! - [`tasks`]: the tasks the executors' demos and tests send to worker
//!   processes, and the worker program that runs them.

pub mod chart;
pub mod cli;
pub mod document;
pub mod executor;
pub mod exercise;
pub mod interrupt;
pub mod machine;
pub mod measure;
pub mod memory;
pub mod panics;
pub mod progress;
pub mod python;
pub mod report;
pub mod speedup;
pub mod tasks;
pub mod workload;
