// A data race Rust refuses to compile: two threads each holding a `&mut`
// to one counter. Only one `&mut` may exist at a time, threads or not.
// ANCHOR: mut
fn main() {
    let mut count = 0;
    std::thread::scope(|s| {
        s.spawn(|| count += 1);
        s.spawn(|| count += 1);
    });
    println!("{count}");
}
// ANCHOR_END: mut
