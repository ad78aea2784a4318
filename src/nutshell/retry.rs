//! When to send a failed call again and how long to wait first: only retry-safe failures
//! (see [`FailureClass`](super::FailureClass)), after a jittered exponential backoff that never
//! undercuts the server's `Retry-After`.

use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::Rng;

/// How many attempts a retry-safe failure gets and how long to wait between them.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// Backoff before the second attempt; doubled for each further one.
    pub base: Duration,
    /// Longest backoff between two attempts (a longer `Retry-After` still wins).
    pub cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 10,
            base: Duration::from_millis(200),
            cap: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// The wait after failed attempt number `attempt` (1-based): half of the exponential step
    /// fixed, half random, so parallel callers spread out; at least `retry_after`.
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let step = self
            .base
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(20))
            .min(self.cap);
        let half = step / 2;
        let jitter = rand::rng().random_range(0..=half.as_millis() as u64);
        let backoff = half + Duration::from_millis(jitter);
        backoff.max(retry_after.unwrap_or(Duration::ZERO))
    }
}

/// A `Retry-After` value: delay-seconds or an HTTP date (relative to `now`; a past date is zero).
pub fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<f64>() {
        // Negative, NaN, infinite or too large for a Duration: not a usable wait (and
        // `from_secs_f64` would panic on the last three).
        return Duration::try_from_secs_f64(secs).ok();
    }
    let when = DateTime::parse_from_rfc2822(value).ok()?;
    Some(
        (when.with_timezone(&Utc) - now)
            .to_std()
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delay_grows_is_capped_and_respects_retry_after() {
        let p = RetryPolicy {
            max_attempts: 5,
            base: Duration::from_millis(100),
            cap: Duration::from_millis(800),
        };
        for _ in 0..50 {
            let d1 = p.delay(1, None);
            assert!((50..=100).contains(&d1.as_millis()), "{d1:?}");
            let d3 = p.delay(3, None);
            assert!((200..=400).contains(&d3.as_millis()), "{d3:?}");
            let d9 = p.delay(9, None);
            assert!((400..=800).contains(&d9.as_millis()), "{d9:?}");
            let r = p.delay(1, Some(Duration::from_secs(2)));
            assert_eq!(r, Duration::from_secs(2));
        }
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = DateTime::parse_from_rfc3339("2026-11-27T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("1.5", now),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            parse_retry_after("Fri, 27 Nov 2026 10:00:07 GMT", now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            parse_retry_after("Fri, 27 Nov 2026 09:59:00 GMT", now),
            Some(Duration::ZERO),
            "a past date means now"
        );
        assert_eq!(parse_retry_after("-1", now), None);
        for absurd in ["1e30", "inf", "NaN"] {
            assert_eq!(parse_retry_after(absurd, now), None, "{absurd}");
        }
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
