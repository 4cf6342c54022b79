//! The book against the code: every include resolves, no Rust is pasted,
//! every command the prose gives names a real chapter and section, every
//! chapter has its page, every relative link lands. mdBook 0.5 checks none
//! of this (a missing file or anchor is an empty block and exit status 0).

use shared::cli::Chapter;
use std::path::{Path, PathBuf};
use workspace_checks::{
    ChapterInfo, assert_none, cargo_commands, chapter_dir, check_command,
    check_directives, check_links, code_snippets, directives, display, links,
    markdown_files, normalize, package_name, pasted_rust, relative_path,
    workspace_packages, workspace_root,
};

/// Every chapter of the workspace. Adding a chapter? Add its crate to
/// workspace-checks/Cargo.toml's dev-dependencies and a line here:
/// `every_chapter_is_registered_and_has_a_page` fails until you do.
fn chapters() -> Vec<ChapterInfo> {
    vec![
        chapter(&comparison::CHAPTER),
        chapter(&executors::CHAPTER),
        chapter(&debugging::CHAPTER),
        chapter(&error_handling::CHAPTER),
        chapter(&best_practices::CHAPTER),
        chapter(&ecosystem::CHAPTER),
        chapter(&async_in_depth::CHAPTER),
        chapter(&beyond_one_machine::CHAPTER),
    ]
}

/// A chapter as the checks see it, its arguments judged by its own parser.
fn chapter<C, R>(chapter: &'static Chapter<C, R>) -> ChapterInfo {
    ChapterInfo {
        package: chapter.package.to_string(),
        sections: chapter
            .sections
            .iter()
            .map(|s| s.name.to_string())
            .collect(),
        accepts: Box::new(move |args: &[String]| {
            shared::cli::parse(chapter, args)
                .map(|_| ())
                .map_err(|e| e.0)
        }),
        help: shared::cli::usage(chapter),
    }
}

/// Every chapter's `--help` reads in an 80-column terminal: clap does not
/// wrap it (no `wrap_help`), so a long summary or flag help would.
#[test]
fn every_chapters_help_fits_80_columns() {
    let mut problems = Vec::new();
    for chapter in chapters() {
        for line in chapter.help.lines().filter(|l| l.chars().count() > 80) {
            problems.push(format!("{}: {line}", chapter.package));
        }
        for section in &chapter.sections {
            if !chapter.help.contains(section.as_str()) {
                problems.push(format!(
                    "{}: --help leaves out {section}",
                    chapter.package
                ));
            }
        }
    }
    assert_none("--help lines over 80 columns", &problems);
}

/// A Markdown file of the book (or the README): where it is and its text.
struct Page {
    path: PathBuf,
    /// Its path from the workspace root, for messages.
    shown: String,
    text: String,
}

impl Page {
    fn read(path: PathBuf) -> Page {
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let shown = display(&workspace_root(), &path);
        Page { path, shown, text }
    }

    fn dir(&self) -> &Path {
        self.path.parent().expect("a page lives in a directory")
    }
}

fn book_src() -> PathBuf {
    workspace_root().join("book/src")
}

/// Every page under book/src (at least SUMMARY.md, or the checks would pass
/// on nothing).
fn book_pages() -> Vec<Page> {
    let pages: Vec<Page> = markdown_files(&book_src())
        .into_iter()
        .map(Page::read)
        .collect();
    assert!(
        pages.iter().any(|p| p.path.ends_with("SUMMARY.md")),
        "no book/src/SUMMARY.md: are the checks looking in the right place?"
    );
    pages
}

#[test]
fn every_include_resolves_to_real_lines() {
    let read = |p: &Path| std::fs::read_to_string(p).ok();
    let mut problems = Vec::new();
    let mut includes = 0;
    for page in book_pages() {
        includes += directives(&page.text)
            .iter()
            .filter(|d| d.kind.contains("include"))
            .count();
        problems.extend(check_directives(
            &page.text,
            page.dir(),
            &page.shown,
            &read,
            0,
        ));
    }
    assert_none(
        "includes mdBook would render empty or as written",
        &problems,
    );
    assert!(
        includes > 0,
        "the book includes no code at all: the chapter pages are missing?"
    );
}

#[test]
fn no_rust_is_pasted_into_the_book() {
    let mut problems = Vec::new();
    for page in book_pages() {
        for (line, text) in pasted_rust(&page.text) {
            problems.push(format!(
                "{}:{line}: `{}`: Rust blocks may only include code from a chapter",
                page.shown,
                text.trim()
            ));
        }
    }
    assert_none("pasted Rust", &problems);
}

