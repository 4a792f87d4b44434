-- Reference data (regions, cycles with their tasks and departments, the province's key
-- industries, the working-day calendar) changes seldom and is read on most pages, so each
-- instance keeps it in memory. This counter goes up with every change to it; the session
-- lookup every request already makes reads it, so an instance learns of a change made through
-- another one at no extra cost, and reloads.
CREATE TABLE reference_version (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    version    bigint NOT NULL DEFAULT 1
);
INSERT INTO reference_version DEFAULT VALUES;

-- Runs as its owner, so the runtime role needs no right to the counter beyond reading it.
CREATE FUNCTION bump_reference_version() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
    UPDATE reference_version SET version = version + 1 WHERE singleton;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION bump_reference_version() FROM PUBLIC;

CREATE TRIGGER regions_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON regions
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_version();
CREATE TRIGGER cycles_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON cycles
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_version();
CREATE TRIGGER cycle_tasks_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON cycle_tasks
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_version();
CREATE TRIGGER cycle_departments_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON cycle_departments
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_version();
CREATE TRIGGER key_industries_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON key_industries
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_version();
CREATE TRIGGER key_industry_divisions_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON key_industry_divisions
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_version();
CREATE TRIGGER calendar_days_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON calendar_days
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_version();
CREATE TRIGGER calendar_years_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON calendar_years
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_version();

GRANT SELECT ON reference_version TO prevention_app;
