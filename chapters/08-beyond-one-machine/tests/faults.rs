//! The three faults against a real redis-server this test starts itself
//! (Debian's binary, a free loopback port, a temporary folder; stopped on
//! drop, also when an assertion panics), with exact counts. Without
//! `redis-server` each test says why it skipped, unless
//! BEYOND_REQUIRE_REDIS=1 (CI), where a missing server fails it.

use beyond_one_machine::broker::MAX_ATTEMPTS;
use beyond_one_machine::broker::faults::{
    killed_worker, poison_job, restarted_broker,
};
use beyond_one_machine::server::{RedisServer, available};
use beyond_one_machine::sizes::Sizes;
use beyond_one_machine::{CHAPTER, Context};
use std::path::PathBuf;
use tokio::runtime::Runtime;

fn program() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_beyond-one-machine"))
}

/// A fresh server and a runtime, or `None` (with the reason printed)
/// where redis-server is missing and not required.
fn broker() -> Option<(Runtime, RedisServer)> {
    if let Err(why) = available() {
        let required = std::env::var("BEYOND_REQUIRE_REDIS").is_ok_and(|v| v == "1");
        assert!(!required, "BEYOND_REQUIRE_REDIS=1 but {why}");
        eprintln!("skipped: {why}");
        return None;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    Some((runtime, RedisServer::start().expect("redis-server starts")))
}

#[test]
fn a_worker_killed_mid_job_loses_nothing_and_applies_nothing_twice() {
    let Some((runtime, server)) = broker() else {
        return;
    };
    let run = killed_worker(&runtime, &program(), &server).expect("the run settles");
    assert_eq!((run.submitted, run.completed, run.dead_lettered), (7, 7, 0));
    assert_eq!((run.effects, run.applied), (7, 7), "{run:?}");
    assert_eq!(run.target_attempts, 2, "the killed job ran again: {run:?}");
    assert!(run.deliveries >= 8, "its effect was reached twice: {run:?}");
}

#[test]
fn after_the_broker_restarts_every_job_finishes_once() {
    let Some((runtime, mut server)) = broker() else {
        return;
    };
    let port = server.port();
    let run = restarted_broker(&runtime, &program(), &mut server).expect("settles");
    assert_eq!(server.port(), port, "the same port after the restart");
    assert_eq!(
        (run.submitted, run.completed, run.dead_lettered),
        (20, 20, 0)
    );
    assert_eq!((run.effects, run.applied), (20, 20), "{run:?}");
}

#[test]
fn a_poison_job_ends_in_the_dead_set_after_its_attempts() {
    let Some((runtime, server)) = broker() else {
        return;
    };
    let run = poison_job(&runtime, &program(), &server).expect("the run settles");
    assert_eq!((run.submitted, run.completed, run.dead_lettered), (4, 3, 1));
    assert_eq!((run.effects, run.applied), (3, 3), "{run:?}");
    assert_eq!(run.target_attempts, MAX_ATTEMPTS, "{run:?}");
}

#[test]
fn the_server_is_gone_after_a_panic_in_the_test() {
    let Some((_, server)) = broker() else { return };
    let port = server.port();
    let panicked = std::panic::catch_unwind(move || {
        let _server = server;
        panic!("an assertion failed mid-test");
    });
    assert!(panicked.is_err());
    assert!(
        !beyond_one_machine::server::answers_ping(port),
        "still answering"
    );
}

/// Both sections on a real broker, at test sizes: every invariant holds
/// (run_section fails on a broken one) and the redacted reports are
/// snapshotted in snapshots/broker/.
#[test]
fn both_sections_run_against_a_real_server() {
    let Some((_, server)) = broker() else { return };
    let mut context = Context::new(Sizes::tiny(), program());
    context.redis_url = Some(server.url());
    context.own_broker = true;
    for name in ["job-queue", "faults"] {
        let report = testkit::run_section(&CHAPTER, &mut context, name);
        snapshot(name, &report.render(shared::report::Render::Redacted));
    }
}

fn snapshot(name: &str, redacted: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots/broker");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(name, redacted));
}
