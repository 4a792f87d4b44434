-- The auditor looks up one account's actions by its username (case-insensitive), newest first:
-- on a log of millions that needs an index of its own.
CREATE INDEX audit_log_username_idx ON audit_log (lower(username), occurred_at DESC);
