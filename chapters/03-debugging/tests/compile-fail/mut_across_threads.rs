// A data race Rust refuses to compile: two threads each holding a `&mut`
// to one counter. Only one `&mut` may exist at a time, threads or not.
// ANCHOR: mut
fn main() {
    let mut counter = 0;
    std::thread::scope(|s| {
        s.spawn(|| counter += 1);
        s.spawn(|| counter += 1);
    });
    println!("{counter}");
}
// ANCHOR_END: mut
