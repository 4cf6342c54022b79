//! The book's blocks are laid out at one width, asked for explicitly:
//! `book/regenerate` prints them with `COLUMNS` set to the width the
//! reference-run check rebuilds them at (`shared::report::BOOK_WIDTH`),
//! not at the terminal's or at the 80 columns of output that is not one.

use shared::report::BOOK_WIDTH;
use workspace_checks::workspace_root;

#[test]
fn book_regenerate_prints_at_the_books_width() {
    let path = workspace_root().join("book/regenerate");
    let script = std::fs::read_to_string(&path).expect("book/regenerate reads");
    assert!(
        script.contains(&format!("\nbook_width={BOOK_WIDTH}\n")),
        "book/regenerate must set book_width={BOOK_WIDTH}"
    );
    let printing: Vec<&str> = (script.lines())
        .filter(|l| l.contains("--from") && l.contains("$bin"))
        .collect();
    assert!(
        !printing.is_empty(),
        "no `$bin --from` line in book/regenerate"
    );
    for line in printing {
        assert!(
            line.contains("COLUMNS=$book_width \"$bin\""),
            "a block printed without the book's width: {line}"
        );
    }
}
