//! Checks of the workspace as a whole: the book against the code.
//!
//! mdBook 0.5 renders a missing include file or anchor as an empty block (or
//! nothing at all) and still exits 0, and it reports no broken link. The
//! functions here are our guard; the tests in `tests/tests/` apply them to
//! this workspace. Everything that reads text is a plain function of a
//! `&str`, tested on sample text holding the bad case it must catch.
//! Markdown is read with pulldown-cmark (what mdBook renders with),
//! manifests with toml, shell words with shlex; only mdBook's own
//! `{{#include}}` directives are read by hand here, because mdBook offers no
//! parser for them short of compiling mdBook itself.
//!
//! Layout:
//! - [`directives`], [`parse_target`], [`select`], [`check_directives`]:
//!   `{{#include …}}` and friends, read the way mdBook 0.5 reads them, and
//!   whether each one selects real, non-blank lines of a real file.
//! - [`fences`], [`pasted_rust`]: fenced code blocks; a ```` ```rust ````
//!   block may hold include directives only.
//! - [`code_snippets`], [`cargo_commands`], [`check_command`]: the
//!   `cargo run -p …` / `cargo test -p …` / `cargo exercise …` commands the
//!   prose tells the reader to type, against the real chapters.
//! - [`links`], [`check_links`]: relative links between pages.
//! - [`chapter_dir`]: the chapter list; [`manifest`]: the workspace's
//!   packages and their dependencies, read with the `toml` crate.
//! - [`workspace_root`], [`markdown_files`], [`display`]: the filesystem.
//! - [`prose`]: numbers with a unit typed into prose, not taken from a run.
//! - [`compiler`]: the compiler's messages, fitted to the book's width.
//! - [`run_times`]: how long each chapter's saved run took.

use std::path::{Component, Path, PathBuf};

pub mod compiler;
pub mod manifest;
pub mod markdown;
pub mod prose;
pub mod run_times;

pub use markdown::{Fence, code_snippets, fences, is_rust, links, pasted_rust};

pub use manifest::{package_name, workspace_members, workspace_packages};

// ---------------------------------------------------------------------------
// The filesystem

/// The workspace root: this crate lives in `tests/`.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits inside the workspace")
        .to_path_buf()
}

/// Every `*.md` file under `dir`, recursively, sorted.
pub fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("a readable directory entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// Fails with every problem listed, one a line: a check reports all it
/// found, not the first.
pub fn assert_none(what: &str, problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{what}:\n  {}\n",
        problems.join("\n  ")
    );
}

/// `path` relative to `root`, for messages.
pub fn display(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// `path` with `.` and `a/..` removed, without touching the disk.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                if out.file_name().is_some() {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// The 1-based line on which byte `offset` of `text` lies.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

// ---------------------------------------------------------------------------
// Include directives

/// One `{{#kind target …}}` in a page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// `include`, `rustdoc_include`, `quiz`, `title`, …
    pub kind: String,
    /// The first word after the kind: `path`, `path:anchor`, `path:N:M`.
    /// Empty when the directive names no file.
    pub target: String,
    /// The 1-based line of the opening `{{`.
    pub line: usize,
    /// The directive as written, for messages.
    pub text: String,
}

/// Every `{{#…}}` directive in `text`, found as mdBook 0.5's link
/// preprocessor finds them: `{{`, optional whitespace, `#kind`, whitespace,
/// anything but `}`, then `}}`; a backslash before `{{#` escapes the
/// directive up to the last `}}` on its line.
pub fn directives(text: &str) -> Vec<Directive> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        if rest.starts_with("\\{{#") {
            let line_end = rest.find('\n').unwrap_or(rest.len());
            if let Some(close) = rest[..line_end].rfind("}}") {
                i += close + 2;
                continue;
            }
        }
        if let Some((mut directive, len)) = parse_directive(rest) {
            directive.line = line_of(text, i);
            found.push(directive);
            i += len;
            continue;
        }
        i += rest.chars().next().map_or(1, char::len_utf8);
    }
    found
}

/// The directive at the start of `s` and its length in bytes, if any.
fn parse_directive(s: &str) -> Option<(Directive, usize)> {
    let body = s.strip_prefix("{{")?.trim_start().strip_prefix('#')?;
    let kind_len = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(body.len());
    let (kind, rest) = body.split_at(kind_len);
    if kind.is_empty() || !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let close = rest.find('}')?;
    if !rest[close..].starts_with("}}") {
        return None;
    }
    let len = s.len() - rest.len() + close + 2;
    let target = rest[..close].split_whitespace().next().unwrap_or("");
    let directive = Directive {
        kind: kind.to_string(),
        target: target.to_string(),
        line: 0,
        text: s[..len].to_string(),
    };
    Some((directive, len))
}

