-- Secrets of account providers (the LDAP bind password): in the registry,
-- which is 0600 like the SAM's NT hashes; never exported, logged or shown
-- (lsass/ldap/ldap_provider.h ldap_secret_set/get).
CREATE TABLE provider_secrets (
    provider TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (provider, name)
) WITHOUT ROWID;
