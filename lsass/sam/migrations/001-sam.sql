-- The SAM: the machine domain, local users, local groups and built-in aliases,
-- and group membership. Names are compared case-insensitively through
-- name_key (the name upper-cased by the SAM with Unicode simple case mapping;
-- SQLite's NOCASE folds ASCII only). The machine SID and built-in aliases are
-- made by sam_init() (lwadmin init), since a random SID needs C code.

CREATE TABLE sam_domain (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    sid TEXT NOT NULL,
    next_rid INTEGER NOT NULL CHECK (next_rid >= 1000),
    created INTEGER NOT NULL
);

CREATE TABLE sam_users (
    rid INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    nt_hash BLOB CHECK (nt_hash IS NULL OR length(nt_hash) = 16),
    flags INTEGER NOT NULL,
    full_name TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    created INTEGER NOT NULL,
    password_last_set INTEGER NOT NULL DEFAULT 0,
    last_logon INTEGER NOT NULL DEFAULT 0,
    bad_password_count INTEGER NOT NULL DEFAULT 0,
    last_bad_password INTEGER NOT NULL DEFAULT 0,
    lockout_time INTEGER NOT NULL DEFAULT 0
);

-- Built-in aliases (builtin = 1) have their well-known RIDs (544, 545, 546) in
-- S-1-5-32; local groups take RIDs from the same counter as users (>= 1000).
CREATE TABLE sam_groups (
    rid INTEGER PRIMARY KEY,
    builtin INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1)),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT ''
);

-- Members are SIDs in string form: local users, or well-known / foreign SIDs.
CREATE TABLE sam_members (
    group_rid INTEGER NOT NULL REFERENCES sam_groups(rid) ON DELETE CASCADE,
    member_sid TEXT NOT NULL,
    PRIMARY KEY (group_rid, member_sid)
) WITHOUT ROWID;

CREATE INDEX sam_members_by_sid ON sam_members(member_sid);