#[test]
fn every_command_names_a_real_chapter_and_section() {
    let packages: Vec<String> = workspace_packages(&workspace_root())
        .into_iter()
        .map(|(_, name)| name)
        .collect();
    let chapters = chapters();
    let readme = workspace_root().join("README.md");
    assert!(readme.is_file(), "no README.md at the workspace root");
    let mut pages = book_pages();
    pages.push(Page::read(readme));
    let mut problems = Vec::new();
    let mut commands = 0;
    for page in &pages {
        for (line, snippet) in code_snippets(&page.text) {
            for command in cargo_commands(&snippet) {
                commands += 1;
                for problem in check_command(&command, &chapters, &packages) {
                    problems.push(format!(
                        "{}:{line}: `{snippet}`: {problem}",
                        page.shown
                    ));
                }
            }
        }
    }
    assert_none("commands a reader cannot run", &problems);
    assert!(
        commands > 0,
        "no cargo command found in the README or the book"
    );
}

#[test]
fn every_chapter_is_registered_and_has_a_page() {
    let root = workspace_root();
    let chapters = chapters();
    let summary_path = book_src().join("SUMMARY.md");
    let summary =
        std::fs::read_to_string(&summary_path).expect("book/src/SUMMARY.md");
    let in_summary: Vec<String> = links(&summary)
        .into_iter()
        .filter_map(|(_, target)| relative_path(&target))
        .collect();
    let mut problems = Vec::new();
    let mut found = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join("chapters"))
        .expect("chapters/")
        .map(|e| e.expect("a readable directory entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let Some((number, package)) = chapter_dir(&name) else {
            problems.push(format!("chapters/{name}: not named NN-name"));
            continue;
        };
        if found.iter().any(|(n, _)| *n == number) {
            problems.push(format!("chapters/{name}: a second chapter {number:02}"));
        }
        found.push((number, package.to_string()));
        problems.extend(chapter_problems(
            &name,
            dir,
            package,
            &chapters,
            &in_summary,
        ));
    }
    for chapter in &chapters {
        if !found.iter().any(|(_, p)| *p == chapter.package) {
            problems.push(format!(
                "chapters() lists `{}`, which has no chapters/NN-{0} directory",
                chapter.package
            ));
        }
    }
    assert_none("chapters", &problems);
    assert!(!dirs.is_empty(), "no chapters/ directories found");
}

/// What is wrong with one chapter directory: its package's name, its
/// place in `chapters()`, its page and the page's link in SUMMARY.md.
fn chapter_problems(
    name: &str,
    dir: &Path,
    package: &str,
    chapters: &[ChapterInfo],
    in_summary: &[String],
) -> Vec<String> {
    let mut problems = Vec::new();
    let toml = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
    if package_name(&toml).as_deref() != Some(package) {
        problems.push(format!(
            "chapters/{name}/Cargo.toml: package name should be `{package}`"
        ));
    }
    if !chapters.iter().any(|c| c.package == package) {
        problems.push(format!(
            "chapters/{name}: not in chapters() in workspace-checks/tests/book.rs, so the \
             book's commands for it go unchecked"
        ));
    }
    let page = format!("{name}.md");
    if !book_src().join(&page).is_file() {
        problems.push(format!("chapters/{name}: no book page book/src/{page}"));
    }
    if !in_summary.contains(&page) {
        problems.push(format!("chapters/{name}: SUMMARY.md does not link {page}"));
    }
    problems
}

#[test]
fn every_relative_link_lands_on_a_built_page() {
    let src = book_src();
    let summary =
        std::fs::read_to_string(src.join("SUMMARY.md")).expect("SUMMARY.md");
    let pages: Vec<PathBuf> = links(&summary)
        .into_iter()
        .filter_map(|(_, target)| relative_path(&target))
        .map(|path| normalize(&src.join(path)))
        .collect();
    let exists = |p: &Path| p.exists();
    let mut problems = Vec::new();
    for page in book_pages() {
        let dir = normalize(page.dir());
        problems.extend(check_links(&page.text, &dir, &page.shown, &pages, &exists));
    }
    assert_none("broken links", &problems);
}

