//! The Python side of `versus-python` against the Rust side, tiny loads:
//! each Python server answers our load generator rightly, each Python
//! client loads our axum server rightly, and a server stops with its
//! handle. Needs the packages of python/requirements.txt in `$PYTHON` (or
//! `python3`); where they are missing each test says so and checks only
//! the skip line. CI sets ECOSYSTEM_REQUIRE_PYTHON, so that a skip there
//! fails instead.

use ecosystem::server::RunningServer;
use ecosystem::versus::endpoint;
use ecosystem::versus::load::{self, Bounds, Load};
use ecosystem::versus::python::Python;
use std::time::{Duration, Instant};

const TINY: Bounds = Bounds {
    workers: 2,
    calls: 20,
    within: Duration::from_secs(30),
};

/// The interpreter, if it has what `part` needs.
fn python_for(part: &str) -> Option<Python> {
    let python = Python::from_environment();
    match python.missing(part) {
        None => Some(python),
        Some(why) if std::env::var_os("ECOSYSTEM_REQUIRE_PYTHON").is_some() => {
            panic!("{part}: {why}, but ECOSYSTEM_REQUIRE_PYTHON is set")
        }
        Some(why) => {
            assert!(
                why.contains("pip install -r") || why.contains("not found"),
                "{why}"
            );
            eprintln!("{part}: skipped: {why}");
            None
        }
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn assert_all_right(load: &Load) {
    assert_eq!((load.calls, load.wrong), (TINY.calls, 0), "{load:?}");
}

#[test]
fn each_python_server_answers_the_load_generator_and_stops_with_its_handle() {
    let runtime = runtime();
    for framework in ["fastapi", "aiohttp"] {
        let Some(python) = python_for(framework) else {
            continue;
        };
        let server = python.serve(framework).unwrap();
        let (base, port) = (server.base(), server.port);
        assert_all_right(&runtime.block_on(load::http(&base, TINY)).unwrap());
        drop(server);
        // Gone within the drop's bound: nothing listens on its port.
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            assert!(
                Instant::now() < deadline,
                "{framework} still listens on {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[test]
fn each_python_client_loads_an_axum_server() {
    let runtime = runtime();
    let server = runtime
        .block_on(RunningServer::start(endpoint::app()))
        .unwrap();
    let base = format!("http://{}", server.addr);
    for client in ["httpx", "aiohttp"] {
        let Some(python) = python_for(client) else {
            continue;
        };
        assert_all_right(&python.load(&["client", client, &base], TINY).unwrap());
    }
    runtime.block_on(server.stop()).unwrap();
}

#[test]
fn a_missing_interpreter_is_a_skip_line_not_an_error() {
    let python = Python {
        interpreter: "/nonexistent/python3".into(),
    };
    assert_eq!(
        python.missing("httpx").as_deref(),
        Some("'/nonexistent/python3' was not found")
    );
}

/// What the `pool` page says of asyncpg: a second query started on a
/// connection that is running one is refused with InterfaceError. Needs
/// DATABASE_URL (chapters/06-ecosystem/servers run -- …).
#[test]
fn asyncpg_refuses_a_second_query_on_a_busy_connection() {
    let Ok(url) = std::env::var("DATABASE_URL") else {
        assert!(
            std::env::var_os("ECOSYSTEM_REQUIRE_SERVERS").is_none(),
            "DATABASE_URL unset"
        );
        eprintln!("skipped: DATABASE_URL is unset");
        return;
    };
    let Some(python) = python_for("postgres") else {
        return;
    };
    let said = python.output(&["two-queries", &url]).unwrap();
    let said: serde_json::Value = serde_json::from_str(&said).unwrap();
    assert_eq!(said["raised"], "InterfaceError", "{said}");
}

#[test]
fn the_script_names_the_interpreter_and_each_package_in_order() {
    let python = Python::from_environment();
    let versions = match python.versions() {
        Ok(versions) => versions,
        Err(why) if std::env::var_os("ECOSYSTEM_REQUIRE_PYTHON").is_some() => {
            panic!("{why:#}, but ECOSYSTEM_REQUIRE_PYTHON is set")
        }
        Err(why) => {
            eprintln!("versions: skipped: {why:#}");
            return;
        }
    };
    assert!(versions.python.starts_with("CPython 3."), "{versions:?}");
    let names: Vec<&str> =
        versions.packages.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["fastapi", "uvicorn", "aiohttp", "httpx", "asyncpg", "redis"]
    );
    // Where CI built the environment from requirements.txt, each installed
    // package is its pin (a reader may have installed others).
    if std::env::var_os("ECOSYSTEM_REQUIRE_PYTHON").is_none() {
        return;
    }
    let pins = include_str!("../python/requirements.txt");
    for (name, version) in &versions.packages {
        if let Some(version) = version {
            let pinned = pins.lines().any(|line| {
                line.split_once("==").is_some_and(|(pkg, pin)| {
                    pkg.split('[').next() == Some(name.as_str()) && pin == version
                })
            });
            assert!(
                pinned,
                "{name} {version} is not the pin in requirements.txt"
            );
        }
    }
}
