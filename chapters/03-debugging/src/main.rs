//! `cargo run -p debugging -- --help`. The binary also serves as the hung
//! process the `debugger` section looks into (`--hang`).

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = match shared::cli::arguments("debugging") {
        Ok(args) => args,
        Err(code) => return code,
    };
    if args.first().map(String::as_str) == Some(debugging::hang::HANG_FLAG) {
        return debugging::hang::main(&args[1..]);
    }
    shared::cli::run(&debugging::CHAPTER, args, debugging::Context::from_options)
}
