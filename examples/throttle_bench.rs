//! Throughput benchmark for the Nutshell client's throttle, against the local sandbox over
//! loopback HTTP (run it with `bench/client.sh`, a release build).
//!
//! 1. ceiling: the sandbox answers after 50 ms and allows 40 req/s (429 above); the client's
//!    ceiling is 40 req/s. After the warm-up (the client starts at half the ceiling and climbs),
//!    it must sustain at least 90% of the ceiling with zero failed requests.
//! 2. over the limit (figures only, no target): the client's ceiling is 60 req/s but the sandbox
//!    allows 40; the client must find the limit by itself, with zero failed requests.
//! 3. throttled: the sandbox answers 429 (Retry-After: 1) to 30% of requests at random; a fixed
//!    number of creates must all land, each exactly once.
//!
//! Usage: throttle_bench [--warmup SECS] [--measure SECS] [--creates N]. Exit 1 if a target is missed.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crm_migrate::config::LoadConfig;
use crm_migrate::nutshell::{Account, Client, ClientOptions, Endpoint, ThrottleSnapshot};
use crm_migrate::sandbox::{self, Knobs, RunningSandbox, Sandbox, SandboxOptions};
use tokio::time::Instant;

const CEILING: f64 = 40.0;
const MAX_IN_FLIGHT: usize = 8;
const LATENCY: Duration = Duration::from_millis(50);

