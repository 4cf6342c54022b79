//! What a Markdown page holds, read with pulldown-cmark, the CommonMark
//! parser mdBook itself renders with: its fenced code blocks, its inline
//! code, its prose with the code blanked out, and its link targets. Reading
//! a page as mdBook does is the point: a hand-written scanner disagrees with
//! it on the cases that matter (a backtick inside a fence's info string, a
//! link inside code, a reference definition).

use super::{directives, line_of};
use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use std::ops::Range;

/// One fenced code block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fence {
    /// What follows the opening fence: `rust`, `rust,ignore`, `console`, ….
    pub info: String,
    /// The 1-based line of the opening fence.
    pub line: usize,
    /// The lines between the fences.
    pub body: Vec<String>,
}

fn parser(text: &str) -> Parser<'_> {
    Parser::new_ext(text, Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES)
}

/// Every fenced block of `text`. An unclosed fence runs to the end, as
/// CommonMark reads it.
pub fn fences(text: &str) -> Vec<Fence> {
    let mut found = Vec::new();
    let mut open: Option<(Fence, String)> = None;
    for (event, range) in parser(text).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                let fence = Fence {
                    info: info.trim().to_string(),
                    line: line_of(text, range.start),
                    body: Vec::new(),
                };
                open = Some((fence, String::new()));
            }
            Event::Text(body) => {
                if let Some((_, text)) = &mut open {
                    text.push_str(&body);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((mut fence, body)) = open.take() {
                    fence.body = body.lines().map(str::to_string).collect();
                    found.push(fence);
                }
            }
            _ => {}
        }
    }
    found
}

/// Whether a fence's info string makes it a Rust block (`rust`,
/// `rust,ignore`, `rust noplayground`, …).
pub fn is_rust(info: &str) -> bool {
    info.split(|c: char| c == ',' || c == '{' || c.is_whitespace())
        .next()
        .is_some_and(|word| word.eq_ignore_ascii_case("rust"))
}

/// Whether `line` holds nothing but include directives and whitespace.
fn only_includes(line: &str) -> bool {
    let mut rest = line.to_string();
    for d in directives(line) {
        if !matches!(
            d.kind.as_str(),
            "include" | "rustdoc_include" | "playground"
        ) {
            return false;
        }
        rest = rest.replacen(&d.text, "", 1);
    }
    rest.trim().is_empty()
}

/// The first pasted line of every Rust block in `text` that holds more than
/// include directives: (1-based line, the line).
pub fn pasted_rust(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for fence in fences(text).into_iter().filter(|f| is_rust(&f.info)) {
        let pasted = fence
            .body
            .iter()
            .enumerate()
            .find(|(_, l)| !only_includes(l));
        if let Some((i, line)) = pasted {
            found.push((fence.line + 1 + i, line.clone()));
        }
    }
    found
}

/// The byte ranges of every code block and inline code span.
fn code_ranges(text: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    for (event, range) in parser(text).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) | Event::Code(_) => ranges.push(range),
            _ => {}
        }
    }
    ranges
}

/// `text` with every code block (fences included) and inline code span
/// blanked, each line where it was, so line numbers still hold.
pub fn prose_only(text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for range in code_ranges(text) {
        for byte in &mut bytes[range] {
            if *byte != b'\n' {
                *byte = b' ';
            }
        }
    }
    // Whole code points were replaced, byte by byte, with ASCII spaces.
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The code in a Markdown page: every logical line of every fenced block
/// (a line ending in `\` joined to the next) and every inline code span,
/// as (1-based line, text).
pub fn code_snippets(text: &str) -> Vec<(usize, String)> {
    let mut code = Vec::new();
    for fence in fences(text) {
        let mut pending: Option<(usize, String)> = None;
        for (i, line) in fence.body.iter().enumerate() {
            let (start, mut joined) = pending
                .take()
                .unwrap_or((fence.line + 1 + i, String::new()));
            match line.trim_end().strip_suffix('\\') {
                Some(head) => {
                    joined.push_str(head);
                    joined.push(' ');
                    pending = Some((start, joined));
                }
                None => {
                    joined.push_str(line);
                    code.push((start, joined));
                }
            }
        }
        code.extend(pending);
    }
    for (event, range) in parser(text).into_offset_iter() {
        if let Event::Code(span) = event {
            code.push((line_of(text, range.start), span.trim().to_string()));
        }
    }
    code.sort_by_key(|(line, _)| *line);
    code
}

/// Every link target in `text` outside code: inline links, images, and
/// reference definitions `[label]: target`. (1-based line, target as
/// written.)
pub fn links(text: &str) -> Vec<(usize, String)> {
    let parser = parser(text);
    // (byte offset, target): sorted by where each stands in the page.
    let mut found: Vec<(usize, String)> = parser
        .reference_definitions()
        .iter()
        .map(|(_, def)| (def.span.start, def.dest.to_string()))
        .collect();
    for (event, range) in parser.into_offset_iter() {
        if let Event::Start(
            Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. },
        ) = event
        {
            found.push((range.start, dest_url.to_string()));
        }
    }
    found.sort();
    found.dedup();
    (found.into_iter())
        .map(|(at, target)| (line_of(text, at), target))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fences_as_commonmark_does() {
        let text = "intro\n```rust\nfn a() {}\n```\n\n~~~~text\nx\n~~~~\n\n``not a fence``\n";
        let found = fences(text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].info, "rust");
        assert_eq!(found[0].line, 2);
        assert_eq!(found[0].body, vec!["fn a() {}"]);
        assert_eq!(found[1].info, "text");
        // An unclosed fence runs to the end.
        let open = fences("```sh\ncargo run\n");
        assert_eq!(open[0].body, vec!["cargo run"]);
    }

    #[test]
    fn blanks_code_and_keeps_lines() {
        let text = "a `b 5 s` c\n```\n10 ms\n```\nd\n";
        let prose = prose_only(text);
        assert_eq!(prose.lines().count(), text.lines().count());
        assert!(
            !prose.contains("5 s") && !prose.contains("10 ms"),
            "{prose}"
        );
        assert!(prose.starts_with("a ") && prose.contains(" c\n"), "{prose}");
    }

    #[test]
    fn finds_snippets_with_continued_lines() {
        let text = "Run `cargo run -p a`:\n\n```sh\ncargo run \\\n  -p b\n```\n";
        let found = code_snippets(text);
        assert_eq!(found[0], (1, "cargo run -p a".to_string()));
        assert_eq!(found[1].0, 4);
        assert!(found[1].1.contains("cargo run") && found[1].1.contains("-p b"));
    }

    #[test]
    fn finds_links_but_not_in_code() {
        let text = "See [a](one.md#x) and ![i](img.png).\n\n\
                    `[not](code.md)`\n\n```\n[no](fence.md)\n```\n\n[r]: ref.md\n\nUse [r].\n";
        let targets: Vec<String> = links(text).into_iter().map(|(_, t)| t).collect();
        assert!(targets.contains(&"one.md#x".to_string()), "{targets:?}");
        assert!(targets.contains(&"img.png".to_string()), "{targets:?}");
        assert!(targets.contains(&"ref.md".to_string()), "{targets:?}");
        assert!(
            !targets
                .iter()
                .any(|t| t.contains("code") || t.contains("fence"))
        );
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
}
