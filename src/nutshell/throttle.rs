//! The request pace: never above the operator's ceiling (`[load] requests_per_second`,
//! `max_in_flight`), and adaptive below it — additive increase while the server answers well,
//! multiplicative decrease when it signals overload (429, 5xx, timeouts, resets, garbage bodies).
//! `Retry-After` holds back the request that got it (see `client.rs`), not the whole load: the
//! decrease slows everything else, so a server that throttles a share of requests at random does
//! not stall the run. [`Throttle::snapshot`] feeds the live load view.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use crate::config::LoadConfig;

/// The pacing parameters; [`ThrottleSettings::from_load`] derives them from `[load]`. Nutshell
/// publishes no rate limit (docs/nutshell-api.md), so the ceiling is the operator's.
#[derive(Debug, Clone, PartialEq)]
pub struct ThrottleSettings {
    /// Never more requests per second than this.
    pub ceiling_rps: f64,
    /// Never more requests in flight than this.
    pub max_in_flight: usize,
    /// The pace to start at (the ceiling caps it).
    pub start_rps: f64,
    /// Requests per second gained per second of good answers.
    pub increase_per_sec: f64,
    /// The pace is multiplied by this on an overload signal.
    pub decrease_factor: f64,
    /// The pace never drops below this.
    pub min_rps: f64,
    /// Overload signals closer together than this count once: the requests already in flight
    /// when the server first pushed back report the same congestion.
    pub decrease_cooldown: Duration,
}

impl ThrottleSettings {
    /// Start at half the ceiling and reach it in about ten seconds of good answers.
    pub fn from_load(load: &LoadConfig) -> Self {
        let ceiling = load.requests_per_second;
        Self {
            ceiling_rps: ceiling,
            max_in_flight: load.max_in_flight.max(1),
            start_rps: ceiling / 2.0,
            increase_per_sec: (ceiling / 20.0).max(0.1),
            decrease_factor: 0.7,
            min_rps: (ceiling / 100.0).clamp(0.05, 1.0),
            decrease_cooldown: Duration::from_millis(1000),
        }
    }
}

/// How the server answered one request, as far as pacing is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// A result.
    Ok,
    /// A well-formed JSON-RPC error (validation, not found, stale rev, auth): the server is fine.
    Rejected,
    /// HTTP 429: slow down.
    RateLimited {
        /// The `Retry-After` the server gave, if any.
        retry_after: Option<Duration>,
    },
    /// HTTP 5xx: the server is struggling; slow down.
    ServerError {
        /// The `Retry-After` the server gave, if any.
        retry_after: Option<Duration>,
    },
    /// No answer within the client's timeout.
    Timeout,
    /// Connection refused, reset or closed early.
    Reset,
    /// An answer whose body is not JSON (an HTML error page from a proxy): treated as overload.
    NotJson,
}

/// The throttle's state for display: cheap to take, plain data.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ThrottleSnapshot {
    /// The pace now, requests per second.
    pub current_rps: f64,
    /// The operator's ceiling, requests per second.
    pub ceiling_rps: f64,
    /// Requests sent and not yet answered.
    pub in_flight: usize,
    /// The most allowed in flight at once.
    pub max_in_flight: usize,
    /// Time until the longest `Retry-After` wait the server asked for ends; 0 when none.
    pub backoff_ms: u64,
    /// Requests sent since the throttle was made; the counts below split their answers.
    pub sent: u64,
    /// Answered with a result.
    pub ok: u64,
    /// Answered with a well-formed JSON-RPC error.
    pub rejected: u64,
    /// Answered HTTP 429.
    pub http_429: u64,
    /// Answered HTTP 5xx.
    pub http_5xx: u64,
    /// Not answered in time.
    pub timeouts: u64,
    /// Connection refused, reset or closed early.
    pub resets: u64,
    /// Answered with a body that is not JSON.
    pub non_json: u64,
}

#[derive(Debug)]
struct Pace {
    rate: f64,
    next_send: Instant,
    backoff_until: Instant,
    last_decrease: Option<Instant>,
}