struct Args {
    warmup: u64,
    measure: u64,
    creates: u64,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        warmup: 15,
        measure: 30,
        creates: 300,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        let n: u64 = value
            .parse()
            .map_err(|_| format!("{flag} {value}: not a number"))?;
        match flag.as_str() {
            "--warmup" => a.warmup = n,
            "--measure" => a.measure = n,
            "--creates" => a.creates = n,
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    Ok(a)
}

async fn start(
    knobs: Knobs,
    client_ceiling: f64,
) -> Result<(RunningSandbox, Arc<Client>), Box<dyn std::error::Error>> {
    let s = Sandbox::start(SandboxOptions {
        knobs,
        seed: Some(2026),
        ..SandboxOptions::default()
    })
    .await?;
    let load = LoadConfig {
        requests_per_second: client_ceiling,
        max_in_flight: MAX_IN_FLIGHT,
    };
    let options = ClientOptions::new(
        Endpoint::parse(&s.endpoint())?,
        &s.credentials().username,
        &load,
    );
    let client = Client::new(options, &s.credentials().api_key)?;
    Ok((s, Arc::new(client)))
}

fn account(n: u64) -> Account {
    Account {
        name: Some(format!("Bench Account {n}")),
        ..Account::default()
    }
}

fn show(label: &str, s: &ThrottleSnapshot) {
    println!(
        "  {label}: pace {:.1}/{:.0} req/s, sent {}, ok {}, 429 {}, 5xx {}, timeouts {}, resets {}, non-JSON {}",
        s.current_rps,
        s.ceiling_rps,
        s.sent,
        s.ok,
        s.http_429,
        s.http_5xx,
        s.timeouts,
        s.resets,
        s.non_json
    );
}

/// Scenarios 1 and 2: creates as fast as the client allows; count answers inside the measured
/// window, against the sandbox's limit.
async fn ceiling(
    a: &Args,
    client_ceiling: f64,
    rate_target: bool,
) -> Result<bool, Box<dyn std::error::Error>> {
    println!(
        "ceiling: sandbox latency {LATENCY:?}, rate limit {CEILING} req/s; client ceiling {client_ceiling} req/s, {MAX_IN_FLIGHT} in flight"
    );
    let (s, client) = start(
        Knobs {
            latency: LATENCY,
            rate_limit: Some(CEILING),
            ..Knobs::default()
        },
        client_ceiling,
    )
    .await?;
    let begin = Instant::now();
    let window_start = begin + Duration::from_secs(a.warmup);
    let end = window_start + Duration::from_secs(a.measure);
    let next = Arc::new(AtomicU64::new(0));
    let in_window = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let failed_in_window = Arc::new(AtomicU64::new(0));
    let workers: Vec<_> = (0..MAX_IN_FLIGHT * 2)
        .map(|_| {
            let (client, next, in_window, failed, failed_in_window) = (
                client.clone(),
                next.clone(),
                in_window.clone(),
                failed.clone(),
                failed_in_window.clone(),
            );
            tokio::spawn(async move {
                while Instant::now() < end {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    let outcome = client.create(&account(n)).await;
                    let now = Instant::now();
                    let counted = now >= window_start && now < end;
                    match outcome {
                        Ok(_) if counted => {
                            in_window.fetch_add(1, Ordering::Relaxed);
                        }
                        Ok(_) => {}
                        Err(e) => {
                            eprintln!("  failed: {e}");
                            failed.fetch_add(1, Ordering::Relaxed);
                            if counted {
                                failed_in_window.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                    }
                }
            })
        })
        .collect();
    tokio::time::sleep_until(window_start).await;
    let warm = client.snapshot();
    for w in workers {
        w.await?;
    }
    let rate = in_window.load(Ordering::Relaxed) as f64 / a.measure as f64;
    let ratio = rate / CEILING;
    show(&format!("after {}s warm-up", a.warmup), &warm);
    show("at the end", &client.snapshot());
    let stats = s.stats();
    println!(
        "  sandbox: {} requests, {} answered 429, {} creates committed",
        stats.faults.requests, stats.faults.rate_limited, stats.creates_committed
    );
    let failures = failed.load(Ordering::Relaxed);
    let failures_in_window = failed_in_window.load(Ordering::Relaxed);
    println!(
        "  achieved {rate:.1} req/s over {}s = {:.1}% of the {CEILING} req/s ceiling; failed requests: {failures_in_window} after adaptation, {failures} in all",
        a.measure,
        ratio * 100.0
    );
    let pass = failures_in_window == 0 && (!rate_target || ratio >= 0.9);
    let target = if rate_target {
        "≥ 90% of the ceiling with zero failures"
    } else {
        "zero failures"
    };
    println!("  target {target}: {}", if pass { "MET" } else { "MISSED" });
    s.shutdown().await?;
    Ok(pass)
}

/// Scenario 2: a fixed batch of creates against random 429s; every one must land exactly once.
async fn throttled(a: &Args) -> Result<bool, Box<dyn std::error::Error>> {
    println!(
        "throttled: sandbox latency {LATENCY:?}, 429 (Retry-After: 1) to 30% of requests; {} creates",
        a.creates
    );
    let (s, client) = start(
        Knobs {
            latency: LATENCY,
            throttle_rate: 0.3,
            ..Knobs::default()
        },
        CEILING,
    )
    .await?;
    let before = s.live_count(sandbox::RecordKind::Accounts) as u64;
    let begin = Instant::now();
    let next = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let total = a.creates;
    let workers: Vec<_> = (0..MAX_IN_FLIGHT * 2)
        .map(|_| {
            let (client, next, failed) = (client.clone(), next.clone(), failed.clone());
            tokio::spawn(async move {
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= total {
                        break;
                    }
                    if let Err(e) = client.create(&account(n)).await {
                        eprintln!("  failed: {e}");
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.await?;
    }
    let elapsed = begin.elapsed().as_secs_f64();
    let snap = client.snapshot();
    show("client", &snap);
    let stats = s.stats();
    let landed = s.live_count(sandbox::RecordKind::Accounts) as u64 - before;
    let failures = failed.load(Ordering::Relaxed);
    println!(
        "  sandbox: {} requests, {} answered 429 ({:.1}%), {} creates committed, {landed} new accounts",
        stats.faults.requests,
        stats.faults.throttled,
        100.0 * stats.faults.throttled as f64 / stats.faults.requests.max(1) as f64,
        stats.creates_committed
    );
    println!(
        "  {total} creates in {elapsed:.1}s ({:.1} creates/s), failed: {failures}, lost: {}, duplicated: {}",
        total as f64 / elapsed,
        total.saturating_sub(landed),
        landed.saturating_sub(total)
    );
    let pass = failures == 0 && landed == total;
    println!(
        "  target: every create lands exactly once: {}",
        if pass { "MET" } else { "MISSED" }
    );
    s.shutdown().await?;
    Ok(pass)
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let a = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("throttle_bench: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let mut all = true;
    for (name, outcome) in [
        ("ceiling", ceiling(&a, CEILING, true).await),
        ("over the limit", ceiling(&a, CEILING * 1.5, false).await),
        ("throttled", throttled(&a).await),
    ] {
        match outcome {
            Ok(pass) => all &= pass,
            Err(e) => {
                eprintln!("{name}: {e}");
                all = false;
            }
        }
    }
    if all {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}
