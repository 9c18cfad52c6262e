-- The audit log records refused attempts too (permission denied, validation
-- failed): outcome is 'ok' for a change that was made, 'refused' for an
-- attempt that changed nothing (detail then says why). Rows written before
-- this step were all changes that were made.
ALTER TABLE audit ADD COLUMN outcome TEXT NOT NULL DEFAULT 'ok';