#[derive(Debug, Default)]
struct Counters {
    sent: AtomicU64,
    ok: AtomicU64,
    rejected: AtomicU64,
    http_429: AtomicU64,
    http_5xx: AtomicU64,
    timeouts: AtomicU64,
    resets: AtomicU64,
    non_json: AtomicU64,
}

/// The shared pacer of one client: every request waits for a [`Slot`] and reports its
/// [`Signal`]. Safe to share across tasks.
#[derive(Debug)]
pub struct Throttle {
    settings: ThrottleSettings,
    pace: Mutex<Pace>,
    slots: Arc<Semaphore>,
    counters: Counters,
}

/// Held while a request is in flight; dropping it frees the slot.
#[derive(Debug)]
pub struct Slot {
    _permit: Option<OwnedSemaphorePermit>,
}

impl Throttle {
    /// A pacer starting at `settings.start_rps`, kept within `min_rps..=ceiling_rps`.
    pub fn new(settings: ThrottleSettings) -> Self {
        let now = Instant::now();
        let rate = settings
            .start_rps
            .clamp(settings.min_rps, settings.ceiling_rps.max(settings.min_rps));
        Self {
            slots: Arc::new(Semaphore::new(settings.max_in_flight.max(1))),
            pace: Mutex::new(Pace {
                rate,
                next_send: now,
                backoff_until: now,
                last_decrease: None,
            }),
            counters: Counters::default(),
            settings,
        }
    }

    fn pace(&self) -> MutexGuard<'_, Pace> {
        // The pace is plain numbers: a panic elsewhere cannot leave it inconsistent.
        self.pace.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Wait for an in-flight slot and a send time under the current pace.
    pub async fn acquire(&self) -> Slot {
        // The semaphore is never closed, so acquiring only fails if that changes; then pace alone.
        let permit = self.slots.clone().acquire_owned().await.ok();
        let at = {
            let mut pace = self.pace();
            let at = Instant::now().max(pace.next_send);
            pace.next_send = at + Duration::from_secs_f64(1.0 / pace.rate);
            at
        };
        tokio::time::sleep_until(at).await;
        self.counters.sent.fetch_add(1, Ordering::Relaxed);
        Slot { _permit: permit }
    }

    /// Fold one answer into the pace and the counters.
    pub fn record(&self, signal: Signal) {
        let c = &self.counters;
        let counter = match signal {
            Signal::Ok => &c.ok,
            Signal::Rejected => &c.rejected,
            Signal::RateLimited { .. } => &c.http_429,
            Signal::ServerError { .. } => &c.http_5xx,
            Signal::Timeout => &c.timeouts,
            Signal::Reset => &c.resets,
            Signal::NotJson => &c.non_json,
        };
        counter.fetch_add(1, Ordering::Relaxed);

        let s = &self.settings;
        let mut pace = self.pace();
        let now = Instant::now();
        match signal {
            Signal::Ok | Signal::Rejected => {
                // +increase_per_sec per second: each of the `rate` answers in a second adds 1/rate of it.
                pace.rate = (pace.rate + s.increase_per_sec / pace.rate).min(s.ceiling_rps);
            }
            Signal::RateLimited { retry_after } | Signal::ServerError { retry_after } => {
                // A wait past the clock's range cannot be a deadline (and `+` would panic).
                if let Some(until) = retry_after.and_then(|wait| now.checked_add(wait)) {
                    pace.backoff_until = pace.backoff_until.max(until);
                }
                decrease(&mut pace, s, now);
            }
            Signal::Timeout | Signal::Reset | Signal::NotJson => decrease(&mut pace, s, now),
        }
    }