/// Which lines of a file an include takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    Whole,
    /// Between `ANCHOR: name` and `ANCHOR_END: name`.
    Anchor(String),
    /// `N` (one line), `N:M`, `N:` or `:M`: 1-based and inclusive, `None`
    /// for an open end.
    Lines {
        first: Option<usize>,
        last: Option<usize>,
    },
}

/// Splits `path`, `path:anchor` or `path:N:M` as mdBook 0.5 does, but
/// refuses what mdBook would quietly misread (a line 0, `N:oops`,
/// `anchor:extra`, an anchor name that no `ANCHOR:` line could match).
pub fn parse_target(target: &str) -> Result<(&str, Selection), String> {
    let Some((path, spec)) = target.split_once(':') else {
        return Ok((target, Selection::Whole));
    };
    let number = |part: &str, what: &str| -> Result<Option<usize>, String> {
        match part {
            "" => Ok(None),
            "0" => Err("line numbers start at 1".to_string()),
            _ => part
                .parse()
                .map(Some)
                .map_err(|_| format!("`{part}` is not a {what} line number")),
        }
    };
    let parts: Vec<&str> = spec.split(':').collect();
    let selection = match parts.as_slice() {
        [one] if one.parse::<usize>().is_ok() => {
            let line = number(one, "")?;
            Selection::Lines {
                first: line,
                last: line,
            }
        }
        [anchor] if !anchor.is_empty() => {
            if !anchor.chars().all(is_anchor_char) {
                return Err(format!("`{anchor}` is not a valid anchor name"));
            }
            Selection::Anchor(anchor.to_string())
        }
        [_] => Selection::Whole,
        [first, _] if first.parse::<usize>().is_err() && !first.is_empty() => {
            return Err(format!("`{spec}` is neither `anchor` nor `N:M`"));
        }
        [first, last] => Selection::Lines {
            first: number(first, "first")?,
            last: number(last, "last")?,
        },
        _ => return Err(format!("`{spec}` has more than two parts")),
    };
    Ok((path, selection))
}

/// A character mdBook accepts in an anchor name (`[\w_-]`).
fn is_anchor_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

/// The anchor name after `marker` (`ANCHOR:` or `ANCHOR_END:`) in `line`.
fn anchor_in<'a>(line: &'a str, marker: &str) -> Option<&'a str> {
    let start = line.find(marker)? + marker.len();
    let rest = line[start..].trim_start();
    let len = rest
        .find(|c: char| !is_anchor_char(c))
        .unwrap_or(rest.len());
    (len > 0).then(|| &rest[..len])
}

/// The lines of `file` that `selection` takes, as mdBook would show them;
/// an error when they do not exist or are all blank.
pub fn select(file: &str, selection: &Selection) -> Result<String, String> {
    let lines: Vec<&str> = file.lines().collect();
    let chosen: Vec<&str> = match selection {
        Selection::Whole => lines,
        Selection::Lines { first, last } => {
            let count = lines.len();
            let first = first.unwrap_or(1);
            let last = last.unwrap_or(count);
            if first > count {
                return Err(format!(
                    "starts at line {first} but the file has {count} lines"
                ));
            }
            if last > count {
                return Err(format!(
                    "ends at line {last} but the file has {count} lines"
                ));
            }
            if first > last {
                return Err(format!("line {first} comes after line {last}"));
            }
            lines[first - 1..last].to_vec()
        }
        Selection::Anchor(name) => {
            let is =
                |line: &str, marker| anchor_in(line, marker) == Some(name.as_str());
            let Some(start) = lines.iter().position(|l| is(l, "ANCHOR:")) else {
                return Err(format!("the file has no `ANCHOR: {name}`"));
            };
            let after = &lines[start + 1..];
            let Some(end) = after.iter().position(|l| is(l, "ANCHOR_END:")) else {
                return Err(format!(
                    "`ANCHOR: {name}` has no `ANCHOR_END: {name}` after it"
                ));
            };
            after[..end]
                .iter()
                .filter(|l| anchor_in(l, "ANCHOR:").is_none())
                .filter(|l| anchor_in(l, "ANCHOR_END:").is_none())
                .copied()
                .collect()
        }
    };
    if chosen.iter().all(|l| l.trim().is_empty()) {
        return Err("selects nothing but blank lines".to_string());
    }
    Ok(chosen.join("\n"))
}

