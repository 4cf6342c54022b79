//! What the figures were measured on. A figure without its machine is an
//! opinion; every report and JSON document names this.

use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

/// The machine and build a run measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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

/// How busy the machine was just before a section ran: the figures that
/// say whether its numbers are worth quoting.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Load {
    /// The kernel's one-minute load average (runnable threads, all
    /// processes, this one included).
    pub load_average: Option<f64>,
    /// Cores the rest of the machine kept busy while this process slept
    /// for a moment: what other work was taking from ours.
    pub others_busy: Option<f64>,
    /// How long the run waited for the machine to quiet down first.
    pub waited_s: f64,
}

impl Load {
    /// "load average 0.42, others busy 0.03 cores, waited 0 s".
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if let Some(load) = self.load_average {
            parts.push(format!("load average {load:.2}"));
        }
        if let Some(busy) = self.others_busy {
            parts.push(format!("other processes kept {busy:.2} cores busy"));
        }
        if self.waited_s > 0.0 {
            parts.push(format!(
                "after waiting {} for that",
                crate::report::format_seconds(self.waited_s)
            ));
        }
        if parts.is_empty() {
            "load unknown".to_string()
        } else {
            parts.join(", ")
        }
    }

    /// Whether other work took a fifth of a core or more: figures from
    /// such a run may be slower or noisier than the machine can do.
    pub fn looked_busy(&self) -> bool {
        self.others_busy.is_some_and(|busy| busy >= QUIET_BELOW)
    }
}

/// Other work below this many busy cores counts as a quiet machine.
pub const QUIET_BELOW: f64 = 0.2;

/// The load now: the load average, and what the rest of the machine did
/// during `window` while this thread slept.
pub fn load_now(window: Duration) -> Load {
    Load {
        load_average: load_average(),
        others_busy: others_busy(window),
        waited_s: 0.0,
    }
}

/// Waits, at most `bound`, until the rest of the machine keeps fewer than
/// [`QUIET_BELOW`] cores busy; returns the last reading and the wait.
pub fn wait_for_quiet(bound: Duration) -> Load {
    let start = Instant::now();
    loop {
        let mut load = load_now(Duration::from_millis(500));
        let quiet = !load.looked_busy();
        if quiet || start.elapsed() >= bound {
            load.waited_s = start.elapsed().as_secs_f64();
            if quiet && load.waited_s < 0.6 {
                load.waited_s = 0.0; // the one sample, not a wait
            }
            return load;
        }
        std::thread::sleep(Duration::from_secs(1));
    }
}

fn load_average() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// Busy and total jiffies over every core, from the first line of
/// `/proc/stat`: `cpu user nice system idle iowait irq softirq steal …`.
fn cpu_jiffies() -> Option<(u64, u64)> {
    let text = std::fs::read_to_string("/proc/stat").ok()?;
    let fields: Vec<u64> = text
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .take(8)
        .map(|f| f.parse().ok())
        .collect::<Option<_>>()?;
    let total: u64 = fields.iter().sum();
    let idle = fields.get(3)? + fields.get(4)?;
    Some((total - idle, total))
}

fn others_busy(window: Duration) -> Option<f64> {
    let (busy0, total0) = cpu_jiffies()?;
    let own0 = crate::measure::cpu_time_self()?;
    std::thread::sleep(window);
    let (busy1, total1) = cpu_jiffies()?;
    let own1 = crate::measure::cpu_time_self()?;
    let total = total1.checked_sub(total0).filter(|t| *t > 0)? as f64;
    let busy = busy1.saturating_sub(busy0) as f64;
    let cores_busy = busy / total * cores_online() as f64;
    let own = (own1 - own0).as_secs_f64() / window.as_secs_f64();
    Some((cores_busy - own).max(0.0))
}

/// Every core of the machine, not only those this process may use: the
/// jiffies of `/proc/stat` count them all.
fn cores_online() -> usize {
    std::fs::read_to_string("/proc/stat")
        .map(|t| {
            t.lines()
                .filter(|l| l.starts_with("cpu") && !l.starts_with("cpu "))
                .count()
        })
        .unwrap_or(1)
        .max(1)
}

/// Today's date and time in UTC, "2026-12-01 21:40 UTC": the run a figure
/// came from. Computed from the Unix time with the civil-calendar formula
/// (Howard Hinnant's `civil_from_days`) rather than a date crate: one
/// function is all the chapters need.
pub fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()) as i64;
    format_utc(secs)
}

fn format_utc(secs: i64) -> String {
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rest / 3_600,
        rest % 3_600 / 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_dates_in_utc() {
        assert_eq!(format_utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(format_utc(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(format_utc(1_796_161_260), "2026-12-01 21:41 UTC");
    }

    #[test]
    fn a_quiet_reading_is_not_busy() {
        let quiet = Load {
            load_average: Some(0.1),
            others_busy: Some(0.05),
            waited_s: 0.0,
        };
        assert!(!quiet.looked_busy());
        let busy = Load {
            others_busy: Some(0.9),
            ..quiet
        };
        assert!(busy.looked_busy());
        assert!(busy.summary().contains("0.90 cores"), "{}", busy.summary());
    }
}
