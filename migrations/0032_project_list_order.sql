-- Project lists are newest-first by the last change: an index in that order per region (a
-- city's list, or any filter with a region) and across regions (the province's unfiltered
-- list), so a page reads its 20 rows instead of sorting every application.
CREATE INDEX projects_region_updated_idx ON projects (region_id, updated_at DESC, id DESC);
CREATE INDEX projects_updated_idx ON projects (updated_at DESC, id DESC);