/// How deep mdBook follows includes inside included text.
pub const MAX_INCLUDE_DEPTH: usize = 10;

/// Reads a file for the checks: its text, or `None` if it cannot be read.
pub type Read<'a> = &'a dyn Fn(&Path) -> Option<String>;

/// Every problem with the directives in `text`, which lives in `base` and
/// is called `origin` in messages: an unknown kind (mdBook would print it
/// as written), a file that cannot be read, a selection that takes nothing.
/// Text that an include pulls in is checked in turn, as mdBook expands it.
pub fn check_directives(
    text: &str,
    base: &Path,
    origin: &str,
    read: Read<'_>,
    depth: usize,
) -> Vec<String> {
    let mut problems = Vec::new();
    for d in directives(text) {
        let at = format!("{origin}:{}: {}", d.line, d.text);
        let selects = matches!(d.kind.as_str(), "include" | "rustdoc_include");
        match d.kind.as_str() {
            "title" => continue,
            "include" | "rustdoc_include" | "playground" | "quiz" => {}
            "playpen" => {
                problems.push(format!("{at}: renamed to #playground"));
                continue;
            }
            other => {
                problems.push(format!(
                    "{at}: mdBook knows no #{other}; it would print it as written"
                ));
                continue;
            }
        }
        if d.target.is_empty() {
            problems.push(format!("{at}: names no file"));
            continue;
        }
        let (path, selection) = if selects {
            match parse_target(&d.target) {
                Ok(split) => split,
                Err(e) => {
                    problems.push(format!("{at}: {e}"));
                    continue;
                }
            }
        } else {
            (d.target.as_str(), Selection::Whole)
        };
        let file = base.join(path);
        let Some(content) = read(&file) else {
            let shown = normalize(&file);
            problems.push(format!("{at}: cannot read {}", shown.display()));
            continue;
        };
        if !selects {
            continue;
        }
        let shown = match select(&content, &selection) {
            Ok(shown) => shown,
            Err(e) => {
                problems.push(format!("{at}: {e}"));
                continue;
            }
        };
        // mdBook expands directives in what it pulled in, relative to the
        // included file; rustdoc_include pulls in the whole file.
        let expanded = if d.kind == "rustdoc_include" {
            content
        } else {
            shown
        };
        if directives(&expanded).is_empty() {
            continue;
        }
        if depth + 1 >= MAX_INCLUDE_DEPTH {
            problems.push(format!("{at}: includes nested too deep (a cycle?)"));
            continue;
        }
        let nested_base = file.parent().unwrap_or(Path::new(""));
        let nested_origin = format!("{} (included)", file.display());
        problems.extend(check_directives(
            &expanded,
            nested_base,
            &nested_origin,
            read,
            depth + 1,
        ));
    }
    problems
}

// ---------------------------------------------------------------------------
// Code the reader types

/// A cargo command the prose tells the reader to type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cargo {
    /// `cargo run`: the packages named with `-p`, and the words for the
    /// program (after `--`, or from the first word that is not an option).
    Run {
        packages: Vec<String>,
        args: Vec<String>,
    },
    /// `cargo test`: the packages named with `-p`.
    Test { packages: Vec<String> },
    /// `cargo exercise NAME`, the alias in `.cargo/config.toml` that ends in
    /// `--package`.
    Exercise { package: Option<String> },
}

/// Cargo options that take a value as the next word.
const VALUED_OPTIONS: &[&str] = &[
    "--bin",
    "--bench",
    "--color",
    "--config",
    "--example",
    "--features",
    "--jobs",
    "--lockfile-path",
    "--manifest-path",
    "--message-format",
    "--profile",
    "--target",
    "--target-dir",
    "--test",
    "--exclude",
    "-F",
    "-Z",
    "-j",
];

/// Whether `word` ends a command in a shell line: an operator, a comment,
/// a redirection (but `<name>` is a placeholder).
fn ends_command(word: &str) -> bool {
    matches!(word, "&&" | "||" | "|" | ";" | "&")
        || word.starts_with('#')
        || word.starts_with('>')
        || word.starts_with("2>")
        || (word.starts_with('<') && !word.ends_with('>'))
}

