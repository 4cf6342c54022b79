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
