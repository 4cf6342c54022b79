//! mdBook's `{{#include …}}` directives and friends, read the way mdBook
//! 0.5 reads them, and whether each selects real, non-blank lines of a
//! real file. Read by hand: mdBook offers no parser for them short of
//! compiling mdBook itself.

use crate::{line_of, normalize};
use std::path::{Path, PathBuf};

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
        check_directive(&d, base, origin, read, depth, &mut problems);
    }
    problems
}

/// The problems with one directive, and with what its include pulls in.
fn check_directive(
    d: &Directive,
    base: &Path,
    origin: &str,
    read: Read<'_>,
    depth: usize,
    problems: &mut Vec<String>,
) {
    let at = format!("{origin}:{}: {}", d.line, d.text);
    let (file, expanded) = match pulled_in(d, base, read) {
        Err(problem) => {
            problems.push(format!("{at}: {problem}"));
            return;
        }
        Ok(None) => return,
        Ok(Some(pulled)) => pulled,
    };
    if directives(&expanded).is_empty() {
        return;
    }
    if depth + 1 >= MAX_INCLUDE_DEPTH {
        problems.push(format!("{at}: includes nested too deep (a cycle?)"));
        return;
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

/// The file a directive names and the text of it that mdBook expands
/// directives in again; `None` when that is nothing (a title, a
/// playground or quiz file that exists); the problem when mdBook would
/// show something other than what the page means.
fn pulled_in(
    d: &Directive,
    base: &Path,
    read: Read<'_>,
) -> Result<Option<(PathBuf, String)>, String> {
    let selects = matches!(d.kind.as_str(), "include" | "rustdoc_include");
    match d.kind.as_str() {
        "title" => return Ok(None),
        "include" | "rustdoc_include" | "playground" | "quiz" => {}
        "playpen" => return Err("renamed to #playground".into()),
        other => {
            return Err(format!(
                "mdBook knows no #{other}; it would print it as written"
            ));
        }
    }
    if d.target.is_empty() {
        return Err("names no file".into());
    }
    let (path, selection) = if selects {
        parse_target(&d.target)?
    } else {
        (d.target.as_str(), Selection::Whole)
    };
    let file = base.join(path);
    let content = read(&file)
        .ok_or_else(|| format!("cannot read {}", normalize(&file).display()))?;
    if !selects {
        return Ok(None);
    }
    let shown = select(&content, &selection)?;
    // mdBook expands directives in what it pulled in, relative to the
    // included file; rustdoc_include pulls in the whole file.
    let expanded = if d.kind == "rustdoc_include" {
        content
    } else {
        shown
    };
    Ok(Some((file, expanded)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::path::PathBuf;

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
}
