//! Running `python/ecosystem.py`: a Python server for the load generator
//! to drive, or a Python load against one of ours. Every wait on the
//! interpreter is bounded, and a server is stopped when its handle drops
//! (it ends when its stdin closes, so it dies with us too).

use super::load::{Bounds, Load};
use anyhow::{Context as _, anyhow, bail};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// The script, run as `python -c SCRIPT COMMAND ARGS…`.
pub const SCRIPT: &str = include_str!("../../python/ecosystem.py");

/// How the reader installs what the script needs.
pub const INSTALL: &str =
    "pip install -r chapters/06-ecosystem/python/requirements.txt";

/// How long a Python server may take to start, and a check to answer.
const START_BOUND: Duration = Duration::from_secs(30);

/// The interpreter that runs the Python side.
#[derive(Clone, Debug)]
pub struct Python {
    pub interpreter: String,
}

impl Python {
    /// The interpreter every chapter's `--python` runs
    /// ([`shared::python::interpreter`]).
    pub fn from_environment() -> Python {
        Python {
            interpreter: shared::python::interpreter(),
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.interpreter);
        command.arg("-c").arg(SCRIPT).args(args);
        command
    }

    /// `None` when `part` (fastapi, aiohttp, httpx, postgres, redis) can
    /// run; otherwise the line saying why it is skipped.
    pub fn missing(&self, part: &str) -> Option<String> {
        let stdout =
            match bounded_output(self.command(&["check", part]), START_BOUND) {
                Ok(stdout) => stdout,
                Err(error) => return Some(format!("{error:#}")),
            };
        match serde_json::from_str::<Vec<String>>(&stdout) {
            Ok(missing) if missing.is_empty() => None,
            Ok(missing) => Some(format!(
                "{} has no module {} ({INSTALL})",
                self.interpreter,
                missing.join(", ")
            )),
            Err(error) => {
                Some(format!("the script's check said {stdout:?}: {error}"))
            }
        }
    }

    /// Starts a Python server (`fastapi` or `aiohttp`) on a free loopback
    /// port.
    pub fn serve(&self, framework: &str) -> anyhow::Result<PythonServer> {
        let mut child = self
            .command(&["serve", framework])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting {}", self.interpreter))?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().context("the server's stdout")?;
        let mut server = PythonServer {
            child,
            stdin,
            port: 0,
        };
        let (sender, lines) = mpsc::channel();
        thread::spawn(move || {
            let mut line = String::new();
            let read = BufReader::new(stdout).read_line(&mut line);
            let _gone = sender.send(read.map(|_| line));
        });
        let line = lines
            .recv_timeout(START_BOUND)
            .map_err(|_| {
                anyhow!(
                    "the {framework} server named no port within {START_BOUND:?}"
                )
            })?
            .context("reading the server's port")?;
        #[derive(Deserialize)]
        struct Port {
            port: u16,
        }
        server.port = serde_json::from_str::<Port>(&line)
            .with_context(|| format!("the {framework} server said {line:?}"))?
            .port;
        Ok(server)
    }

    /// Runs one of the script's commands to its end (bounded): its stdout.
    pub fn output(&self, args: &[&str]) -> anyhow::Result<String> {
        bounded_output(self.command(args), START_BOUND)
    }

    /// Runs one of the script's loads and reads what it measured.
    pub fn load(&self, what: &[&str], bounds: Bounds) -> anyhow::Result<Load> {
        let (workers, calls) =
            (bounds.workers.to_string(), bounds.calls.to_string());
        let within = bounds.within.as_secs_f64().to_string();
        let mut args = what.to_vec();
        args.extend([workers.as_str(), calls.as_str(), within.as_str()]);
        // The load stops itself at `within`; the rest is start-up and slack.
        let limit = bounds.within + START_BOUND;
        let stdout = bounded_output(self.command(&args), limit)?;
        #[derive(Deserialize)]
        struct Measured {
            latencies: Vec<f64>,
            wall: f64,
            wrong: usize,
        }
        let measured: Measured =
            serde_json::from_str(&stdout).with_context(|| {
                format!("reading the Python load's output {stdout:?}")
            })?;
        let took: Vec<Duration> = measured
            .latencies
            .iter()
            .map(|&s| Duration::from_secs_f64(s.max(0.0)))
            .collect();
        let wall = Duration::from_secs_f64(measured.wall.max(0.0));
        Ok(Load::of(bounds, &took, measured.wrong, wall))
    }
}

/// What the Python side ran as: the interpreter's implementation and
/// version ("CPython 3.11.7"), and each package the parts import with its
/// installed version, `None` where it is not installed. A figure against
/// "FastAPI" means little without the version that made it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Versions {
    pub python: String,
    pub packages: Vec<(String, Option<String>)>,
}

impl Python {
    /// The versions the script finds (its `versions` command).
    pub fn versions(&self) -> anyhow::Result<Versions> {
        let stdout = self.output(&["versions"])?;
        serde_json::from_str(&stdout)
            .with_context(|| format!("the script's versions said {stdout:?}"))
    }
}

impl Versions {
    /// "CPython 3.11.7 with fastapi 0.165.0, uvicorn 0.54.0; not
    /// installed: asyncpg".
    pub fn describe(&self) -> String {
        let (installed, missing): (Vec<_>, Vec<_>) = self
            .packages
            .iter()
            .partition(|(_, version)| version.is_some());
        let mut text = self.python.clone();
        if !installed.is_empty() {
            let named: Vec<String> = installed
                .iter()
                .map(|(name, version)| {
                    format!("{name} {}", version.as_deref().unwrap_or_default())
                })
                .collect();
            text += &format!(" with {}", named.join(", "));
        }
        if !missing.is_empty() {
            let names: Vec<&str> =
                missing.iter().map(|(name, _)| name.as_str()).collect();
            text += &format!("; not installed: {}", names.join(", "));
        }
        text
    }
}

/// A Python server; dropping it stops it.
pub struct PythonServer {
    child: Child,
    stdin: Option<ChildStdin>,
    pub port: u16,
}

impl PythonServer {
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for PythonServer {
    fn drop(&mut self) {
        // Closing stdin asks it to end; a server that does not, within a
        // bound, is killed.
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            thread::sleep(Duration::from_millis(10));
        }
        let _already_gone = self.child.kill();
        let _reaped = self.child.wait();
    }
}

/// Runs `command` to its end, at most `limit`: its stdout, or an error
/// with the last line it wrote to stderr. A command still running at the
/// limit is killed.
fn bounded_output(mut command: Command, limit: Duration) -> anyhow::Result<String> {
    let program = command.get_program().to_string_lossy().into_owned();
    let mut child = match command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            bail!("'{program}' was not found")
        }
        Err(error) => return Err(error).context(format!("starting {program}")),
    };
    let stdout = reader(child.stdout.take());
    let stderr = reader(child.stderr.take());
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if Instant::now() >= deadline {
            let _already_gone = child.kill();
            let _reaped = child.wait();
            bail!("{program} gave no answer within {limit:?}");
        }
        thread::sleep(Duration::from_millis(5));
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    if !status.success() {
        let last = stderr.lines().last().unwrap_or("(nothing on stderr)");
        bail!("{program} failed ({status}): {last}");
    }
    Ok(stdout)
}

fn reader(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut pipe) = pipe {
            let _partial = pipe.read_to_string(&mut text);
        }
        text
    })
}
