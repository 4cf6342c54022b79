//! What the figures were measured on. A figure without its machine is an
//! opinion; every report and JSON document names this.

use serde::Serialize;

/// The machine and build a run measured.
#[derive(Clone, Debug, Serialize)]
pub struct Machine {
    pub os: String,
    pub arch: String,
    /// Cores this process may use (what rayon and tokio size their pools by).
    pub cores: usize,
    pub cpu: String,
    pub memory_bytes: Option<u64>,
    /// "release" or "debug": debug builds are many times slower at CPU work.
    pub build: String,
}

impl Machine {
    pub fn this_one() -> Machine {
        Machine {
            os: std::env::consts::OS.to_string(),
            arch: std::env::consts::ARCH.to_string(),
            cores: cores(),
            cpu: cpu_model().unwrap_or_else(|| "unknown CPU".to_string()),
            memory_bytes: total_memory(),
            build: if cfg!(debug_assertions) {
                "debug"
            } else {
                "release"
            }
            .to_string(),
        }
    }

    /// "2 cores (AMD EPYC …), 23.4 GiB, linux x86_64, release build".
    pub fn summary(&self) -> String {
        let memory = self
            .memory_bytes
            .map(|b| format!(", {}", crate::report::format_bytes(b as f64)))
            .unwrap_or_default();
        format!(
            "{} cores ({}){memory}, {} {}, {} build",
            self.cores, self.cpu, self.os, self.arch, self.build
        )
    }
}

/// The number of cores this process may run on.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn cpu_model() -> Option<String> {
    let text = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("model name"))?;
    Some(line.split_once(':')?.1.trim().to_string())
}

fn total_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
