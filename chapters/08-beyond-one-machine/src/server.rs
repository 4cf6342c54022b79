//! A redis-server this chapter starts and stops itself: Debian's
//! `redis-server` binary on 127.0.0.1, a free port, a temporary folder.
//! The faults section needs a broker it controls, to stop and start it
//! mid-run; the other sections use one too, so that nothing they do
//! touches a Redis someone else runs.
//!
//! The server keeps an append-only file fsynced on every write
//! (`appendfsync always`): a job acknowledged before a restart is still
//! acknowledged after it, as a production broker configured for it would.
//! Without that file a restart empties the queue, and "every job finishes"
//! could not hold for any client, however well it reconnects.

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The binary, found on PATH (Debian's package puts it in /usr/bin).
pub const BINARY: &str = "redis-server";

/// How long a start or a stop may take before it counts as a failure.
pub const STARTUP_BOUND: Duration = Duration::from_secs(20);

/// Whether `redis-server` can be run here; `Err` says why not, in words a
/// skipped section can print.
pub fn available() -> Result<(), String> {
    match Command::new(BINARY)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
    {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("`{BINARY} --version` exited with {status}")),
        Err(e) => Err(format!(
            "no `{BINARY}` on PATH ({e}); Debian: apt-get install redis-server"
        )),
    }
}

/// A running redis-server, stopped (and its folder removed) on drop, also
/// when a section fails half-way.
pub struct RedisServer {
    port: u16,
    dir: PathBuf,
    child: Option<Child>,
}

impl RedisServer {
    /// Starts a server on a free loopback port in a new temporary folder
    /// and waits (bounded) until it answers PING.
    pub fn start() -> anyhow::Result<RedisServer> {
        available().map_err(anyhow::Error::msg)?;
        // A port the kernel just called free can be taken before the
        // server binds it (tests start servers in parallel): the server
        // then exits, and a fresh port is tried.
        let mut last = None;
        for _ in 0..3 {
            let mut server = RedisServer {
                port: free_port()?,
                dir: temporary_dir()?,
                child: None,
            };
            match server.spawn() {
                Ok(()) => return Ok(server),
                Err(e) => last = Some(e),
            }
        }
        Err(last.expect("three attempts were made"))
    }

    /// `redis://127.0.0.1:PORT/`: what clients and worker processes use.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server's process id while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Stops the server as an operator's restart does (SIGTERM: it
    /// finishes writing its file and exits), bounded; SIGKILL past it.
    pub fn stop(&mut self) -> anyhow::Result<()> {
        let Some(mut child) = self.child.take() else {
            return Ok(());
        };
        let pid = Pid::from_raw(child.id() as i32);
        let _ = kill(pid, Signal::SIGTERM);
        let deadline = Instant::now() + STARTUP_BOUND;
        while Instant::now() < deadline {
            if child.try_wait()?.is_some() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = child.kill();
        child.wait()?;
        anyhow::bail!("redis-server did not stop within {STARTUP_BOUND:?}; killed")
    }

    /// Starts the server again on the same port, from the same folder (so
    /// from the same append-only file).
    pub fn restart(&mut self) -> anyhow::Result<()> {
        self.stop()?;
        self.spawn()
    }

    fn spawn(&mut self) -> anyhow::Result<()> {
        let child = Command::new(BINARY)
            .args(arguments(self.port, &self.dir))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| anyhow::anyhow!("starting {BINARY}: {e}"))?;
        self.child = Some(child);
        let deadline = Instant::now() + STARTUP_BOUND;
        loop {
            // Ours, not merely a server on the port: when another took the
            // port first, its answer would otherwise pass for this one's,
            // and a test would use (and restart) a server it does not own.
            let ours = self.child.as_ref().map(Child::id);
            match server_pid(self.port) {
                Some(pid) if Some(pid) == ours => return Ok(()),
                Some(pid) => {
                    let _ = self.stop();
                    anyhow::bail!(
                        "port {} is another {BINARY}'s (process {pid})",
                        self.port
                    );
                }
                None => {}
            }
            if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().ok())
                && let Some(status) = status
            {
                self.child = None;
                anyhow::bail!("{BINARY} exited with {status} before answering");
            }
            if Instant::now() >= deadline {
                let _ = self.stop();
                anyhow::bail!(
                    "{BINARY} did not answer PING within {STARTUP_BOUND:?}"
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The command line: loopback only, no password (nothing else can reach
/// it), every write fsynced to the append-only file, no RDB snapshots.
fn arguments(port: u16, dir: &Path) -> Vec<String> {
    [
        "--bind",
        "127.0.0.1",
        "--port",
        &port.to_string(),
        "--dir",
        &dir.display().to_string(),
        "--appendonly",
        "yes",
        "--appendfsync",
        "always",
        "--save",
        "",
        "--daemonize",
        "no",
        "--protected-mode",
        "yes",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// A port nothing listened on a moment ago (the kernel's choice for
/// port 0). Another process could take it before the server binds; the
/// server then fails to start and says so, it does not hang.
fn free_port() -> anyhow::Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

fn temporary_dir() -> anyhow::Result<PathBuf> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!(
        "beyond-one-machine-redis-{}-{n}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Whether a server on `port` answers PING within a short bound.
pub fn answers_ping(port: u16) -> bool {
    let bound = Duration::from_millis(500);
    let Ok(mut stream) =
        TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), bound)
    else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(bound));
    let _ = stream.set_write_timeout(Some(bound));
    if stream.write_all(b"PING\r\n").is_err() {
        return false;
    }
    let mut reply = [0u8; 7];
    stream.read_exact(&mut reply).is_ok() && &reply == b"+PONG\r\n"
}

/// The process id of the redis-server answering on `port` (from its
/// `INFO server`), or `None` if none answers within a short bound.
fn server_pid(port: u16) -> Option<u32> {
    let bound = Duration::from_millis(500);
    let address = ([127, 0, 0, 1], port).into();
    let mut stream = TcpStream::connect_timeout(&address, bound).ok()?;
    stream.set_read_timeout(Some(bound)).ok()?;
    stream.write_all(b"INFO server\r\n").ok()?;
    let mut reader = std::io::BufReader::new(stream);
    let mut header = String::new();
    std::io::BufRead::read_line(&mut reader, &mut header).ok()?;
    let length: usize = header.trim().strip_prefix('$')?.parse().ok()?;
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    String::from_utf8_lossy(&body)
        .lines()
        .find_map(|line| line.strip_prefix("process_id:")?.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_started_server_answers_and_a_stopped_one_does_not() {
        if let Err(why) = available() {
            eprintln!("skipped: {why}");
            return;
        }
        let mut server = RedisServer::start().expect("redis-server starts");
        let port = server.port();
        assert!(answers_ping(port));
        server.restart().expect("restarts on the same port");
        assert!(answers_ping(port));
        let dir = server.dir.clone();
        drop(server);
        assert!(!answers_ping(port), "the server stopped on drop");
        assert!(!dir.exists(), "its folder is gone");
    }

    #[test]
    fn a_server_whose_port_another_holds_is_refused_not_shared() {
        if let Err(why) = available() {
            eprintln!("skipped: {why}");
            return;
        }
        let first = RedisServer::start().expect("redis-server starts");
        let mut second = RedisServer {
            port: first.port(),
            dir: temporary_dir().expect("a folder"),
            child: None,
        };
        let refused = second.spawn().expect_err("the port is taken");
        let why = refused.to_string();
        assert!(why.contains("another") || why.contains("exited"), "{why}");
        assert_eq!(
            server_pid(first.port()),
            first.pid(),
            "the first still serves"
        );
    }
}
