// A data race Rust refuses to compile: `Rc` counts its owners with a
// plain integer, so two threads cloning and dropping it at once would
// corrupt the count. `Rc` is not `Send`; `thread::spawn` demands `Send`.
// ANCHOR: rc
use std::rc::Rc;

fn main() {
    let shared = Rc::new(vec![1, 2, 3]);
    let for_thread = Rc::clone(&shared);
    let handle = std::thread::spawn(move || for_thread.len());
    println!("{} {}", shared.len(), handle.join().unwrap());
}
// ANCHOR_END: rc
