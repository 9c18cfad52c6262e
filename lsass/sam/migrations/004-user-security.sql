-- A user's own security descriptor, as samr's SetSecurityObject stores it
-- (self-relative bytes, [MS-DTYP] 2.4.6); NULL: the default every account
-- has. MMC's "User cannot change password" is a deny of
-- USER_CHANGE_PASSWORD to Everyone and SELF in it, which a user's own
-- change honours (sam_user_may_change_password).
ALTER TABLE sam_users ADD COLUMN security_descriptor BLOB;
