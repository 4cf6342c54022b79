//! Chapter 7: async in depth. Chapters 1–6 ran tasks; this one opens them
//! up: what `.await` does (a `Future` polled by an executor we write
//! ourselves), where a future can be stopped (cancellation, and the message
//! a careless `select!` loses), and what `Send` and `Sync` ask of the data
//! a task holds, and what an atomic's `Ordering` promises. Every section
//! runs its demo and checks what happened.
//!
//! Layout:
//! - [`mini_executor`]: a whole executor in std alone (a waker, a ready
//!   queue), small enough to read, that runs the same tasks as tokio.
//! - [`hand_written`]: futures written as state machines, without `async`.
//! - [`sections`]: one file per section, in the order of the page, each a
//!   `measure` into its typed results and a pure `report` from them.
//! - [`Results`]: every section's typed results, the `results` of the
//!   `--json` document the book is rendered from.
//! - [`sizes`]: quick (default), full, and tiny (tests).
//! - [`two_threads`]: a timed loop on two threads at once, for the
//!   contended rows.
//! - [`exercises`] and [`solutions`]: the learner's stubs and the answers.

pub mod exercises;
pub mod hand_written;
pub mod mini_executor;
pub mod sections;
pub mod sizes;
pub mod solutions;
pub mod two_threads;

use serde::{Deserialize, Serialize};
use shared::cli::{Chapter, Options, Section};
use shared::typed;
use sizes::Sizes;
use std::time::Duration;

/// The longest any demo waits for something that should come: generous,
/// so only a real hang trips it, and then the demo fails instead of hanging.
pub const BOUND: Duration = Duration::from_secs(60);

/// The chapter as the command line sees it.
pub static CHAPTER: Chapter<Context, Results> = Chapter {
    package: "async-in-depth",
    title: "Chapter 7 · Async in depth: await, cancellation, Send, orderings",
    sections: &[
        Section {
            name: "await",
            summary: "the Future trait, run by an executor written here and by tokio",
            run: typed!(awaiting),
        },
        Section {
            name: "cancellation",
            summary: "a dropped future stops at an .await; select! can lose a message",
            run: typed!(cancellation),
        },
        Section {
            name: "send-sync",
            summary: "what tokio::spawn asks of a task's data; Rc against Arc",
            run: typed!(send_sync),
        },
        Section {
            name: "orderings",
            summary: "Relaxed, Acquire/Release, SeqCst: a flag that publishes, or not",
            run: typed!(orderings),
        },
        Section {
            name: "asyncio-map",
            summary: "asyncio's constructs beside tokio's, each checked on a paused clock",
            run: typed!(asyncio_map),
        },
    ],
    python: None,
};

/// Everything one run of the chapter saw, section by section: what
/// `--json` prints under `results`, what every report is drawn from. A
/// section that did not run is `None`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Results {
    pub awaiting: Option<sections::awaiting::Awaiting>,
    pub cancellation: Option<sections::cancellation::Cancellation>,
    pub send_sync: Option<sections::send_sync::SendSync>,
    pub orderings: Option<sections::orderings::Orderings>,
    pub asyncio_map: Option<sections::asyncio_map::AsyncioMap>,
}

/// The results of a section a report needs (shared by every chapter).
pub use shared::cli::need;

/// What the sections share during one run.
pub struct Context {
    pub sizes: Sizes,
}

impl Context {
    pub fn new(sizes: Sizes) -> Context {
        Context { sizes }
    }

    pub fn from_options(options: &Options) -> anyhow::Result<Context> {
        let sizes = options.sizes();
        Ok(Context::new(sizes))
    }
}
