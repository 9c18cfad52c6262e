-- Shares ([MS-SRVS] SHARE_INFO_502 plus Samewise's flags). name is unique
-- case-insensitively (NOCASE covers ASCII; share_db.c also compares with
-- NTFS-style folding before it inserts). path is canonical ('' for IPC$);
-- sd is a self-relative security descriptor (NULL: no share-level check,
-- only IPC$). Times are Unix milliseconds.
CREATE TABLE shares (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    path TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    type INTEGER NOT NULL,
    flags INTEGER NOT NULL DEFAULT 0,
    max_uses INTEGER NOT NULL DEFAULT -1,
    sd BLOB,
    created_at INTEGER NOT NULL,
    changed_at INTEGER NOT NULL
);

-- IPC$ exists in every registry and cannot be deleted, whoever tries.
INSERT INTO shares (name, path, comment, type, flags, max_uses, sd, created_at, changed_at)
VALUES ('IPC$', '', 'Remote IPC', 3, 1073741824, -1, NULL,
        CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER),
        CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
CREATE TRIGGER shares_keep_ipc BEFORE DELETE ON shares
WHEN upper(old.name) = 'IPC$'
BEGIN
    SELECT RAISE(ABORT, 'IPC$ cannot be deleted');
END;
CREATE TRIGGER shares_keep_ipc_name BEFORE UPDATE OF name, type ON shares
WHEN upper(old.name) = 'IPC$' AND (upper(new.name) <> 'IPC$' OR new.type <> 3)
BEGIN
    SELECT RAISE(ABORT, 'IPC$ cannot be renamed or retyped');
END;
