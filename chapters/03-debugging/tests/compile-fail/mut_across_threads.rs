// Refused: two threads each holding a `&mut` to one counter.
// ANCHOR: mut
fn main() {
    let mut count = 0;
    let one = || count += 1;
    let two = || count += 1;
    std::thread::scope(|s| {
        s.spawn(one);
        s.spawn(two);
    });
    println!("{count}");
}
// ANCHOR_END: mut
