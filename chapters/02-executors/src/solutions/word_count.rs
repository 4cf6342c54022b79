use serde::{Deserialize, Serialize};
use shared::executor::Task;

// ANCHOR: solution
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WordCount {
    pub text: String,
}

impl Task for WordCount {
    type Output = usize;
    // A name of its own, so the chapter's workers can run both this and
    // the exercise's version.
    const NAME: &'static str = "word_count_solution";

    fn run(self) -> anyhow::Result<usize> {
        Ok(self.text.split_whitespace().count())
    }
}
// ANCHOR_END: solution
