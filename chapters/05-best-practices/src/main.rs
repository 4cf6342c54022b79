//! `cargo run -p best-practices -- --help`.

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    shared::cli::run(&best_practices::CHAPTER, args, best_practices::Context::from_options)
}
