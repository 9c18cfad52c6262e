-- The event log (docs/eventlog.md): Windows Event Viewer reads the audit table
-- over [MS-EVEN] as three logs. Each record belongs to one log (Application,
-- System or Security, chosen by its action when it is written) and carries
-- its number in that log: 1, 2, 3, ... in the order written, never changed
-- and never reused, so a reader's position stays valid while old records
-- are pruned (audit.max-records). The next number is one past the log's
-- largest; pruning keeps the newest records, so the largest stays.
ALTER TABLE audit ADD COLUMN log TEXT NOT NULL DEFAULT 'Application';
ALTER TABLE audit ADD COLUMN record INTEGER NOT NULL DEFAULT 0;
-- Rows written before this step: the same rule as registry_audit_log_of().
UPDATE audit SET log = CASE
    WHEN action LIKE 'daemon.%' THEN 'System'
    WHEN action LIKE 'user.%' OR action LIKE 'group.%' OR action LIKE 'share.%'
      OR action LIKE 'logon.%' OR action LIKE 'sam.%' OR action LIKE 'account.%' THEN 'Security'
    ELSE 'Application' END;
UPDATE audit SET record = numbered.n
    FROM (SELECT id, row_number() OVER (PARTITION BY log ORDER BY id) AS n FROM audit) AS numbered
    WHERE numbered.id = audit.id;
CREATE UNIQUE INDEX audit_log_record ON audit (log, record);
