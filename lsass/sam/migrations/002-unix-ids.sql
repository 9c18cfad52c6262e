-- Unix ids of SAM accounts (lsass/idmap/idmap.h). An account's id is given
-- when the account is made, FIRST + RID of lsass.id-range at that time, and
-- kept here so that a later change of the range moves no one. That setting
-- did not exist before this step, so accounts made earlier get the default
-- range's ids (1000000 + RID).
--
-- sam_domain.id_base: the range's FIRST when the SAM got its ids; the
-- accounts without a row (Guest 501, None 513, Domain Guests 514, anonymous
-- 0) take id_base + RID from it. NULL until sam_init() on a new SAM.
--
-- sam_users.unix_account: the Unix account an administrator mapped the user
-- to (NULL: none, the user acts as its own uid). Accounts made before this
-- step are marked '' ("not settled"): they acted as the Unix account of the
-- same name when one existed, and the SAM settles them to that mapping or to
-- none when it next opens them for ids (sam_ids_settle, C code: it needs
-- getpwnam).

ALTER TABLE sam_domain ADD COLUMN id_base INTEGER;
UPDATE sam_domain SET id_base = 1000000;

ALTER TABLE sam_users ADD COLUMN uid INTEGER;
ALTER TABLE sam_users ADD COLUMN unix_account TEXT;
UPDATE sam_users SET uid = 1000000 + rid, unix_account = '';

ALTER TABLE sam_groups ADD COLUMN gid INTEGER;
UPDATE sam_groups SET gid = 1000000 + rid;

CREATE UNIQUE INDEX sam_users_by_uid ON sam_users(uid);
CREATE UNIQUE INDEX sam_groups_by_gid ON sam_groups(gid);
-- Two SAM users never act as one Unix account.
CREATE UNIQUE INDEX sam_users_by_unix_account ON sam_users(unix_account)
    WHERE unix_account IS NOT NULL AND unix_account <> '';
