//! Running a chapter's Python counterpart (`--python`): every chapter that
//! compares with CPython starts its script the same way, and a machine
//! without the interpreter gets a skip with a reason, not an error, because
//! the Rust half of the chapter still has something to show there.

use anyhow::{Context as _, bail};
use std::process::Command;

/// The interpreter a chapter's `--python` runs: `$PYTHON` where it is set
/// and not empty (a virtual environment's `bin/python`, with the packages a
/// counterpart needs), else `python3` from the PATH, which is an active
/// environment's own.
pub fn interpreter() -> String {
    std::env::var("PYTHON")
        .ok()
        .filter(|python| !python.is_empty())
        .unwrap_or_else(|| "python3".into())
}

/// What became of a counterpart's run.
#[derive(Debug)]
pub enum Outcome {
    /// The script's standard output.
    Ran(String),
    /// The interpreter is not on this machine: why, for the report's note.
    Missing(String),
}

/// Runs `interpreter -c script args…` and returns what it printed; a
/// script that fails is an error carrying the last line it wrote to stderr
/// (the exception), which is what a reader needs to fix it.
pub fn run(
    interpreter: &str,
    script: &str,
    args: &[String],
) -> anyhow::Result<Outcome> {
    let output = match Command::new(interpreter)
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
    {
        Ok(output) => output,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Outcome::Missing(format!(
                "'{interpreter}' was not found on this machine"
            )));
        }
        Err(err) => return Err(err).context("starting the Python counterpart"),
    };
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.lines().last().unwrap_or("no message");
        bail!("the Python counterpart failed ({}): {last}", output.status);
    }
    String::from_utf8(output.stdout)
        .context("the Python counterpart's output")
        .map(Outcome::Ran)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_interpreter_is_a_skip_with_its_name() {
        let outcome = run("python3-that-does-not-exist", "", &[]).unwrap();
        let Outcome::Missing(why) = outcome else {
            panic!("ran: {outcome:?}");
        };
        assert!(why.contains("python3-that-does-not-exist"), "{why}");
    }
}