/// Every `cargo run`, `cargo test` and `cargo exercise` in one line of code.
pub fn cargo_commands(snippet: &str) -> Vec<Cargo> {
    // Shell words, quotes and comments as a shell reads them; a line a shell
    // could not read (an open quote in prose) falls back to whitespace.
    let owned: Vec<String> = shlex::split(snippet)
        .unwrap_or_else(|| snippet.split_whitespace().map(String::from).collect());
    let words: Vec<&str> = owned.iter().map(String::as_str).collect();
    let mut found = Vec::new();
    for (i, _) in words.iter().enumerate().filter(|(_, w)| **w == "cargo") {
        let mut command = Vec::new();
        for word in &words[i + 1..] {
            if ends_command(word) {
                break;
            }
            if let Some(last) = word.strip_suffix(';') {
                command.push(last);
                break;
            }
            command.push(*word);
        }
        let mut command = command.as_slice();
        while command.first().is_some_and(|w| w.starts_with('+')) {
            command = &command[1..]; // a toolchain: `cargo +nightly run`
        }
        let Some((subcommand, rest)) = command.split_first() else {
            continue;
        };
        match *subcommand {
            "run" | "r" => {
                let (packages, args) = parse_cargo_words(rest, true);
                found.push(Cargo::Run { packages, args });
            }
            "test" | "t" => {
                let (packages, _) = parse_cargo_words(rest, false);
                found.push(Cargo::Test { packages });
            }
            "exercise" => found.push(Cargo::Exercise {
                package: rest.first().map(|w| w.to_string()),
            }),
            _ => {}
        }
    }
    found
}

/// The `-p` packages in cargo's words, and the program's words: after `--`,
/// or (for `cargo run`, whose trailing words go to the program) from the
/// first word that is not an option.
fn parse_cargo_words(words: &[&str], trailing: bool) -> (Vec<String>, Vec<String>) {
    let mut packages = Vec::new();
    let mut args = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let word = words[i];
        i += 1;
        if word == "--" || (trailing && !word.starts_with('-')) {
            let from = if word == "--" { i } else { i - 1 };
            args.extend(words[from..].iter().map(|w| w.to_string()));
            break;
        }
        if word == "-p" || word == "--package" {
            packages.extend(words.get(i).map(|w| w.to_string()));
            i += 1;
        } else if let Some(name) = word.strip_prefix("--package=") {
            packages.push(name.to_string());
        } else if let Some(name) = word.strip_prefix("-p").filter(|n| !n.is_empty())
        {
            packages.push(name.to_string());
        } else if VALUED_OPTIONS.contains(&word) {
            i += 1;
        }
    }
    (packages, args)
}

/// Whether `word` stands for a name the reader fills in: `NAME`,
/// `SECTION…`, `<chapter>`, `[SECTION]`.
pub fn is_placeholder(word: &str) -> bool {
    let starts = |c| word.starts_with(c);
    if starts('<') || starts('[') || starts('{') {
        return true;
    }
    let core = word.trim_end_matches(['…', '.']);
    core.chars().any(|c| c.is_ascii_uppercase())
        && core
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// A chapter's own argument parser: `Err(message)` for a command line it
/// would refuse.
pub type Accepts = Box<dyn Fn(&[String]) -> Result<(), String>>;

/// A chapter as the checks see it.
pub struct ChapterInfo {
    /// Its package name, e.g. `comparison`.
    pub package: String,
    /// Its section names, in order.
    pub sections: Vec<String>,
    /// The chapter's own argument parser: `Err(message)` for a command line
    /// it would refuse.
    pub accepts: Accepts,
    /// What its `--help` prints.
    pub help: String,
}

impl std::fmt::Debug for ChapterInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChapterInfo")
            .field("package", &self.package)
            .field("sections", &self.sections)
            .finish_non_exhaustive()
    }
}

