//! `cargo run -p error-handling -- --help`.

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    shared::cli::run(&error_handling::CHAPTER, args, error_handling::Context::from_options)
}
