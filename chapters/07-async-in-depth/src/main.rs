//! `cargo run -p async-in-depth -- --help`.

fn main() -> std::process::ExitCode {
    shared::cli::main(
        &async_in_depth::CHAPTER,
        &[],
        async_in_depth::Context::from_options,
    )
}
