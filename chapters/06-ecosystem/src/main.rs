//! `cargo run -p ecosystem -- --help`.

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    shared::cli::run(&ecosystem::CHAPTER, args, ecosystem::Context::from_options)
}
