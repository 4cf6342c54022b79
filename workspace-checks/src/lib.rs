//! Checks of the workspace as a whole: the book against the code.
//!
//! mdBook 0.5 renders a missing include file or anchor as an empty block (or
//! nothing at all) and still exits 0, and it reports no broken link. The
//! functions here are our guard; the tests in `workspace-checks/tests/` apply them to
//! this workspace. Everything that reads text is a plain function of a
//! `&str`, tested on sample text holding the bad case it must catch.
//! Markdown is read with pulldown-cmark (what mdBook renders with),
//! manifests with toml, shell words with shlex; only mdBook's own
//! `{{#include}}` directives are read by hand here, because mdBook offers no
//! parser for them short of compiling mdBook itself.
//!
//! Layout, one module an idea (their items are re-exported here):
//! - [`mod@directives`]: `{{#include …}}` and friends, read the way mdBook
//!   0.5 reads them, and whether each one selects real, non-blank lines of
//!   a real file.
//! - [`markdown`]: fenced code blocks (a ```` ```rust ```` block may hold
//!   include directives only), inline code and links, with pulldown-cmark.
//! - [`commands`]: the `cargo run -p …` / `cargo test -p …` /
//!   `cargo exercise …` commands the prose tells the reader to type,
//!   against the real chapters.
//! - [`mod@links`]: relative links between pages.
//! - [`manifest`]: the chapter list and the workspace's packages and their
//!   dependencies, read with the `toml` crate.
//! - [`fs`]: the filesystem: the root, the Markdown files, paths shown.
//! - [`prose`]: numbers with a unit typed into prose, not taken from a run.
//! - [`compiler`]: the compiler's messages, fitted to the book's width.
//! - [`run_times`]: how long each chapter's saved run took.

pub mod commands;
pub mod compiler;
pub mod directives;
pub mod fs;
pub mod links;
pub mod manifest;
pub mod markdown;
pub mod prose;
pub mod run_times;

pub use commands::{
    Accepts, Cargo, ChapterInfo, cargo_commands, check_command, is_placeholder,
};
pub use directives::{
    Directive, Read, Selection, check_directives, directives, parse_target, select,
};
pub(crate) use fs::line_of;
pub use fs::{assert_none, display, markdown_files, normalize, workspace_root};
pub use links::{check_links, relative_path};
pub use manifest::{
    chapter_dir, package_name, workspace_members, workspace_packages,
};
pub use markdown::{Fence, code_snippets, fences, is_rust, links, pasted_rust};
