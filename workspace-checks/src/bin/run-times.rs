//! Rewrites book/src/generated/run-times.txt from every chapter's saved
//! run (see `workspace_checks::run_times`); `book/regenerate` runs it.

use std::process::ExitCode;
use workspace_checks::run_times::{runs, table};

fn main() -> ExitCode {
    let root = workspace_checks::workspace_root();
    let runs = match runs(&root) {
        Ok(runs) => runs,
        Err(err) => {
            eprintln!("run-times: {err}");
            return ExitCode::from(2);
        }
    };
    let path = root.join("book/src/generated/run-times.txt");
    if let Err(err) = std::fs::write(&path, table(&runs)) {
        eprintln!("run-times: cannot write {}: {err}", path.display());
        return ExitCode::from(2);
    }
    println!("wrote {} ({} chapters)", path.display(), runs.len());
    ExitCode::SUCCESS
}
