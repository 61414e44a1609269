//! The monitor's SQLite database: every run of every domain, its report and the changes it found.
//!
//! The schema is the SQL files in `migrations/` at the repository root, applied in order and recorded in
//! `schema_version`; they are plain SQLite so that Cloudflare D1 can apply the same files. One writer (the
//! monitor's main task), WAL mode, one transaction per domain run: a run killed at any point loses no run
//! that was committed and leaves the database consistent.

use std::io::Read as _;
use std::path::Path;
use std::time::Duration;

use mta_sts::Report;
use mta_sts::compare::Change;
pub(crate) use mta_sts::history::History;
use mta_sts::history::RunEntry;
use rusqlite::{Connection, OpenFlags, OptionalExtension as _, TransactionBehavior, params};

use crate::Failure;
use crate::render::clean;

/// The migrations, in order: `(version, SQL)`.
const MIGRATIONS: &[(i64, &str)] = &[(1, include_str!("../../migrations/0001_runs.sql"))];

/// The first 16 bytes of every SQLite database file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

pub(crate) struct Store {
    conn: Connection,
}

fn label(path: &Path) -> String {
    clean(&path.display().to_string())
}

fn db_error(path: &Path, e: &rusqlite::Error) -> Failure {
    Failure(format!("cannot use the database {}: {e}. Check the file, or give --db a new file.", label(path)))
}

/// Refuses, in one sentence, a file that is not SQLite or is SQLite without our schema.
fn check_foreign(path: &Path, conn: &Connection) -> Result<(), Failure> {
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .and_then(|mut s| s.query_map([], |row| row.get(0))?.collect())
        .map_err(|_| not_ours(path, "it is not an SQLite database"))?;
    if !tables.is_empty() && !tables.iter().any(|t| t == "schema_version") {
        return Err(not_ours(path, "it is an SQLite database of something else"));
    }
    Ok(())
}

fn not_ours(path: &Path, why: &str) -> Failure {
    Failure(format!(
        "{} is not an mta-sts monitor database ({why}); give --db a new file name or one that `mta-sts monitor` wrote.",
        label(path)
    ))
}

/// A non-empty file that does not start as SQLite files do is not one.
fn check_header(path: &Path) -> Result<(), Failure> {
    let Ok(mut file) = std::fs::File::open(path) else { return Ok(()) };
    let mut head = Vec::with_capacity(16);
    let _ = file.by_ref().take(16).read_to_end(&mut head);
    if head.is_empty() || head == SQLITE_HEADER { Ok(()) } else { Err(not_ours(path, "it is not an SQLite database")) }
}

/// SQLite integers are signed; Unix seconds fit.
fn sql_time(unix: u64) -> i64 {
    i64::try_from(unix).unwrap_or(i64::MAX)
}

fn unix_time(sql: i64) -> u64 {
    u64::try_from(sql).unwrap_or(0)
}

/// A code or severity stored as its JSON string.
fn decode<T: serde::de::DeserializeOwned>(text: String, column: usize) -> rusqlite::Result<T> {
    serde_json::from_value(serde_json::Value::String(text))
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, Box::new(e)))
}

/// What recording one domain's run found.
pub(crate) struct Recorded {
    pub(crate) first_run: bool,
    pub(crate) changes: Vec<Change>,
}

