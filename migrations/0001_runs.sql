-- 0001: the runs of `mta-sts monitor`, one row per domain and run, and the changes each run found.
-- Plain SQLite (no extensions, no PRAGMA), so that Cloudflare D1 can apply this same file.
-- Applied once, in order; `schema_version` records which files a database has.

CREATE TABLE schema_version (
    version INTEGER PRIMARY KEY,
    applied_at INTEGER NOT NULL
);

-- Each distinct policy body once: most runs of a domain see the same file.
CREATE TABLE policy_bodies (
    id INTEGER PRIMARY KEY,
    body BLOB NOT NULL UNIQUE
);

CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    domain TEXT NOT NULL,
    -- Unix seconds.
    checked_at INTEGER NOT NULL,
    -- The report's verdict: enforce, testing, none, not-deployed, invalid, lookup-failed.
    verdict TEXT NOT NULL,
    -- The id of the _mta-sts record, when one was usable.
    record_id TEXT,
    -- The policy body as fetched (any status), when a response arrived.
    policy_body_id INTEGER REFERENCES policy_bodies(id),
    -- How many runs in a row, up to this one, could not fetch the policy.
    fetch_failures INTEGER NOT NULL DEFAULT 0,
    -- The whole report (JSON), as `mta-sts check --json` prints it.
    report TEXT NOT NULL
);

CREATE INDEX runs_by_domain ON runs (domain, checked_at, id);

CREATE TABLE changes (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    position INTEGER NOT NULL,
    code TEXT NOT NULL,
    severity TEXT NOT NULL,
    message TEXT NOT NULL,
    fix TEXT NOT NULL,
    PRIMARY KEY (run_id, position)
);
