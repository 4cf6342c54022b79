// `tokio::spawn` also asks for `'static`: the task may outlive the function
// that spawned it, so it may not borrow that function's locals. Move the
// data in (`async move`), or share it with an `Arc`.
// ANCHOR: borrowed
async fn count_names() -> usize {
    let names = vec!["a", "b"];
    let handle = tokio::spawn(async {
        names.len() // borrows `names`, which dies when count_names returns
    });
    handle.await.unwrap()
}
// ANCHOR_END: borrowed

#[tokio::main]
async fn main() {
    println!("{}", count_names().await);
}
