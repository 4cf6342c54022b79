//! `cargo run -p ecosystem -- --help`.

fn main() -> std::process::ExitCode {
    shared::cli::main(&ecosystem::CHAPTER, &[], ecosystem::Context::from_options)
}
