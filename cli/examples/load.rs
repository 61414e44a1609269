//! A small HTTP load generator for `mta-sts serve` (no wrk or oha needed): C keep-alive connections
//! send R requests in all to `/api/observe`, each for a different fixture domain; prints requests/s,
//! p50/p99 latency and the number of non-200 answers.

// Counts and latencies here are far below 2^52; the float conversions only format figures.
#![allow(clippy::cast_precision_loss, clippy::cast_sign_loss, clippy::cast_possible_truncation)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Empty};
use hyper_util::rt::TokioIo;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let addr = args.get(1).expect("usage: load ADDR CONNECTIONS REQUESTS").clone();
    let connections: usize = args.get(2).map_or(200, |a| a.parse().unwrap());
    let requests: usize = args.get(3).map_or(10_000, |a| a.parse().unwrap());
    let next = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (addr, next, errors) = (addr.clone(), next.clone(), errors.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
            let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.unwrap();
            tokio::spawn(connection);
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= requests {
                    break;
                }
                let request = hyper::Request::get(format!("/api/observe?domain=d{}.bench.test", i % 2000))
                    .header("host", &addr)
                    .body(Empty::<Bytes>::new())
                    .unwrap();
                let sent = Instant::now();
                let Ok(response) = sender.send_request(request).await else {
                    errors.fetch_add(1, Ordering::Relaxed);
                    break;
                };
                let ok = response.status() == 200;
                let _ = response.into_body().collect().await;
                if !ok {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
                latencies.push(sent.elapsed());
            }
            latencies
        }));
    }
    let mut latencies: Vec<Duration> = Vec::new();
    for task in tasks {
        latencies.extend(task.await.unwrap());
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let at = |q: f64| latencies.get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)));
    println!(
        "serve: {} requests over {connections} connections in {:.1}s = {:.0} requests/s, p50 {:?}, p99 {:?}, {} errors",
        latencies.len(),
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        at(0.50).copied().unwrap_or_default(),
        at(0.99).copied().unwrap_or_default(),
        errors.load(Ordering::Relaxed)
    );
}
