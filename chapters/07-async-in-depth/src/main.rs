//! `cargo run -p async-in-depth -- --help`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = match shared::cli::arguments("async-in-depth") {
        Ok(args) => args,
        Err(code) => return code,
    };
    shared::cli::run(
        &async_in_depth::CHAPTER,
        args,
        async_in_depth::Context::from_options,
    )
}
