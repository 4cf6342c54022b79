//!  the eight rules, each a measured before and after:Chapter 5: the eight rules of concurrent code, each a before that shows the problem and an after that fixes it.

use shared::cli::{Chapter, Options};

/// The chapter as the command line sees it.
pub static CHAPTER: Chapter<Context> = Chapter {
    package: "best-practices",
    title: "Chapter 5 · Best practices",
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
