//! What a job leaves behind, kept in Redis beside the queue so that the
//! producer can count it: the effect recorded once per job id (the
//! idempotency key, best practice 4 of chapter 5), a naive log that
//! appends on every delivery (what a handler without the key would do),
//! and the attempts each job was given.

use apalis_redis::ConnectionManager;

/// The effect and its count, in one step: a Lua script runs in Redis
/// with nothing between its commands.
const RECORD_ONCE: &str = "if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then \
     redis.call('INCR', KEYS[2]) return 1 else return 0 end";

/// The chapter's own keys for one queue, beside apalis' `{queue}:*`.
#[derive(Clone)]
pub struct Effects {
    conn: ConnectionManager,
    queue: String,
}

impl Effects {
    pub fn new(conn: ConnectionManager, queue: &str) -> Effects {
        Effects {
            conn,
            queue: queue.to_string(),
        }
    }

    fn key(&self, what: &str) -> String {
        format!("{}:chapter:{what}", self.queue)
    }

    /// Counts one more attempt of job `id` and returns its number (1 for
    /// the first delivery).
    pub async fn attempt(&self, id: u64) -> redis::RedisResult<u64> {
        redis::cmd("HINCRBY")
            .arg(self.key("attempts"))
            .arg(id)
            .arg(1)
            .query_async(&mut self.conn.clone())
            .await
    }

    // ANCHOR: record
    /// Records job `id`'s effect, once: `HSETNX` writes the field only if
    /// no delivery of the same job wrote it before, and the count of
    /// effects applied moves with it in one script, atomically in Redis
    /// (two commands could be split by a broker restart: the first done,
    /// its reply lost, the job delivered again). Returns whether this
    /// delivery took effect. The naive log beside it appends on every
    /// delivery, as a handler without the key would.
    pub async fn record(&self, id: u64, value: u64) -> redis::RedisResult<bool> {
        let mut conn = self.conn.clone();
        let _: u64 = redis::cmd("RPUSH")
            .arg(self.key("naive"))
            .arg(id)
            .query_async(&mut conn)
            .await?;
        redis::cmd("EVAL")
            .arg(RECORD_ONCE)
            .arg(2)
            .arg(self.key("effects"))
            .arg(self.key("applied"))
            .arg(id)
            .arg(value)
            .query_async(&mut conn)
            .await
    }
    // ANCHOR_END: record

    /// Marks that job `id` is stalling in process `pid`: the faults
    /// section waits for this, then kills that process.
    pub async fn stalling(&self, pid: u32) -> redis::RedisResult<()> {
        redis::cmd("SET")
            .arg(self.key("stalling"))
            .arg(pid)
            .query_async(&mut self.conn.clone())
            .await
    }

    /// The process a stalling job runs in, once one is.
    pub async fn stalling_pid(&self) -> redis::RedisResult<Option<u32>> {
        redis::cmd("GET")
            .arg(self.key("stalling"))
            .query_async(&mut self.conn.clone())
            .await
    }

    /// Counts one more time a worker process had to build its worker
    /// again because the broker went away.
    pub async fn reconnected(&self) -> redis::RedisResult<u64> {
        redis::cmd("INCR")
            .arg(self.key("reconnects"))
            .query_async(&mut self.conn.clone())
            .await
    }

    /// Everything the producer counts once the queue is settled.
    pub async fn tally(&self) -> redis::RedisResult<Tally> {
        let mut conn = self.conn.clone();
        let effects: u64 = redis::cmd("HLEN")
            .arg(self.key("effects"))
            .query_async(&mut conn)
            .await?;
        let deliveries: u64 = redis::cmd("LLEN")
            .arg(self.key("naive"))
            .query_async(&mut conn)
            .await?;
        let attempts: Vec<(u64, u64)> = redis::cmd("HGETALL")
            .arg(self.key("attempts"))
            .query_async(&mut conn)
            .await?;
        let counters: Vec<Option<u64>> = redis::cmd("MGET")
            .arg(self.key("reconnects"))
            .arg(self.key("applied"))
            .query_async(&mut conn)
            .await?;
        let mut attempts = attempts;
        attempts.sort_unstable();
        Ok(Tally {
            effects,
            deliveries,
            attempts,
            reconnects: counters.first().copied().flatten().unwrap_or(0),
            applied: counters.get(1).copied().flatten().unwrap_or(0),
        })
    }
}

/// The chapter's counts for one queue.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Distinct jobs whose effect was recorded (the idempotent record).
    pub effects: u64,
    /// Entries in the naive log: one per delivery that got that far.
    pub deliveries: u64,
    /// (job id, attempts it was given), by id.
    pub attempts: Vec<(u64, u64)>,
    /// Deliveries whose `HSETNX` wrote the effect: one per job, if the
    /// key works.
    pub applied: u64,
    /// Times a worker process rebuilt its worker after losing Redis.
    pub reconnects: u64,
}

impl Tally {
    /// The attempts job `id` was given (0 if it never ran).
    pub fn attempts_of(&self, id: u64) -> u64 {
        self.attempts
            .iter()
            .find(|(job, _)| *job == id)
            .map_or(0, |(_, n)| *n)
    }
}
