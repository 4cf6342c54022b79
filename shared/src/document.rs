//! The results document: what one run of a chapter measured, as `--json`
//! prints it and as `--from FILE` reads it back.
//!
//! The book's figures come from one such document per chapter, so every
//! output block, chart and quoted figure of a page shows the same run.
//! Every section's report is rebuilt from `results` when the document is
//! read back ([`crate::cli::Run`]), so a doctored figure meets the same
//! checks a measured one did; the report saved beside it is what the run
//! printed, kept for reading the document by eye.
//!
//! Schema, version [`SCHEMA`]:
//! - `schema`: this number; a reader refuses any other.
//! - `chapter`: the package name; `machine`: [`Machine`]; `date`: when the
//!   run started (UTC); `arguments`: its command line.
//! - `sections`: in the order they ran, each with `name`, `load` (how busy
//!   the machine was just before it, when the run asked: `--json` or
//!   `--wait-quiet`), `seconds` (how long it took) and `report` (tables,
//!   notes and checks, each check with its `kind`: `invariant`, `measured`
//!   or `plausible`).
//! - `results`: the chapter's typed results (its own types, documented in
//!   the chapter's `Results`: one field per section, `null` when the
//!   section did not run).

use crate::machine::{Load, Machine};
use crate::report::SectionReport;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The version of the layout above. Raise it when a field changes meaning.
pub const SCHEMA: u32 = 3;

/// One run of a chapter.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Document<R> {
    pub schema: u32,
    pub chapter: String,
    pub machine: Machine,
    pub date: String,
    pub arguments: Vec<String>,
    pub sections: Vec<SectionRun>,
    pub results: R,
}

/// One section of a run: how busy the machine was, and what it printed.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SectionRun {
    pub name: String,
    pub load: Option<Load>,
    pub seconds: f64,
    pub report: SectionReport,
}

impl<R> Document<R> {
    /// The run of section `name`, if the document has it.
    pub fn section(&self, name: &str) -> Option<&SectionRun> {
        self.sections.iter().find(|s| s.name == name)
    }

    /// The header a generated output starts with: machine, build, date and,
    /// for one section, the load before it.
    pub fn header(&self, load: Option<&Load>) -> String {
        let mut text =
            format!("Measured on {}, {}", self.machine.summary(), self.date);
        if !self.arguments.is_empty() {
            text += &format!(" (`{}`)", self.arguments.join(" "));
        }
        text.push('.');
        if let Some(load) = load {
            text += &format!(" Before it: {}.", load.summary());
        }
        text
    }
}

/// Reads a document of this chapter, refusing another schema or chapter.
pub fn read_document<R: DeserializeOwned>(
    text: &str,
    package: &str,
) -> anyhow::Result<Document<R>> {
    use anyhow::{Context as _, bail};
    let probe: serde_json::Value =
        serde_json::from_str(text).context("not a JSON document")?;
    let schema = probe.get("schema").and_then(|s| s.as_u64());
    if schema != Some(u64::from(SCHEMA)) {
        bail!(
            "schema {schema:?}, but this build reads schema {SCHEMA}: rerun --json"
        );
    }
    let document: Document<R> =
        serde_json::from_value(probe).context("not a results document")?;
    if document.chapter != package {
        bail!("a run of {}, not of {package}", document.chapter);
    }
    Ok(document)
}