/// What is wrong with `command`: a `cargo run` that names no chapter, a
/// section the chapter does not have, arguments its parser refuses; a
/// `cargo test -p` or `cargo exercise` naming no workspace package.
pub fn check_command(
    command: &Cargo,
    chapters: &[ChapterInfo],
    packages: &[String],
) -> Vec<String> {
    let mut problems = Vec::new();
    let is_package = |name: &str| packages.iter().any(|p| p == name);
    match command {
        Cargo::Run {
            packages: named,
            args,
        } => {
            // A bare `cargo run` runs the workspace's one default member.
            let default = manifest::default_package(&workspace_root());
            let name = match (named.as_slice(), &default) {
                ([name], _) => name,
                ([], Some(default)) => default,
                _ => {
                    problems.push(
                        "cargo run at the workspace root needs exactly one -p CHAPTER \
                         (or one default-members entry)"
                            .to_string(),
                    );
                    return problems;
                }
            };
            if is_placeholder(name) {
                return problems;
            }
            let Some(chapter) = chapters.iter().find(|c| c.package == *name) else {
                let what = if is_package(name) {
                    "a workspace package but not a chapter"
                } else {
                    "no package of this workspace"
                };
                problems.push(format!("-p {name}: {what}"));
                return problems;
            };
            let args: Vec<String> = args
                .iter()
                .filter(|a| !is_placeholder(a))
                .cloned()
                .collect();
            // The chapter's own parser judges them: it knows which options
            // take a value (`--from FILE`) and which words are sections.
            if let Err(e) = (chapter.accepts)(&args) {
                problems.push(format!("{name} refuses these arguments: {e}"));
            }
        }
        Cargo::Test { packages: named } => {
            for name in named.iter().filter(|n| !is_placeholder(n)) {
                if !is_package(name) {
                    problems
                        .push(format!("-p {name}: no package of this workspace"));
                }
            }
        }
        // Without a chapter, `cargo exercise` shows the progress over all.
        Cargo::Exercise { package } => match package {
            None => {}
            Some(name) if !is_placeholder(name) && !is_package(name) => {
                problems.push(format!("{name}: no package of this workspace"));
            }
            Some(_) => {}
        },
    }
    problems
}

// ---------------------------------------------------------------------------
// Links

/// The path part of a relative link target, percent-decoded: `None` for a
/// URL with a scheme, an absolute path, or a bare `#fragment`.
pub fn relative_path(target: &str) -> Option<String> {
    let path = target.split(['#', '?']).next().unwrap_or("");
    let scheme = path.split_once(':').is_some_and(|(s, _)| {
        s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    });
    if path.is_empty() || scheme || path.starts_with('/') {
        return None;
    }
    Some(
        percent_encoding::percent_decode_str(path)
            .decode_utf8_lossy()
            .into_owned(),
    )
}

/// Every relative link in `text` (a page in `base`, called `origin`) whose
/// file does not exist, or that points at a page the book does not build
/// (an `.md` file missing from `pages`, normalized paths from SUMMARY.md).
pub fn check_links(
    text: &str,
    base: &Path,
    origin: &str,
    pages: &[PathBuf],
    exists: &dyn Fn(&Path) -> bool,
) -> Vec<String> {
    let mut problems = Vec::new();
    for (line, target) in links(text) {
        let Some(path) = relative_path(&target) else {
            continue;
        };
        let file = normalize(&base.join(&path));
        if !exists(&file) {
            problems.push(format!("{origin}:{line}: ({target}): no such file"));
        } else if path.ends_with(".md") && !pages.contains(&file) {
            problems.push(format!(
                "{origin}:{line}: ({target}): not in SUMMARY.md, so never built"
            ));
        }
    }
    problems
}

// ---------------------------------------------------------------------------
// Chapters and packages

