//! The PostgreSQL and Redis part of `database`: which line a reader sees
//! for each build and environment, and that a server which is not there
//! ends the run with an error quickly instead of hanging. No server is
//! needed: CI runs these with and without `--features postgres,redis`.

use ecosystem::db::servers::{POSTGRES, REDIS, Server};

fn skipped(server: Server, value: Option<&str>) -> String {
    server.url_from(value.map(str::to_owned)).unwrap_err()
}

#[test]
#[cfg(not(feature = "postgres"))]
fn without_the_feature_the_skip_line_names_it() {
    for value in [None, Some("postgres://user@127.0.0.1/db")] {
        let line = skipped(POSTGRES, value);
        assert!(line.contains("--features postgres"), "{line}");
        assert!(line.contains("DATABASE_URL"), "{line}");
    }
}

#[test]
#[cfg(not(feature = "redis"))]
fn without_the_redis_feature_the_skip_line_names_it() {
    for value in [None, Some("redis://127.0.0.1/")] {
        let line = skipped(REDIS, value);
        assert!(line.contains("--features redis"), "{line}");
        assert!(line.contains("REDIS_URL"), "{line}");
    }
}

#[cfg(any(feature = "postgres", feature = "redis"))]
fn refused_within_the_bound<T: std::fmt::Debug>(
    run: impl Future<Output = anyhow::Result<T>>,
) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let start = std::time::Instant::now();
    let error = runtime.block_on(run).unwrap_err();
    // Port 1 on loopback refuses at once; the bound is the timeout plus
    // a wide margin, so only a hang could fail this.
    let limit = ecosystem::db::servers::TIMEOUT * 4;
    assert!(start.elapsed() < limit, "took {:?}", start.elapsed());
    assert!(format!("{error:#}").contains("connect"), "{error:#}");
}

#[test]
#[cfg(feature = "postgres")]
fn with_the_feature_an_unset_url_is_skipped_and_a_set_one_used() {
    assert_eq!(skipped(POSTGRES, None), "skipped: DATABASE_URL is unset");
    assert_eq!(
        skipped(POSTGRES, Some("")),
        "skipped: DATABASE_URL is unset"
    );
    let url = "postgres://user@127.0.0.1/db";
    assert_eq!(POSTGRES.url_from(Some(url.to_owned())), Ok(url.to_owned()));
}

#[test]
#[cfg(feature = "postgres")]
fn an_absent_postgres_fails_quickly() {
    let url = "postgres://user@127.0.0.1:1/db";
    refused_within_the_bound(ecosystem::db::servers::postgres::run(url, 2, 2));
}

#[test]
#[cfg(feature = "redis")]
fn with_the_redis_feature_an_unset_url_is_skipped_and_a_set_one_used() {
    assert_eq!(skipped(REDIS, None), "skipped: REDIS_URL is unset");
    let url = "redis://127.0.0.1/";
    assert_eq!(REDIS.url_from(Some(url.to_owned())), Ok(url.to_owned()));
}

#[test]
#[cfg(feature = "redis")]
fn an_absent_redis_fails_quickly() {
    refused_within_the_bound(ecosystem::db::servers::redis::run(
        "redis://127.0.0.1:1/",
        2,
    ));
}

/// The URL a real-server test uses, or `None` with a line saying why the
/// test checks nothing in this run. `chapters/06-ecosystem/servers run --`
/// sets both URLs; CI also sets ECOSYSTEM_REQUIRE_SERVERS, so that a skip
/// there fails instead.
#[cfg(any(feature = "postgres", feature = "redis"))]
fn real_server(server: Server) -> Option<String> {
    match server.url() {
        Ok(url) => Some(url),
        Err(why) if std::env::var_os("ECOSYSTEM_REQUIRE_SERVERS").is_some() => {
            panic!(
                "{}: {why}, but ECOSYSTEM_REQUIRE_SERVERS is set",
                server.name
            )
        }
        Err(why) => {
            eprintln!("{}: {why}", server.name);
            None
        }
    }
}

