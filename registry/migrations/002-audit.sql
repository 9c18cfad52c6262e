-- The audit log: who changed what, when, through which front end.
-- at: Unix time in milliseconds; uid -1 when there is no local uid (rpc);
-- via: cli, yaml, console, rpc or daemon (checked in C, so a new front end
-- needs no table rebuild).
CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    uid INTEGER NOT NULL,
    user TEXT NOT NULL,
    via TEXT NOT NULL,
    source TEXT,
    action TEXT NOT NULL,
    object TEXT,
    detail TEXT
);
CREATE INDEX audit_at ON audit (at);
