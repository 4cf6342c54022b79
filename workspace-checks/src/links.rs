//! Relative links between the book's pages.

use crate::markdown::links;
use crate::normalize;
use std::path::{Path, PathBuf};

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
