//! What every helper process of this chapter shares: it ends when its
//! stdin closes, so that none outlives the run that started it, even a
//! run that was killed.

/// Exits the process once stdin reaches its end: the parent closed it on
/// purpose, or died. Either way nobody wants this process any more.
pub fn end_when_stdin_closes() {
    std::thread::spawn(|| {
        let mut sink = Vec::new();
        let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut sink);
        std::process::exit(0);
    });
}
