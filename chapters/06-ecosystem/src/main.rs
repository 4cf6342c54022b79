//! `cargo run -p ecosystem -- --help`.

fn main() -> std::process::ExitCode {
    let args = match shared::cli::arguments("ecosystem") {
        Ok(args) => args,
        Err(code) => return code,
    };
    shared::cli::run(&ecosystem::CHAPTER, args, ecosystem::Context::from_options)
}
