-- The auditor narrows the log by region (often with an action): an index that leads with the
-- region and then the time, which the search's order follows when a region is asked for.
CREATE INDEX audit_log_region_idx ON audit_log (region_id, occurred_at DESC);