/// `01-comparison` → `Some((1, "comparison"))`: two digits, a dash, and a
/// lower-case name starting with a letter.
pub fn chapter_dir(name: &str) -> Option<(u32, &str)> {
    let (number, rest) = name.split_at_checked(2)?;
    let package = rest.strip_prefix('-')?;
    let ok_number = number.chars().all(|c| c.is_ascii_digit());
    let ok_name = package.starts_with(|c: char| c.is_ascii_lowercase())
        && package
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    (ok_number && ok_name).then(|| (number.parse().expect("two digits"), package))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// A pretend filesystem for the include checks.
    fn files(list: &[(&str, &str)]) -> HashMap<PathBuf, String> {
        list.iter()
            .map(|(p, t)| (PathBuf::from(p), t.to_string()))
            .collect()
    }

    fn check(page: &str, fs: &HashMap<PathBuf, String>) -> Vec<String> {
        let read = |p: &Path| fs.get(&normalize(p)).cloned();
        check_directives(page, Path::new("book/src"), "page.md", &read, 0)
    }

    const CODE: &str = "use std::thread;\n\
        // ANCHOR: spawn\n\
        let h = thread::spawn(|| 1);\n\
        // ANCHOR_END: spawn\n\
        // ANCHOR: open\n\
        let x = 2;\n\
        // ANCHOR: blank\n\
        \n\
        // ANCHOR_END: blank\n";

    fn code_fs() -> HashMap<PathBuf, String> {
        files(&[("chapters/01-c/src/a.rs", CODE)])
    }

    #[test]
    fn finds_directives_as_mdbook_does() {
        // An escape runs to the last `}}` on its line, as in mdBook.
        let text = "a {{#include x.rs:one}}\n{{ #rustdoc_include  y.rs }}\n\
            \\{{#include escaped.rs}} {{#include hidden.rs}}\n\
            {{#title T}} {{#include}} {{x}}";
        let found = directives(text);
        let kinds: Vec<(&str, &str, usize)> = found
            .iter()
            .map(|d| (d.kind.as_str(), d.target.as_str(), d.line))
            .collect();
        assert_eq!(
            kinds,
            vec![
                ("include", "x.rs:one", 1),
                ("rustdoc_include", "y.rs", 2),
                ("title", "T", 4),
            ]
        );
    }

    #[test]
    fn parses_targets_and_refuses_misreadings() {
        let lines = |first, last| Selection::Lines { first, last };
        assert_eq!(parse_target("a.rs"), Ok(("a.rs", Selection::Whole)));
        let anchor = Selection::Anchor("spawn".into());
        assert_eq!(parse_target("a.rs:spawn"), Ok(("a.rs", anchor)));
        assert_eq!(
            parse_target("a.rs:3"),
            Ok(("a.rs", lines(Some(3), Some(3))))
        );
        assert_eq!(
            parse_target("a.rs:2:5"),
            Ok(("a.rs", lines(Some(2), Some(5))))
        );
        assert_eq!(parse_target("a.rs:2:"), Ok(("a.rs", lines(Some(2), None))));
        assert_eq!(parse_target("a.rs::5"), Ok(("a.rs", lines(None, Some(5)))));
        assert!(parse_target("a.rs:0:5").is_err());
        assert!(parse_target("a.rs:2:x").is_err());
        assert!(parse_target("a.rs:spawn:2").is_err());
        assert!(parse_target("a.rs:1:2:3").is_err());
        assert!(parse_target("a.rs:sp.awn").is_err());
    }

    #[test]
    fn a_good_include_passes() {
        let page = "```rust\n{{#include ../../chapters/01-c/src/a.rs:spawn}}\n```\n\
            {{#rustdoc_include ../../chapters/01-c/src/a.rs:2:3}}\n\
            {{#include ../../chapters/01-c/src/a.rs}}";
        assert_eq!(check(page, &code_fs()), Vec::<String>::new());
    }

    #[test]
    fn catches_a_missing_file() {
        let page = "{{#include ../../chapters/01-c/src/gone.rs:spawn}}";
        let problems = check(page, &code_fs());
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("cannot read"), "{problems:?}");
        assert!(problems[0].starts_with("page.md:1:"), "{problems:?}");
    }

    #[test]
    fn catches_missing_and_half_and_empty_anchors() {
        for (anchor, expect) in [
            ("nope", "no `ANCHOR: nope`"),
            ("open", "no `ANCHOR_END: open`"),
            ("blank", "blank"),
        ] {
            let page =
                format!("{{{{#include ../../chapters/01-c/src/a.rs:{anchor}}}}}");
            let problems = check(&page, &code_fs());
            assert_eq!(problems.len(), 1, "{anchor}: {problems:?}");
            assert!(problems[0].contains(expect), "{problems:?}");
        }
    }

    #[test]
    fn catches_line_ranges_outside_the_file() {
        for range in ["10:12", "2:40", "40", "5:3", "8"] {
            let page =
                format!("{{{{#include ../../chapters/01-c/src/a.rs:{range}}}}}");
            let problems = check(&page, &code_fs());
            assert_eq!(problems.len(), 1, "{range}: {problems:?}");
        }
    }

    #[test]
    fn selects_what_mdbook_shows() {
        let anchor = Selection::Anchor("spawn".into());
        assert_eq!(
            select(CODE, &anchor).unwrap(),
            "let h = thread::spawn(|| 1);"
        );
        let lines = Selection::Lines {
            first: Some(1),
            last: Some(1),
        };
        assert_eq!(select(CODE, &lines).unwrap(), "use std::thread;");
    }

    #[test]
    fn catches_unknown_kinds_missing_quizzes_and_nested_misses() {
        let fs = files(&[
            ("book/src/quiz.toml", "[[questions]]"),
            ("book/src/part.md", "{{#include missing.rs}}"),
        ]);
        assert_eq!(check("{{#quiz quiz.toml}}", &fs), Vec::<String>::new());
        assert_eq!(check("{{#quiz gone.toml}}", &fs).len(), 1);
        assert_eq!(check("{{#inclde part.md}}", &fs).len(), 1);
        assert_eq!(check("{{#include part.md}}", &fs).len(), 1);
        let cycle = files(&[("book/src/self.md", "{{#include self.md}}")]);
        let problems = check("{{#include self.md}}", &cycle);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("too deep"), "{problems:?}");
    }

    #[test]
    fn finds_fences_of_both_kinds() {
        let text = "x\n```rust,ignore\na\n```\n~~~~\n```\nb\n~~~~\n\
            ``` `inline` ```\n\
            ```console\nc";
        let found = fences(text);
        let summary: Vec<(&str, usize, usize)> = found
            .iter()
            .map(|f| (f.info.as_str(), f.line, f.body.len()))
            .collect();
        assert_eq!(
            summary,
            vec![("rust,ignore", 2, 1), ("", 5, 2), ("console", 10, 1)]
        );
    }

    #[test]
    fn catches_pasted_rust() {
        let text = "```rust\n{{#include a.rs:x}}\n\n```\n\
            ```rust,ignore\n{{#include a.rs:y}}\nfn main() {}\n```\n\
            ```text\nfn main() {}\n```\n\
            ```rust\n{{#include a.rs}} let x = 1;\n```\n";
        assert_eq!(
            pasted_rust(text),
            vec![
                (7, "fn main() {}".to_string()),
                (13, "{{#include a.rs}} let x = 1;".to_string()),
            ]
        );
        assert!(is_rust("rust") && is_rust("rust,no_run") && is_rust("Rust ignore"));
        assert!(!is_rust("rusty") && !is_rust("") && !is_rust("console"));
    }

    #[test]
    fn finds_code_in_fences_and_inline_spans() {
        let text = "Run `cargo run -p a` now.\n\n\
            ```console\n$ cargo run \\\n  -p b\n\
            ```\nand ``cargo test -p `c` `` then\n\n`unclosed\n\n`d`";
        assert_eq!(
            code_snippets(text),
            vec![
                (1, "cargo run -p a".to_string()),
                (4, "$ cargo run    -p b".to_string()),
                (7, "cargo test -p `c`".to_string()),
                (11, "d".to_string()),
            ]
        );
    }

    #[test]
    fn reads_cargo_commands() {
        let run = |p: &[&str], a: &[&str]| Cargo::Run {
            packages: p.iter().map(|s| s.to_string()).collect(),
            args: a.iter().map(|s| s.to_string()).collect(),
        };
        assert_eq!(
            cargo_commands("$ cargo run --release -p comparison -- --full table"),
            vec![run(&["comparison"], &["--full", "table"])]
        );
        assert_eq!(
            cargo_commands("cargo run --package=x --features f io && cargo run -pq"),
            vec![run(&["x"], &["io"]), run(&["q"], &[])]
        );
        assert_eq!(
            cargo_commands("cargo +nightly run -p x -- a; ls -p y"),
            vec![run(&["x"], &["a"])]
        );
        assert_eq!(
            cargo_commands("cargo run -p x -- a >out.txt <in.txt"),
            vec![run(&["x"], &["a"])]
        );
        assert_eq!(
            cargo_commands(
                "cargo test --workspace -p a --test t name -- --nocapture"
            ),
            vec![Cargo::Test {
                packages: vec!["a".into()]
            }]
        );
        assert_eq!(
            cargo_commands("cargo exercise comparison # check"),
            vec![Cargo::Exercise {
                package: Some("comparison".into())
            }]
        );
        assert_eq!(cargo_commands("cargo build -p x; cargo"), vec![]);
    }

    fn demo_chapters() -> Vec<ChapterInfo> {
        vec![ChapterInfo {
            package: "demo".into(),
            sections: vec!["one".into(), "two".into()],
            // A parser like a chapter's: one option, two sections.
            accepts: Box::new(|args: &[String]| {
                let refused =
                    |a: &&String| !matches!(a.as_str(), "--full" | "one" | "two");
                match args.iter().find(refused) {
                    Some(a) => Err(format!("'{a}' is not an option or a section")),
                    None => Ok(()),
                }
            }),
            help: "usage: demo [one|two] [--full]".into(),
        }]
    }

    fn problems_in(snippet: &str) -> Vec<String> {
        let packages = vec!["demo".to_string(), "shared".to_string()];
        cargo_commands(snippet)
            .iter()
            .flat_map(|c| check_command(c, &demo_chapters(), &packages))
            .collect()
    }

    #[test]
    fn accepts_real_chapters_sections_and_placeholders() {
        for good in [
            "cargo run -p demo",
            "cargo run --release -p demo -- --full two one",
            "cargo run -p demo -- SECTION…",
            "cargo run -p NAME -- [SECTION]",
            "cargo run -p <chapter>",
            "cargo test --workspace",
            "cargo test -p shared",
            "cargo exercise demo",
            "cargo exercise NAME",
            "cargo exercise",
            "cargo exercise demo --hint 2",
        ] {
            assert_eq!(problems_in(good), Vec::<String>::new(), "{good}");
        }
    }

    #[test]
    fn catches_bad_packages_sections_and_options() {
        for bad in [
            "cargo run -p demp",
            "cargo run -p shared",
            "cargo run",
            "cargo run --release -- one",
            "cargo run -p demo -- three",
            "cargo run -p demo three",
            "cargo run -p demo -- --ful",
            "cargo test -p nope",
            "cargo exercise demp",
        ] {
            assert_eq!(problems_in(bad).len(), 1, "{bad}: {:?}", problems_in(bad));
        }
    }

    #[test]
    fn placeholders_are_recognised() {
        for word in [
            "NAME",
            "SECTION…",
            "SECTION...",
            "<name>",
            "[SECTION]",
            "N2",
        ] {
            assert!(is_placeholder(word), "{word}");
        }
        for word in ["comparison", "io-bound", "Name", "--full", "123"] {
            assert!(!is_placeholder(word), "{word}");
        }
    }

    #[test]
    fn finds_links_outside_code() {
        let text = "See [one](01-a.md#x) and ![pic](img/p.png \"t\").\n\
            `[no](code.md)`\n```\n[no](fence.md)\n```\n\
            [web](https://example.com) [frag](#top) [a (b)](x_(y).md)\n\n\
            [ref]: ref.md\n\n[^1]: footnote";
        let targets: Vec<(usize, String)> = links(text);
        assert_eq!(
            targets,
            vec![
                (1, "01-a.md#x".to_string()),
                (1, "img/p.png".to_string()),
                (6, "https://example.com".to_string()),
                (6, "#top".to_string()),
                (6, "x_(y).md".to_string()),
                (8, "ref.md".to_string()),
            ]
        );
    }

    #[test]
    fn catches_broken_and_unbuilt_links() {
        let pages = vec![PathBuf::from("src/a.md")];
        let exists = |p: &Path| {
            [
                Path::new("src/a.md"),
                Path::new("src/b.md"),
                Path::new("src/i.png"),
            ]
            .contains(&p)
        };
        let text = "[ok](a.md#f) [ok](./i.png) [ok](https://x.org/y.md) [ok](#f)\n\
            [gone](c.md) [unbuilt](b.md) [gone](sub/../../src/a%20b.md)\n\
            [ok](../src/a.md)";
        let problems = check_links(text, Path::new("src"), "p.md", &pages, &exists);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(
            problems.iter().all(|p| p.starts_with("p.md:2:")),
            "{problems:?}"
        );
        assert!(problems[1].contains("not in SUMMARY.md"), "{problems:?}");
        assert_eq!(relative_path("a%20b.md#x"), Some("a b.md".to_string()));
        assert_eq!(relative_path("mailto:me@x.org"), None);
    }

    #[test]
    fn reads_chapter_dirs_and_cargo_tomls() {
        assert_eq!(chapter_dir("01-comparison"), Some((1, "comparison")));
        assert_eq!(chapter_dir("12-async-io2"), Some((12, "async-io2")));
        for bad in [
            "1-comparison",
            "01_comparison",
            "01-Comparison",
            "ab-x",
            "01-",
        ] {
            assert_eq!(chapter_dir(bad), None, "{bad}");
        }
    }

    #[test]
    fn normalizes_paths_lexically() {
        let p = normalize(Path::new("book/src/./a/../../../chapters/x.rs"));
        assert_eq!(p, PathBuf::from("chapters/x.rs"));
    }
}