impl Store {
    /// Opens (creating if needed) and migrates the database for writing.
    pub(crate) fn open(path: &Path) -> Result<Store, Failure> {
        check_header(path)?;
        let conn = Connection::open(path).map_err(|e| db_error(path, &e))?;
        conn.busy_timeout(Duration::from_secs(30)).map_err(|e| db_error(path, &e))?;
        check_foreign(path, &conn)?;
        // WAL: readers (`history`, `serve`) never block the writer, and a killed writer leaves no torn page.
        let mode: String =
            conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0)).map_err(|e| db_error(path, &e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Failure(format!("cannot switch {} to WAL mode (it is in {mode} mode).", label(path))));
        }
        // In WAL mode NORMAL syncs at checkpoints, not at every commit: a killed monitor still loses no
        // committed run, only a power cut can undo the last few, and the database stays consistent either
        // way. An fsync per domain run had made a monitor run over 2,000 domains three times slower than
        // `check` (scripts/bench-monitor.sh).
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(|e| db_error(path, &e))?;
        let mut store = Store { conn };
        store.migrate(path)?;
        Ok(store)
    }

    /// Opens an existing database for reading only.
    pub(crate) fn open_read_only(path: &Path) -> Result<Store, Failure> {
        if !path.exists() {
            return Err(Failure(format!(
                "there is no database at {}; run `mta-sts monitor --db {}` first.",
                label(path),
                label(path)
            )));
        }
        check_header(path)?;
        let conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
                .map_err(|e| db_error(path, &e))?;
        conn.busy_timeout(Duration::from_secs(30)).map_err(|e| db_error(path, &e))?;
        check_foreign(path, &conn)?;
        let store = Store { conn };
        if store.version().map_err(|e| db_error(path, &e))? == 0 {
            return Err(not_ours(path, "it has no runs table"));
        }
        Ok(store)
    }

    fn version(&self) -> rusqlite::Result<i64> {
        let exists: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version')",
            [],
            |row| row.get(0),
        )?;
        if !exists {
            return Ok(0);
        }
        self.conn.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_version", [], |row| row.get(0))
    }

    fn migrate(&mut self, path: &Path) -> Result<(), Failure> {
        let current = self.version().map_err(|e| db_error(path, &e))?;
        let newest = MIGRATIONS.last().map_or(0, |m| m.0);
        if current > newest {
            return Err(Failure(format!(
                "{} was written by a newer mta-sts (schema version {current}, this one knows {newest}); upgrade mta-sts.",
                label(path)
            )));
        }
        for (version, sql) in MIGRATIONS.iter().filter(|m| m.0 > current) {
            let tx =
                self.conn.transaction_with_behavior(TransactionBehavior::Exclusive).map_err(|e| db_error(path, &e))?;
            tx.execute_batch(sql).map_err(|e| db_error(path, &e))?;
            tx.execute(
                "INSERT INTO schema_version (version, applied_at) VALUES (?1, ?2)",
                params![version, sql_time(crate::unix_now())],
            )
            .map_err(|e| db_error(path, &e))?;
            tx.commit().map_err(|e| db_error(path, &e))?;
        }
        Ok(())
    }

    /// Compares the run with the domain's previous one and stores both, in one transaction.
    ///
    /// The baseline is the latest run whose lookups did not fail: a failed lookup says nothing about the
    /// domain, so it is stored, compared with nothing, and carries the fetch-failure streak unchanged.
    pub(crate) fn record(
        &mut self,
        report: &Report,
        policy_body: Option<&[u8]>,
        checked_at: u64,
        cert_warn_days: u32,
    ) -> rusqlite::Result<Recorded> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let baseline: Option<(String, u64)> = tx
            .prepare_cached(
                "SELECT report, checked_at FROM runs WHERE domain = ?1 AND verdict != 'lookup-failed' \
                 ORDER BY checked_at DESC, id DESC LIMIT 1",
            )?
            .query_row([&report.domain], |row| Ok((row.get(0)?, unix_time(row.get(1)?))))
            .optional()?;
        let streak: u32 = tx
            .prepare_cached(
                "SELECT fetch_failures FROM runs WHERE domain = ?1 ORDER BY checked_at DESC, id DESC LIMIT 1",
            )?
            .query_row([&report.domain], |row| row.get(0))
            .optional()?
            .unwrap_or(0);
        let previous = baseline.and_then(|(json, at)| Some((serde_json::from_str::<Report>(&json).ok()?, at)));
        let step = mta_sts::history::step(
            previous.as_ref().map(|(r, at)| (r, *at)),
            streak,
            report,
            checked_at,
            cert_warn_days,
        );
        let (first_run, changes, new_streak) = (step.first_run, step.changes, step.fetch_failures);
        let body_id: Option<i64> = match policy_body {
            Some(body) => {
                tx.prepare_cached("INSERT OR IGNORE INTO policy_bodies (body) VALUES (?1)")?.execute([body])?;
                Some(
                    tx.prepare_cached("SELECT id FROM policy_bodies WHERE body = ?1")?
                        .query_row([body], |row| row.get(0))?,
                )
            }
            None => None,
        };
        let json = serde_json::to_string(report).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        tx.prepare_cached(
            "INSERT INTO runs (domain, checked_at, verdict, record_id, policy_body_id, fetch_failures, report) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            report.domain,
            sql_time(checked_at),
            report.verdict.as_str(),
            report.record.as_ref().map(|r| r.id.as_str()),
            body_id,
            new_streak,
            json
        ])?;
        let run_id = tx.last_insert_rowid();
        let mut insert_change = tx.prepare_cached(
            "INSERT INTO changes (run_id, position, code, severity, message, fix) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for (position, change) in changes.iter().enumerate() {
            insert_change.execute(params![
                run_id,
                i64::try_from(position).unwrap_or(i64::MAX),
                change.code.as_str(),
                change.severity.as_str(),
                change.message,
                change.fix
            ])?;
        }
        drop(insert_change);
        tx.commit()?;
        Ok(Recorded { first_run, changes })
    }

    /// The domain's timeline; `None` when it has no run.
    pub(crate) fn history(&self, domain: &str) -> rusqlite::Result<Option<History>> {
        let mut statement = self.conn.prepare(
            "SELECT r.id, r.checked_at, r.verdict, r.record_id, r.fetch_failures, b.body FROM runs r \
             LEFT JOIN policy_bodies b ON b.id = r.policy_body_id WHERE r.domain = ?1 ORDER BY r.checked_at, r.id",
        )?;
        let rows = statement.query_map([domain], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                unix_time(row.get::<_, i64>(1)?),
                row.get::<_, String>(2)?,
                row.get::<_, Option<String>>(3)?,
                row.get::<_, u32>(4)?,
                row.get::<_, Option<Vec<u8>>>(5)?,
            ))
        })?;
        let mut changes_of = self
            .conn
            .prepare("SELECT code, severity, message, fix FROM changes WHERE run_id = ?1 ORDER BY position")?;
        let mut runs = Vec::new();
        for row in rows {
            let (id, checked_at, verdict, record_id, fetch_failures, body) = row?;
            let body = body.map(|b| String::from_utf8_lossy(&b).into_owned());
            let changes = changes_of
                .query_map([id], |row| {
                    let text = |i: usize| row.get::<_, String>(i);
                    Ok(Change {
                        code: decode(text(0)?, 0)?,
                        severity: decode(text(1)?, 1)?,
                        message: text(2)?,
                        fix: text(3)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<Change>>>()?;
            runs.push((RunEntry { checked_at, verdict, record_id, fetch_failures, changes }, body));
        }
        Ok(mta_sts::history::history(domain, runs))
    }
}
