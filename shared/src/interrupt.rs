//! Ctrl-C, or a `kill`: the chapter ends within moments, takes every
//! process it started with it, removes the files it asked to, and says so
//! in one line.
//!
//! Without this, SIGINT kills the chapter where it stands: a worker
//! process sent the signal alone keeps running until its pipe closes, a
//! child that sleeps outlives its parent, a temporary database stays on
//! disk. Python's default `KeyboardInterrupt` at least unwinds; here a
//! thread that waits for the signal (signal-hook's iterator, so no code
//! runs inside a signal handler) does the cleanup and exits. Descendants
//! are found in `/proc`, so no spawn site has to register its children.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

/// Files to delete if the run is interrupted (a temporary database).
static FILES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// From now on, SIGINT or SIGTERM ends this process within moments: its
/// descendants are killed, the registered files removed, one line printed
/// on stderr, exit status 128 + the signal. Called once by `cli::run`.
pub fn end_on_interrupt(package: &'static str) {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])
    else {
        return; // the default action stays: the run still ends
    };
    let spawned = std::thread::Builder::new()
        .name("interrupt".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let killed = kill_descendants();
                remove_files();
                let name = if signal == SIGINT { "interrupted" } else { "terminated" };
                eprintln!(
                    "\n{package}: {name}; stopped {killed} process(es) it had started"
                );
                std::process::exit(128 + signal);
            }
        });
    drop(spawned); // no thread: the default action stays
}

/// Removes `path` if the run is interrupted before [`forget_file`].
pub fn remove_on_interrupt(path: PathBuf) {
    FILES.lock().unwrap_or_else(|e| e.into_inner()).push(path);
}

/// `path` was cleaned up normally: no longer remove it on interrupt.
pub fn forget_file(path: &std::path::Path) {
    FILES
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|p| p != path);
}

fn remove_files() {
    for path in FILES.lock().unwrap_or_else(|e| e.into_inner()).drain(..) {
        let _ = std::fs::remove_file(path);
    }
}

/// Kills every descendant of this process (children first found, then
/// theirs, until a pass finds none new) and returns how many.
fn kill_descendants() -> usize {
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;
    let mut killed = Vec::new();
    // A second pass catches a child started while the first one ran.
    for _ in 0..2 {
        let found: Vec<u32> = descendants(std::process::id())
            .into_iter()
            .filter(|pid| !killed.contains(pid))
            .collect();
        if found.is_empty() {
            break;
        }
        for &pid in &found {
            let _ = kill(Pid::from_raw(pid as i32), Signal::SIGKILL);
        }
        killed.extend(found);
    }
    killed.len()
}

/// The processes below `root` in the process tree, read from `/proc`.
pub fn descendants(root: u32) -> Vec<u32> {
    let parents = parents();
    let mut found = vec![root];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(
            parents
                .iter()
                .filter(|&(_, &ppid)| ppid == parent)
                .map(|(&pid, _)| pid),
        );
        i += 1;
    }
    found.remove(0);
    found
}

/// Every process's parent: pid → ppid.
fn parents() -> HashMap<u32, u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return HashMap::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            Some((pid, parent_in_stat(&stat)?))
        })
        .collect()
}

/// The ppid in a `/proc/PID/stat` line: the field after the state, which
/// follows the last `)` (the command name may hold spaces and parens).
fn parent_in_stat(stat: &str) -> Option<u32> {
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parent_is_read_past_a_command_with_spaces_and_parens() {
        let stat = "4242 (a (b) c) S 17 4242 4242 0 -1";
        assert_eq!(parent_in_stat(stat), Some(17));
        assert_eq!(parent_in_stat("garbage"), None);
    }

    #[test]
    fn a_child_is_a_descendant_until_it_is_reaped() {
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .expect("sleep starts");
        let pid = child.id();
        assert!(descendants(std::process::id()).contains(&pid));
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(!descendants(std::process::id()).contains(&pid));
    }
}
