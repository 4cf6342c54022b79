//! Rewrites the book's copies of the compiler's messages from the chapters'
//! `.stderr` files (see `workspace_checks::compiler`): run it after
//! `TRYBUILD=overwrite`. A diagram still too wide is reported, not written
//! over: change the code until rustc's diagram fits.

use std::process::ExitCode;
use workspace_checks::compiler::{WIDTH, fit, messages, too_wide};

fn main() -> ExitCode {
    let root = workspace_checks::workspace_root();
    let mut wide = 0;
    let all = messages(&root);
    for message in &all {
        let shown = workspace_checks::display(&root, &message.stderr);
        let fitted = match std::fs::read_to_string(&message.stderr) {
            Ok(stderr) => fit(&stderr),
            Err(err) => {
                eprintln!("fit-compiler-messages: cannot read {shown}: {err}");
                return ExitCode::from(2);
            }
        };
        for (number, line) in too_wide(&fitted) {
            eprintln!("{shown}:{number}: wider than {WIDTH} columns: {line}");
            wide += 1;
        }
        let written = message
            .fitted
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&message.fitted, fitted));
        if let Err(err) = written {
            let target = workspace_checks::display(&root, &message.fitted);
            eprintln!("fit-compiler-messages: cannot write {target}: {err}");
            return ExitCode::from(2);
        }
    }
    println!("wrote {} fitted compiler messages", all.len());
    if wide > 0 {
        eprintln!("fit-compiler-messages: {wide} line(s) too wide");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
