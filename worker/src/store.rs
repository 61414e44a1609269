//! The worker's history in D1: the watch list, every run of a watched domain with the changes it found,
//! and the timeline `GET /api/history` serves. The schema is `migrations/` at the repository root (the
//! CLI's SQLite files); the changes and the timeline are the core's ([`mta_sts::history`]).

use std::collections::BTreeMap;

use mta_sts::Report;
use mta_sts::compare::{Change, ChangeCode};
use mta_sts::history::{self, History, RunEntry};
use mta_sts::{Domain, Severity};
use serde::Deserialize;
use worker::js_sys::Uint8Array;
use worker::wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, Result};

use crate::shape;

/// The policy host's certificate is not seen at the edge; the window only matters where it is.
const CERT_WARN_DAYS: u32 = 14;

fn int(value: u64) -> JsValue {
    // D1 takes numbers as JavaScript doubles: exact for Unix seconds and counts.
    #[allow(clippy::cast_precision_loss)]
    JsValue::from_f64(value as f64)
}

fn text(value: &str) -> JsValue {
    JsValue::from_str(value)
}

fn opt_text(value: Option<&str>) -> JsValue {
    value.map_or(JsValue::NULL, JsValue::from_str)
}

/// Up to `limit` watched domains, those checked longest ago (or never) first, as stored.
pub(crate) async fn watched(db: &D1Database, limit: u32) -> Result<Vec<String>> {
    #[derive(Deserialize)]
    struct Row {
        domain: String,
    }
    let rows = db
        .prepare("SELECT domain FROM watched ORDER BY last_checked_at, domain LIMIT ?1")
        .bind(&[int(u64::from(limit))])?
        .all()
        .await?
        .results::<Row>()?;
    Ok(rows.into_iter().map(|r| r.domain).collect())
}

/// Marks a watched entry checked without a run (an entry that is not a domain), so that it does not
/// hold the others up.
pub(crate) async fn skip(db: &D1Database, entry: &str, now: u64) -> Result<()> {
    db.prepare("UPDATE watched SET last_checked_at = ?2 WHERE domain = ?1")
        .bind(&[text(entry), int(now)])?
        .run()
        .await?;
    Ok(())
}

/// Adds `domain` to the watch list; `false` when it was there already.
pub(crate) async fn watch(db: &D1Database, domain: &Domain, now: u64) -> Result<bool> {
    let result = db
        .prepare("INSERT INTO watched (domain, added_at) VALUES (?1, ?2) ON CONFLICT (domain) DO NOTHING")
        .bind(&[text(domain.as_str()), int(now)])?
        .run()
        .await?;
    Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) > 0)
}

/// Removes `domain` from the watch list (its stored runs stay); `false` when it was not there.
pub(crate) async fn unwatch(db: &D1Database, domain: &Domain) -> Result<bool> {
    let result = db.prepare("DELETE FROM watched WHERE domain = ?1").bind(&[text(domain.as_str())])?.run().await?;
    Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) > 0)
}

