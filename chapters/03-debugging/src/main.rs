//! `cargo run -p debugging -- --help`.

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    shared::cli::run(&debugging::CHAPTER, args, debugging::Context::from_options)
}