/// The output a page shows was printed by a chapter (or by a script under
/// book/) and says where: a "Measured on" line near the top. A block typed
/// by hand, or pasted from a run whose header was cut, fails here. And no
/// published output shows a broken invariant.
#[test]
fn every_output_shown_names_the_machine_it_ran_on() {
    let mut problems = Vec::new();
    let mut shown = std::collections::BTreeSet::new();
    for page in book_pages() {
        for directive in directives(&page.text) {
            let file = directive.target.split(':').next().unwrap_or_default();
            let run = file.starts_with("generated/") && file.ends_with(".txt");
            // The compiler's messages come from a build, not from a run;
            // run-times.txt adds up runs whose own blocks name the machine.
            let not_one_run = file.starts_with("generated/compiler/")
                || file == "generated/run-times.txt";
            if !run || not_one_run {
                continue;
            }
            shown.insert(file.to_string());
            let path = page.dir().join(file);
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue; // every_include_resolves_to_real_lines reports it
            };
            let head: Vec<&str> = text.lines().take(3).collect();
            if !head.iter().any(|l| l.starts_with("Measured on ")) {
                problems.push(format!(
                    "{}:{}: {file} does not say which machine it ran on",
                    page.shown, directive.line
                ));
            }
            if text.contains("[FAIL]") {
                problems.push(format!("{file} shows a broken invariant ([FAIL])"));
            }
        }
    }
    for chapter in chapters() {
        for section in &chapter.sections {
            let file = format!("generated/{}/{section}.txt", chapter.package);
            if !shown.contains(&file) {
                problems.push(format!("no page shows {file}: the section's output"));
            }
        }
    }
    assert_none("outputs the book shows", &problems);
}

/// The compiler's messages on the pages are the `.stderr` files trybuild
/// checks, fitted to the page (only prose lines folded), and every line
/// fits: a caret diagram too wide is fixed in the code, not wrapped.
#[test]
fn every_compiler_message_shown_is_its_stderr_fitted_to_the_page() {
    use workspace_checks::compiler::{WIDTH, fit, messages, too_wide};
    let root = workspace_root();
    let all = messages(&root);
    assert!(all.len() >= 2, "no compile-fail messages found: {all:?}");
    let mut problems = Vec::new();
    for message in &all {
        let stderr = std::fs::read_to_string(&message.stderr).unwrap();
        let fitted = fit(&stderr);
        let shown = display(&root, &message.fitted);
        match std::fs::read_to_string(&message.fitted) {
            Ok(copy) if copy == fitted => {}
            _ => problems.push(format!(
                "{shown} is not {} fitted: run `cargo run -p workspace-checks --bin \
                 fit-compiler-messages`",
                display(&root, &message.stderr)
            )),
        }
        for (number, line) in too_wide(&fitted) {
            problems.push(format!(
                "{}:{number} is wider than {WIDTH} columns; change the code so \
                 rustc's diagram fits: {line}",
                display(&root, &message.stderr)
            ));
        }
    }
    assert_none("compiler messages the book shows", &problems);
}

/// A page quotes a compiler message through its fitted copy, never the
/// `.stderr` itself (which may be too wide), and no block asks to wrap.
#[test]
fn no_page_quotes_a_stderr_file_or_wraps_a_block() {
    let mut problems = Vec::new();
    for page in book_pages() {
        for (number, line) in page.text.lines().enumerate() {
            let quotes_stderr =
                line.contains("{{#include") && line.contains(".stderr");
            if quotes_stderr || line.trim_start().starts_with("```text,wrap") {
                problems.push(format!("{}:{}: {line}", page.shown, number + 1));
            }
        }
    }
    assert_none("compiler messages quoted unfitted", &problems);
}

/// The README names the chapters that take `--python`: exactly those whose
/// `--help` lists it, as the README says.
#[test]
fn the_readme_names_every_chapter_that_takes_python_and_no_other() {
    let readme =
        std::fs::read_to_string(workspace_root().join("README.md")).unwrap();
    let paragraph = (readme.split("\n\n"))
        .find(|p| p.starts_with("`--python`"))
        .expect("the README has a paragraph starting with `--python`");
    let chapters = chapters();
    let named: Vec<&str> = (chapters.iter())
        .filter(|c| paragraph.contains(&format!("`{}`", c.package)))
        .map(|c| c.package.as_str())
        .collect();
    let listed: Vec<&str> = (chapters.iter())
        .filter(|c| c.help.contains("--python"))
        .map(|c| c.package.as_str())
        .collect();
    assert!(
        listed.len() >= 2,
        "fewer than two chapters list --python: {listed:?}"
    );
    assert_eq!(
        named, listed,
        "the README's --python paragraph against --help"
    );
}
