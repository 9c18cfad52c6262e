-- What samr (MMC's user Properties: Profile, Account) keeps beside an
-- account's names and flags: home folder and drive, logon script, profile
-- path, the workstations it may log on from, a user comment, parameters,
-- country and code page, an expiry (an NT time, 100 ns since 1601, kept as
-- clients send it; 0 never). And the password history that
-- lsass.password-history checks a user's own change against: the NT hashes
-- of the passwords set, newest by the highest seq, trimmed to the 24
-- Windows allows at most. Rows go with their account.

ALTER TABLE sam_users ADD COLUMN home_directory TEXT NOT NULL DEFAULT '';
ALTER TABLE sam_users ADD COLUMN home_drive TEXT NOT NULL DEFAULT '';
ALTER TABLE sam_users ADD COLUMN script_path TEXT NOT NULL DEFAULT '';
ALTER TABLE sam_users ADD COLUMN profile_path TEXT NOT NULL DEFAULT '';
ALTER TABLE sam_users ADD COLUMN workstations TEXT NOT NULL DEFAULT '';
ALTER TABLE sam_users ADD COLUMN user_comment TEXT NOT NULL DEFAULT '';
ALTER TABLE sam_users ADD COLUMN account_expires INTEGER NOT NULL DEFAULT 0;
-- Parameters: the blob Remote Desktop Services' profile tab and RAS keep
-- (UTF-16 text on the wire, kept as its UTF-8); country and code page.
ALTER TABLE sam_users ADD COLUMN parameters TEXT NOT NULL DEFAULT '';
ALTER TABLE sam_users ADD COLUMN country_code INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sam_users ADD COLUMN code_page INTEGER NOT NULL DEFAULT 0;

CREATE TABLE sam_password_history (
    rid INTEGER NOT NULL REFERENCES sam_users(rid) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    nt_hash BLOB NOT NULL CHECK (length(nt_hash) = 16),
    PRIMARY KEY (rid, seq)
) WITHOUT ROWID;