#[cfg(any(feature = "postgres", feature = "redis"))]
fn on_a_runtime<T>(run: impl Future<Output = T>) -> T {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(run)
}

#[test]
#[cfg(feature = "postgres")]
fn a_real_postgres_keeps_every_insert_with_its_total() {
    let Some(url) = real_server(POSTGRES) else {
        return;
    };
    let (tasks, per_task) = (6, 7);
    let counts =
        on_a_runtime(ecosystem::db::servers::postgres::run(&url, tasks, per_task))
            .unwrap();
    // Every insert is of amount 1 and adds 1 to the kept total.
    let rows = (tasks * per_task) as i64;
    let want = ecosystem::db::servers::postgres::Counts {
        rows,
        sum: rows,
        total: rows,
    };
    assert_eq!(counts, want);
}

#[test]
#[cfg(feature = "redis")]
fn a_real_redis_loses_no_incr_and_runs_multi_whole() {
    use ecosystem::db::servers::redis::{Counts, MULTI_ADDS, run};
    let Some(url) = real_server(REDIS) else {
        return;
    };
    let tasks = 9;
    let counts = on_a_runtime(run(&url, tasks)).unwrap();
    let after = tasks as i64;
    let want = Counts {
        after_incrs: after,
        multi_incr: after + MULTI_ADDS,
        multi_get: after + MULTI_ADDS,
    };
    assert_eq!(counts, want);
}

/// The `pool` section against a real PostgreSQL, at test sizes: a row
/// for each way, every request of the shared client and of the pool
/// answered rightly, and no invariant of the report broken.
#[test]
#[cfg(feature = "postgres")]
fn the_pool_section_against_a_real_postgres_answers_every_pooled_request() {
    use ecosystem::sections::pool::{self, Pool, Way};
    let Some(url) = real_server(POSTGRES) else {
        return;
    };
    let sizes = ecosystem::sizes::Sizes::tiny();
    let calls = sizes.pool_calls;
    let mut context = ecosystem::Context::new(sizes);
    context.servers.postgres = Some(url);
    let mut results = ecosystem::Results::default();
    pool::measure(&mut context, &mut results).unwrap();
    let Some(Pool::Ran { runs, .. }) = &results.pool else {
        panic!("not run: {:?}", results.pool);
    };
    let ways: Vec<Way> = runs.iter().map(|r| r.way).collect();
    assert_eq!(ways, Way::ALL);
    for run in &runs[1..] {
        let load = run.load.as_ref().unwrap();
        assert_eq!((load.calls, load.wrong), (calls, 0), "{run:?}");
    }
    let report = pool::report(&results).unwrap();
    assert!(report.broken().is_empty(), "{report:?}");
}

/// The `checked-queries` section against a real PostgreSQL, at test sizes:
/// both drivers asked every call of the load, every answer right.
#[test]
#[cfg(feature = "sqlx")]
fn the_checked_query_against_a_real_postgres_answers_every_call() {
    use ecosystem::sections::checked_queries;
    let Some(url) = real_server(POSTGRES) else {
        return;
    };
    let sizes = ecosystem::sizes::Sizes::tiny();
    let calls = sizes.versus_db_calls;
    let mut context = ecosystem::Context::new(sizes);
    context.servers.postgres = Some(url);
    let mut results = ecosystem::Results::default();
    checked_queries::measure(&mut context, &mut results).unwrap();
    let checked = results.checked_queries.as_ref().unwrap();
    assert_eq!(checked.skipped, None);
    let drivers: Vec<&str> = checked.loads.iter().map(|(d, _)| d.as_str()).collect();
    assert_eq!(drivers, ["tokio-postgres", "sqlx"]);
    for (driver, load) in &checked.loads {
        assert_eq!((load.calls, load.wrong), (calls, 0), "{driver}: {load:?}");
    }
    let report = checked_queries::report(&results).unwrap();
    assert!(report.broken().is_empty(), "{report:?}");
}