    /// The pace and counters now, for the live load view.
    pub fn snapshot(&self) -> ThrottleSnapshot {
        let (rate, backoff) = {
            let pace = self.pace();
            (
                pace.rate,
                pace.backoff_until.saturating_duration_since(Instant::now()),
            )
        };
        let c = &self.counters;
        let max = self.settings.max_in_flight.max(1);
        ThrottleSnapshot {
            current_rps: rate,
            ceiling_rps: self.settings.ceiling_rps,
            in_flight: max.saturating_sub(self.slots.available_permits()),
            max_in_flight: max,
            backoff_ms: backoff.as_millis() as u64,
            sent: c.sent.load(Ordering::Relaxed),
            ok: c.ok.load(Ordering::Relaxed),
            rejected: c.rejected.load(Ordering::Relaxed),
            http_429: c.http_429.load(Ordering::Relaxed),
            http_5xx: c.http_5xx.load(Ordering::Relaxed),
            timeouts: c.timeouts.load(Ordering::Relaxed),
            resets: c.resets.load(Ordering::Relaxed),
            non_json: c.non_json.load(Ordering::Relaxed),
        }
    }
}

fn decrease(pace: &mut Pace, s: &ThrottleSettings, now: Instant) {
    if pace
        .last_decrease
        .is_some_and(|t| now.duration_since(t) < s.decrease_cooldown)
    {
        return;
    }
    pace.last_decrease = Some(now);
    pace.rate = (pace.rate * s.decrease_factor).max(s.min_rps);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> ThrottleSettings {
        ThrottleSettings {
            ceiling_rps: 10.0,
            max_in_flight: 2,
            start_rps: 5.0,
            increase_per_sec: 1.0,
            decrease_factor: 0.5,
            min_rps: 0.5,
            decrease_cooldown: Duration::from_secs(1),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn additive_increase_stops_at_the_ceiling() {
        let t = Throttle::new(settings());
        // Five good answers at 5 rps add about one request per second.
        for _ in 0..5 {
            t.record(Signal::Ok);
        }
        let r = t.snapshot().current_rps;
        assert!((5.9..6.1).contains(&r), "{r}");
        for _ in 0..1000 {
            t.record(Signal::Ok);
        }
        assert_eq!(t.snapshot().current_rps, 10.0);
        assert_eq!(t.snapshot().ok, 1005);
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_of_overload_signals_halves_once() {
        let t = Throttle::new(settings());
        t.record(Signal::RateLimited {
            retry_after: Some(Duration::from_secs(3)),
        });
        t.record(Signal::ServerError { retry_after: None });
        t.record(Signal::Timeout);
        let s = t.snapshot();
        assert_eq!(s.current_rps, 2.5);
        assert_eq!((s.http_429, s.http_5xx, s.timeouts), (1, 1, 1));
        assert_eq!(s.backoff_ms, 3000);
        tokio::time::advance(Duration::from_millis(1500)).await;
        t.record(Signal::NotJson);
        assert_eq!(t.snapshot().current_rps, 1.25);
        assert_eq!(t.snapshot().backoff_ms, 1500);
        for _ in 0..20 {
            t.record(Signal::Reset);
            tokio::time::advance(Duration::from_secs(2)).await;
        }
        assert_eq!(t.snapshot().current_rps, 0.5, "floor");
    }

    #[tokio::test(start_paused = true)]
    async fn a_retry_after_beyond_the_clock_does_not_panic() {
        let t = Throttle::new(settings());
        t.record(Signal::RateLimited {
            retry_after: Some(Duration::MAX),
        });
        let s = t.snapshot();
        assert_eq!((s.http_429, s.backoff_ms), (1, 0));
        assert_eq!(s.current_rps, 2.5);
    }

    #[tokio::test(start_paused = true)]
    async fn sends_are_spaced_by_the_pace_and_bounded_in_flight() {
        let t = Throttle::new(settings());
        let start = Instant::now();
        let a = t.acquire().await;
        let b = t.acquire().await;
        // Two sends at 5 rps: the second waits 200 ms.
        assert_eq!(start.elapsed(), Duration::from_millis(200));
        assert_eq!(t.snapshot().in_flight, 2);
        let third = tokio::time::timeout(Duration::from_secs(5), t.acquire()).await;
        assert!(
            third.is_err(),
            "a third request went out with two in flight"
        );
        drop(a);
        let _c = t.acquire().await;
        drop(b);
        assert_eq!(t.snapshot().sent, 3);
    }
}
