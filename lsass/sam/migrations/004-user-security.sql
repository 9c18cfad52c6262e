-- A user's own security descriptor, as samr's SetSecurityObject stores it
-- (self-relative bytes, [MS-DTYP] 2.4.6); NULL: the default every account
-- has. MMC's "User cannot change password" is a deny of
-- USER_CHANGE_PASSWORD to Everyone and SELF in it, which a user's own
-- change honours (sam_user_may_change_password).
ALTER TABLE sam_users ADD COLUMN security_descriptor BLOB;
-- The hours of the week (UTC, from Sunday 00:00; bit n of byte n/8 is hour
-- n, as [MS-SAMR] SAMPR_LOGON_HOURS has them at 168 units a week) in which
-- the account may log on: 21 bytes; NULL, every hour.
ALTER TABLE sam_users ADD COLUMN logon_hours BLOB CHECK (logon_hours IS NULL OR length(logon_hours) = 21);
