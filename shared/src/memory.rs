//! What the kernel says a process holds, read from `/proc` (Linux).
//!
//! RSS counts the pages a process has touched, shared libraries included;
//! PSS splits shared pages between the processes sharing them, which is the
//! fair way to add up worker processes. Neither counts the kernel's own
//! memory for a thread (its kernel stack, its page tables), which is why
//! [`kernel_bytes`] exists: a thread costs more than its RSS shows.

use std::io;

/// This process's resident set size.
pub fn rss_bytes() -> io::Result<u64> {
    field_kib("/proc/self/status", "VmRSS:").map(|kib| kib * 1024)
}

/// The proportional set size of process `pid`: its private pages plus its
/// share of the pages it shares.
pub fn process_pss_bytes(pid: u32) -> io::Result<u64> {
    field_kib(&format!("/proc/{pid}/smaps_rollup"), "Pss:").map(|kib| kib * 1024)
}

/// Memory the kernel holds for every process on the machine: kernel stacks
/// and page tables. Machine-wide, so only a large difference means anything.
pub fn kernel_bytes() -> io::Result<u64> {
    let stacks = field_kib("/proc/meminfo", "KernelStack:")?;
    let tables = field_kib("/proc/meminfo", "PageTables:")?;
    Ok((stacks + tables) * 1024)
}

fn field_kib(path: &str, field: &str) -> io::Result<u64> {
    let text = std::fs::read_to_string(path)?;
    parse_kib(&text, field).ok_or_else(|| {
        io::Error::new(io::ErrorKind::InvalidData, format!("{path}: no {field}"))
    })
}

/// Finds `field` in `/proc`-style text ("VmRSS:   1234 kB") and returns the
/// number of KiB.
fn parse_kib(text: &str, field: &str) -> Option<u64> {
    let line = text.lines().find(|line| line.starts_with(field))?;
    line[field.len()..].split_whitespace().next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_proc_lines() {
        let text = "Name:\tx\nVmRSS:\t    2048 kB\nVmHWM:\t 4096 kB\n";
        assert_eq!(parse_kib(text, "VmRSS:"), Some(2048));
        assert_eq!(parse_kib(text, "Pss:"), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn touching_memory_raises_rss() {
        let before = rss_bytes().unwrap();
        let block = vec![1u8; 64 << 20];
        std::hint::black_box(&block);
        let after = rss_bytes().unwrap();
        assert!(after >= before + (32 << 20), "{before} -> {after}");
        drop(block);
        assert!(process_pss_bytes(std::process::id()).unwrap() > 0);
    }
}
