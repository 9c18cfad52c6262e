-- The settings tree: Windows-style keys and typed values.
CREATE TABLE keys (
    id INTEGER PRIMARY KEY,
    parent INTEGER REFERENCES keys(id) ON DELETE CASCADE,
    name TEXT NOT NULL COLLATE NOCASE,
    UNIQUE (parent, name)
);
INSERT INTO keys (id, parent, name) VALUES (1, NULL, '');
CREATE TABLE reg_values (
    key INTEGER NOT NULL REFERENCES keys(id) ON DELETE CASCADE,
    name TEXT NOT NULL COLLATE NOCASE,
    type INTEGER NOT NULL,
    data,
    changed_at INTEGER NOT NULL,
    PRIMARY KEY (key, name)
);
