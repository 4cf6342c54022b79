//!  failures in threads, processes, tasks and executors:Chapter 4: where a failure goes in threads, processes, async tasks and executors, and how to lose none.

use shared::cli::{Chapter, Options};

/// The chapter as the command line sees it.
pub static CHAPTER: Chapter<Context> = Chapter {
    package: "error-handling",
    title: "Chapter 4 · Error handling",
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
