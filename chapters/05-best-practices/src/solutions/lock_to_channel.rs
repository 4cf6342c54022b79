use crossbeam::channel::Sender;

// ANCHOR: solution
pub fn send_subtotals(chunks: &[Vec<u64>], subtotals: Sender<u64>) {
    std::thread::scope(|s| {
        for chunk in chunks {
            let subtotals = subtotals.clone();
            s.spawn(move || {
                let mine: u64 = chunk.iter().sum(); // owned: no lock
                let _ = subtotals.send(mine);
            });
        }
    }); // the scope joins every thread: all sent before we return
}
// ANCHOR_END: solution
