// The code under test in `reproduce`, included twice: once over std's
// threads and atomics, once over shuttle's, which let shuttle choose every
// interleaving. The names `thread`, `Arc`, `Mutex`, `AtomicBool`,
// `AtomicUsize` and `Ordering` come from the including module. (An
// included file cannot carry inner doc comments: hence plain comments.)

// ANCHOR: start
/// The first caller starts the service; later callers find it ready.
/// Broken: between the check and the act, the other thread can check too.
fn start_racy(ready: &AtomicBool, starts: &AtomicUsize, log: &Log, me: usize) {
    if !ready.load(Ordering::SeqCst) {
        log.say(me, "finds the service not ready");
        starts.fetch_add(1, Ordering::SeqCst);
        log.say(me, "starts the service");
        ready.store(true, Ordering::SeqCst);
    } else {
        log.say(me, "finds the service ready");
    }
}

/// Fixed: checking and marking are one indivisible step.
fn start_fixed(ready: &AtomicBool, starts: &AtomicUsize, log: &Log, me: usize) {
    let won = ready.compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst);
    if won.is_ok() {
        starts.fetch_add(1, Ordering::SeqCst);
        log.say(me, "starts the service");
    } else {
        log.say(me, "finds the service ready");
    }
}
// ANCHOR_END: start

/// What each thread did, in the order it happened.
pub struct Log(Mutex<Vec<String>>);

impl Log {
    fn new() -> Log {
        Log(Mutex::new(Vec::new()))
    }

    fn say(&self, me: usize, what: &str) {
        let mut lines = self.0.lock().unwrap_or_else(|e| e.into_inner());
        lines.push(format!("thread {me} {what}"));
    }
}

/// Two threads call `start` at once; returns how many started the service
/// (1 is right) and the log of what happened.
pub fn two_starts(fixed: bool) -> (usize, Vec<String>) {
    let ready = Arc::new(AtomicBool::new(false));
    let starts = Arc::new(AtomicUsize::new(0));
    let log = Arc::new(Log::new());
    let handles: Vec<_> = (1..=2)
        .map(|me| {
            let (ready, starts, log) = (ready.clone(), starts.clone(), log.clone());
            thread::spawn(move || {
                if fixed {
                    start_fixed(&ready, &starts, &log, me);
                } else {
                    start_racy(&ready, &starts, &log, me);
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().expect("a starting thread");
    }
    let lines = log.0.lock().unwrap_or_else(|e| e.into_inner()).clone();
    (starts.load(Ordering::SeqCst), lines)
}
