-- Schema versions of the other modules' tables (the registry's own version is
-- PRAGMA user_version): one row per module folder with migrations/.
CREATE TABLE schema_versions (
    module TEXT PRIMARY KEY,
    version INTEGER NOT NULL
);
