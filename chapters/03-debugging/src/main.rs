//! `cargo run -p debugging -- --help`. The binary also serves as the hung
//! process the `debugger` section looks into (`--hang`).

use shared::cli::Mode;
use std::process::ExitCode;

fn main() -> ExitCode {
    let hang = Mode {
        flag: debugging::hang::HANG_FLAG,
        run: debugging::hang::main,
    };
    shared::cli::main(
        &debugging::CHAPTER,
        &[hang],
        debugging::Context::from_options,
    )
}
