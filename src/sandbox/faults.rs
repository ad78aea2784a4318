//! Rehearsal knobs: latency, a request ceiling (429 + Retry-After), random 429s, random 500s,
//! random non-JSON bodies, and hanging up after a create commits. Draws come from one seeded RNG,
//! four per admitted request whatever the knobs, so the same seed and the same request sequence
//! give the same faults.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The knobs; all off by default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Knobs {
    /// Delay before answering an admitted request.
    pub latency: Duration,
    /// Requests per second above which the sandbox answers 429 with `Retry-After`.
    pub rate_limit: Option<f64>,
    /// Share of requests answered 429 at random (Retry-After: 1), whatever the rate.
    pub throttle_rate: f64,
    /// Share of requests answered HTTP 500 before doing anything.
    pub fault_rate: f64,
    /// Share of requests answered HTTP 200 with an HTML body before doing anything.
    pub non_json_rate: f64,
    /// Share of creates (new* calls and REST custom fields) whose connection is closed,
    /// unanswered, after the create commits.
    pub drop_after_commit_rate: f64,
}

/// A knob setting that cannot be used; the message gives the accepted range.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum KnobError {
    /// A share-of-requests knob (`name`, e.g. "fault rate") outside 0..=1.
    #[error("{name} = {value} is not a probability: use a number from 0 to 1, e.g. 0.1")]
    Probability {
        /// The knob as the operator knows it, e.g. "fault rate".
        name: &'static str,
        /// The value given.
        value: f64,
    },
    /// A request ceiling that is zero, negative, NaN or infinite (requests per second).
    #[error("rate limit {0} is not valid: use a positive number of requests per second")]
    RateLimit(f64),
}

impl Knobs {
    /// Check every knob before a sandbox starts. Errors: [`KnobError::Probability`] for a rate
    /// outside 0..=1, [`KnobError::RateLimit`] for a ceiling that is not a positive finite number.
    pub fn validate(&self) -> Result<(), KnobError> {
        for (name, value) in [
            ("throttle rate", self.throttle_rate),
            ("fault rate", self.fault_rate),
            ("non-JSON rate", self.non_json_rate),
            ("drop-after-commit rate", self.drop_after_commit_rate),
        ] {
            if !(0.0..=1.0).contains(&value) {
                return Err(KnobError::Probability { name, value });
            }
        }
        match self.rate_limit {
            Some(r) if !(r.is_finite() && r > 0.0) => Err(KnobError::RateLimit(r)),
            _ => Ok(()),
        }
    }
}

/// How often each knob fired, for tests and the load view.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FaultCounts {
    /// Requests that reached the knobs (POSTs to the JSON-RPC or REST endpoints).
    pub requests: u64,
    /// 429s from the request ceiling.
    pub rate_limited: u64,
    /// 429s from `throttle_rate`.
    pub throttled: u64,
    /// HTTP 500s from `fault_rate`.
    pub faults: u64,
    /// HTML answers with status 200 from `non_json_rate`.
    pub non_json: u64,
    /// Creates that committed and whose connection was then closed unanswered.
    pub dropped_after_commit: u64,
    /// Requests refused for a wrong or missing username/key (401, as live Nutshell).
    pub auth_failures: u64,
}

/// What to do with one request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Gate {
    RateLimited { retry_after_secs: u64 },
    Throttled,
    Fault,
    NonJson,
    Pass { drop_after_commit: bool },
}

struct Bucket {
    tokens: f64,
    last: Instant,
}

pub struct Faults {
    knobs: Mutex<Knobs>,
    rng: Mutex<StdRng>,
    bucket: Mutex<Bucket>,
    counts: Mutex<FaultCounts>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Faults {
    pub fn new(knobs: Knobs, seed: Option<u64>) -> Self {
        let rng = match seed {
            Some(s) => StdRng::seed_from_u64(s),
            None => StdRng::from_os_rng(),
        };
        let tokens = knobs.rate_limit.unwrap_or(1.0).max(1.0);
        Self {
            knobs: Mutex::new(knobs),
            rng: Mutex::new(rng),
            bucket: Mutex::new(Bucket {
                tokens,
                last: Instant::now(),
            }),
            counts: Mutex::new(FaultCounts::default()),
        }
    }

    pub fn knobs(&self) -> Knobs {
        lock(&self.knobs).clone()
    }

    pub fn set_knobs(&self, knobs: Knobs) {
        *lock(&self.knobs) = knobs;
    }

    pub fn counts(&self) -> FaultCounts {
        *lock(&self.counts)
    }

    pub fn count(&self, f: impl FnOnce(&mut FaultCounts)) {
        f(&mut lock(&self.counts));
    }

    /// Decide a request's fate: the ceiling first (a token bucket holding one second's worth),
    /// then the random draws.
    pub fn admit(&self) -> Gate {
        let knobs = self.knobs();
        self.count(|c| c.requests += 1);
        if let Some(rps) = knobs.rate_limit {
            let mut b = lock(&self.bucket);
            let now = Instant::now();
            let refill = now.duration_since(b.last).as_secs_f64() * rps;
            b.tokens = (b.tokens + refill).min(rps.max(1.0));
            b.last = now;
            if b.tokens >= 1.0 {
                b.tokens -= 1.0;
            } else {
                let wait = ((1.0 - b.tokens) / rps).ceil().max(1.0);
                self.count(|c| c.rate_limited += 1);
                // Float to whole seconds: `wait` is finite and at least 1.
                return Gate::RateLimited {
                    retry_after_secs: wait as u64,
                };
            }
        }
        let draws: [f64; 4] = {
            let mut rng = lock(&self.rng);
            [rng.random(), rng.random(), rng.random(), rng.random()]
        };
        if draws[0] < knobs.throttle_rate {
            self.count(|c| c.throttled += 1);
            Gate::Throttled
        } else if draws[1] < knobs.fault_rate {
            self.count(|c| c.faults += 1);
            Gate::Fault
        } else if draws[2] < knobs.non_json_rate {
            self.count(|c| c.non_json += 1);
            Gate::NonJson
        } else {
            Gate::Pass {
                drop_after_commit: draws[3] < knobs.drop_after_commit_rate,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fates(seed: u64) -> Vec<Gate> {
        let f = Faults::new(
            Knobs {
                fault_rate: 0.5,
                drop_after_commit_rate: 0.5,
                ..Knobs::default()
            },
            Some(seed),
        );
        (0..32).map(|_| f.admit()).collect()
    }

    #[test]
    fn same_seed_same_fates() {
        assert_eq!(fates(7), fates(7));
        assert_ne!(fates(7), fates(8));
        assert!(fates(7).contains(&Gate::Fault));
    }

    #[test]
    fn ceiling_answers_429_with_retry_after() {
        let f = Faults::new(
            Knobs {
                rate_limit: Some(2.0),
                ..Knobs::default()
            },
            Some(1),
        );
        let gates: Vec<Gate> = (0..3).map(|_| f.admit()).collect();
        assert!(matches!(gates[0], Gate::Pass { .. }));
        assert!(matches!(gates[1], Gate::Pass { .. }));
        assert_eq!(
            gates[2],
            Gate::RateLimited {
                retry_after_secs: 1
            }
        );
        assert_eq!(f.counts().rate_limited, 1);
    }

    #[test]
    fn probabilities_are_checked() {
        let k = Knobs {
            fault_rate: 1.5,
            ..Knobs::default()
        };
        assert!(k.validate().is_err());
        let k = Knobs {
            rate_limit: Some(0.0),
            ..Knobs::default()
        };
        assert!(k.validate().is_err());
    }
}
