-- 0002: the watch list of the edge worker's Cron Trigger: the domains it checks, oldest-checked first.
-- Plain SQLite (no extensions, no PRAGMA), like 0001: Cloudflare D1 applies it with
-- `wrangler d1 migrations apply`; the CLI, which takes its domains from the command line, needs no such table.
-- Adding a domain is an operator's action (`wrangler d1 execute`, or the worker's POST /api/watch with
-- the WATCH_TOKEN secret), never the public's.

CREATE TABLE watched (
    -- As `Domain::parse` normalises it (lower case, IDNA A-labels, no trailing dot).
    domain TEXT PRIMARY KEY,
    -- Unix seconds.
    added_at INTEGER NOT NULL,
    -- Unix seconds of the latest scheduled check; NULL until the first one (checked first).
    last_checked_at INTEGER
);

CREATE INDEX watched_by_last_check ON watched (last_checked_at, domain);
