//!  races, deadlocks and starvation — reproduced, caught, fixed:Chapter 3: the four problems of concurrent code, each happening for real, caught and fixed.

use shared::cli::{Chapter, Options};

/// The chapter as the command line sees it.
pub static CHAPTER: Chapter<Context> = Chapter {
    package: "debugging",
    title: "Chapter 3 · Debugging",
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