/// Compares the run with the domain's stored ones (as `mta-sts monitor` does) and stores it, its changes
/// and the watch entry's check time in one D1 batch: a run is stored whole or not at all.
pub(crate) async fn record(
    db: &D1Database,
    entry: &str,
    report: &Report,
    policy_body: Option<&[u8]>,
    now: u64,
) -> Result<Vec<Change>> {
    #[derive(Deserialize)]
    struct Baseline {
        report: String,
        checked_at: u64,
    }
    let domain = text(&report.domain);
    let baseline: Option<Baseline> = db
        .prepare(
            "SELECT report, checked_at FROM runs WHERE domain = ?1 AND verdict != 'lookup-failed' \
             ORDER BY checked_at DESC, id DESC LIMIT 1",
        )
        .bind(std::slice::from_ref(&domain))?
        .first(None)
        .await?;
    let streak: Option<u32> = db
        .prepare("SELECT fetch_failures FROM runs WHERE domain = ?1 ORDER BY checked_at DESC, id DESC LIMIT 1")
        .bind(std::slice::from_ref(&domain))?
        .first(Some("fetch_failures"))
        .await?;
    let previous = baseline.and_then(|b| Some((serde_json::from_str::<Report>(&b.report).ok()?, b.checked_at)));
    let step =
        history::step(previous.as_ref().map(|(r, at)| (r, *at)), streak.unwrap_or(0), report, now, CERT_WARN_DAYS);

    let json = serde_json::to_string(report).map_err(|e| worker::Error::RustError(e.to_string()))?;
    let mut batch: Vec<D1PreparedStatement> = Vec::new();
    let body = match policy_body {
        Some(bytes) => {
            // An ArrayBuffer is stored as a BLOB, the bytes as fetched.
            let buffer: JsValue = Uint8Array::from(bytes).buffer().into();
            batch.push(
                db.prepare("INSERT OR IGNORE INTO policy_bodies (body) VALUES (?1)")
                    .bind(std::slice::from_ref(&buffer))?,
            );
            buffer
        }
        None => JsValue::NULL,
    };
    batch.push(
        db.prepare(
            "INSERT INTO runs (domain, checked_at, verdict, record_id, policy_body_id, fetch_failures, report) \
             VALUES (?1, ?2, ?3, ?4, (SELECT id FROM policy_bodies WHERE body = ?5), ?6, ?7)",
        )
        .bind(&[
            domain.clone(),
            int(now),
            text(report.verdict.as_str()),
            opt_text(report.record.as_ref().map(|r| r.id.as_str())),
            body,
            int(u64::from(step.fetch_failures)),
            text(&json),
        ])?,
    );
    // The batch runs as one transaction: the run just inserted has the domain's highest id.
    let change = db.prepare(
        "INSERT INTO changes (run_id, position, code, severity, message, fix) \
         VALUES ((SELECT MAX(id) FROM runs WHERE domain = ?1), ?2, ?3, ?4, ?5, ?6)",
    );
    for (position, c) in step.changes.iter().enumerate() {
        batch.push(change.clone().bind(&[
            domain.clone(),
            int(position as u64),
            text(c.code.as_str()),
            text(c.severity.as_str()),
            text(&c.message),
            text(&c.fix),
        ])?);
    }
    batch.push(db.prepare("UPDATE watched SET last_checked_at = ?2 WHERE domain = ?1").bind(&[text(entry), int(now)])?);
    db.batch(batch).await?;
    Ok(step.changes)
}

/// The domain's timeline, the JSON of `mta-sts history --json`; `None` when no run is stored.
pub(crate) async fn history(db: &D1Database, domain: &Domain) -> Result<Option<History>> {
    #[derive(Deserialize)]
    struct RunRow {
        id: i64,
        checked_at: u64,
        verdict: String,
        record_id: Option<String>,
        fetch_failures: u32,
        // hex(): the stored bytes exactly, whatever D1 would make of a BLOB.
        body_hex: Option<String>,
    }
    #[derive(Deserialize)]
    struct ChangeRow {
        run_id: i64,
        code: ChangeCode,
        severity: Severity,
        message: String,
        fix: String,
    }
    let name = [text(domain.as_str())];
    let runs = db
        .prepare(
            "SELECT r.id, r.checked_at, r.verdict, r.record_id, r.fetch_failures, \
             CASE WHEN b.body IS NULL THEN NULL ELSE hex(b.body) END AS body_hex \
             FROM runs r LEFT JOIN policy_bodies b ON b.id = r.policy_body_id \
             WHERE r.domain = ?1 ORDER BY r.checked_at, r.id",
        )
        .bind(&name)?
        .all()
        .await?
        .results::<RunRow>()?;
    if runs.is_empty() {
        return Ok(None);
    }
    let mut changes: BTreeMap<i64, Vec<Change>> = BTreeMap::new();
    for c in db
        .prepare(
            "SELECT c.run_id, c.code, c.severity, c.message, c.fix FROM changes c JOIN runs r ON r.id = c.run_id \
             WHERE r.domain = ?1 ORDER BY c.run_id, c.position",
        )
        .bind(&name)?
        .all()
        .await?
        .results::<ChangeRow>()?
    {
        let change = Change { code: c.code, severity: c.severity, message: c.message, fix: c.fix };
        changes.entry(c.run_id).or_default().push(change);
    }
    let entries: Vec<(RunEntry, Option<String>)> = runs
        .into_iter()
        .map(|run| {
            let body = run.body_hex.as_deref().map(|hex| String::from_utf8_lossy(&shape::unhex(hex)).into_owned());
            let entry = RunEntry {
                checked_at: run.checked_at,
                verdict: run.verdict,
                record_id: run.record_id,
                fetch_failures: run.fetch_failures,
                changes: changes.remove(&run.id).unwrap_or_default(),
            };
            (entry, body)
        })
        .collect();
    Ok(history::history(domain.as_str(), entries))
}
