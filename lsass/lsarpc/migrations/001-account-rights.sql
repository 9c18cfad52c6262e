-- [MS-LSAD] account objects: a SID holding privileges ("SeBackupPrivilege")
-- and logon rights ("SeNetworkLogonRight"), by name, as Windows' "User
-- Rights Assignment" shows them. Read and written by lsass/sam/rights.c
-- (sam.h); lsarpc serves them, and logon puts the privileges of the user and
-- of its groups into the access token. SIDs in string form.

CREATE TABLE lsa_accounts (
    sid TEXT PRIMARY KEY
) WITHOUT ROWID;

CREATE TABLE lsa_account_rights (
    sid TEXT NOT NULL REFERENCES lsa_accounts(sid) ON DELETE CASCADE,
    name TEXT NOT NULL,
    PRIMARY KEY (sid, name)
) WITHOUT ROWID;

CREATE INDEX lsa_account_rights_by_name ON lsa_account_rights(name);

-- What a Windows server assigns and Samewise's tokens always carried:
-- Administrators back up, restore, take ownership and manage auditing;
-- Everyone bypasses traverse checking; both, and Users, may log on over the
-- network.
INSERT INTO lsa_accounts(sid) VALUES ('S-1-5-32-544'), ('S-1-5-32-545'), ('S-1-1-0');
INSERT INTO lsa_account_rights(sid, name) VALUES
    ('S-1-5-32-544', 'SeBackupPrivilege'),
    ('S-1-5-32-544', 'SeRestorePrivilege'),
    ('S-1-5-32-544', 'SeTakeOwnershipPrivilege'),
    ('S-1-5-32-544', 'SeSecurityPrivilege'),
    ('S-1-5-32-544', 'SeNetworkLogonRight'),
    ('S-1-5-32-545', 'SeNetworkLogonRight'),
    ('S-1-1-0', 'SeChangeNotifyPrivilege'),
    ('S-1-1-0', 'SeNetworkLogonRight');
