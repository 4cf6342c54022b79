//! Chapter 6: the async ecosystem (HTTP server and client, web framework, database) run against real local services.

use shared::cli::{Chapter, Options};

/// The chapter as the command line sees it.
pub static CHAPTER: Chapter<Context> = Chapter {
    package: "ecosystem",
    title: "Chapter 6 · The async ecosystem, against real local services",
    sections: &[],
    flags: &[],
};

/// What the sections share during one run.
pub struct Context {
    /// `--full`: larger sizes, more runs.
    pub full: bool,
}

impl Context {
    pub fn from_options(options: &Options) -> anyhow::Result<Context> {
        Ok(Context { full: options.full })
    }
}
