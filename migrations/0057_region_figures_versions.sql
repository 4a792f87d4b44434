-- A region's figures (the annual report's, which the home pages show) are counted over a dozen
-- tables; over fifteen regions that is too slow to do on every view of the province's home page.
-- Each instance keeps the figures it computed, and this counter says when a region's are stale:
-- every statement that writes a row the figures read raises the counter of each region it
-- touched, in the same transaction, so a reader sees the new counter exactly when it sees the
-- new rows (no window in which stale figures could be kept under a new counter). The values
-- come from a sequence, which a rollback does not give back: figures computed inside a
-- transaction that is then rolled back carry a value no committed state will ever have.
CREATE SEQUENCE region_figures_version_seq;
CREATE TABLE region_figures_versions (
    region_id  bigint PRIMARY KEY REFERENCES regions (id),
    version    bigint NOT NULL DEFAULT nextval('region_figures_version_seq')
);
INSERT INTO region_figures_versions (region_id) SELECT id FROM regions;

-- Raised by the writer's own statements, in its scope: whoever may write a region's rows may
-- raise its counter (as with the counters in project_status_counts).
ALTER TABLE region_figures_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE region_figures_versions FORCE ROW LEVEL SECURITY;
CREATE POLICY region_figures_versions_in_scope ON region_figures_versions
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));
GRANT SELECT, INSERT, UPDATE ON region_figures_versions TO prevention_app;
GRANT USAGE ON SEQUENCE region_figures_version_seq TO prevention_app;

-- One call per statement, whatever its row count (imports write thousands at once). The rows
-- are locked in region order so two transactions touching the same regions cannot deadlock.
CREATE FUNCTION bump_region_figures() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public, pg_temp
AS $$
BEGIN
    -- A transition table exists only for its events, so each event reads its own.
    IF TG_OP = 'INSERT' THEN
        INSERT INTO region_figures_versions AS v (region_id)
        SELECT DISTINCT region_id FROM new_rows ORDER BY region_id
        ON CONFLICT (region_id) DO UPDATE SET version = nextval('region_figures_version_seq');
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO region_figures_versions AS v (region_id)
        SELECT region_id FROM new_rows UNION SELECT region_id FROM old_rows ORDER BY region_id
        ON CONFLICT (region_id) DO UPDATE SET version = nextval('region_figures_version_seq');
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO region_figures_versions AS v (region_id)
        SELECT DISTINCT region_id FROM old_rows ORDER BY region_id
        ON CONFLICT (region_id) DO UPDATE SET version = nextval('region_figures_version_seq');
    ELSE
        UPDATE region_figures_versions SET version = nextval('region_figures_version_seq');
    END IF;
    RETURN NULL;
END
$$;

-- PostgreSQL allows transition tables on one event per trigger, hence three per table. The
-- tables are the figures' sources (projects and the training tables, not the counters their
-- own triggers keep, which change row by row).
DO $$
DECLARE
    source text;
BEGIN
    FOREACH source IN ARRAY ARRAY[
        'plans', 'rosters', 'meetings', 'meeting_action_items', 'joint_inspections', 'findings',
        'notices', 'fee_incomes', 'fee_rates', 'fee_budgets', 'fee_entries', 'fee_payments',
        'projects', 'employers', 'trained_people', 'training_tallies', 'region_key_industries',
        'publicity_events', 'technical_schools', 'injury_statistics']
    LOOP
        EXECUTE format('CREATE TRIGGER %1$s_figures_inserted AFTER INSERT ON %1$I
                            REFERENCING NEW TABLE AS new_rows
                            FOR EACH STATEMENT EXECUTE FUNCTION bump_region_figures()', source);
        EXECUTE format('CREATE TRIGGER %1$s_figures_updated AFTER UPDATE ON %1$I
                            REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
                            FOR EACH STATEMENT EXECUTE FUNCTION bump_region_figures()', source);
        EXECUTE format('CREATE TRIGGER %1$s_figures_deleted AFTER DELETE ON %1$I
                            REFERENCING OLD TABLE AS old_rows
                            FOR EACH STATEMENT EXECUTE FUNCTION bump_region_figures()', source);
        EXECUTE format('CREATE TRIGGER %1$s_figures_truncated AFTER TRUNCATE ON %1$I
                            FOR EACH STATEMENT EXECUTE FUNCTION bump_region_figures()', source);
    END LOOP;
END
$$;
