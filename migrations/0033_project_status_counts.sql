-- How many applications each round has in each status, kept by a trigger on every insert,
-- status or round change and delete. The lists' status tabs read these few rows instead of
-- counting every application under the row-level policy (the province's list counted 5,000
-- rows at N = 10 on every page view); a filter on anything else than region, year and round
-- still counts the applications themselves.
CREATE TABLE project_status_counts (
    region_id  bigint NOT NULL REFERENCES regions (id),
    year       smallint NOT NULL,
    round_id   bigint NOT NULL,
    status     text NOT NULL,
    n          integer NOT NULL CHECK (n >= 0),
    CONSTRAINT project_status_counts_pkey PRIMARY KEY (region_id, year, round_id, status)
);

CREATE FUNCTION project_status_counts_keep() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE project_status_counts SET n = n - 1
        WHERE region_id = OLD.region_id AND year = OLD.year AND round_id = OLD.round_id AND status = OLD.status;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO project_status_counts (region_id, year, round_id, status, n)
        VALUES (NEW.region_id, NEW.year, NEW.round_id, NEW.status, 1)
        ON CONFLICT (region_id, year, round_id, status) DO UPDATE SET n = project_status_counts.n + 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER projects_status_counts AFTER INSERT OR DELETE OR UPDATE OF status, year, round_id ON projects
    FOR EACH ROW EXECUTE FUNCTION project_status_counts_keep();

-- What exists already.
SELECT set_config('app.scope', 'province', true);
INSERT INTO project_status_counts (region_id, year, round_id, status, n)
SELECT region_id, year, round_id, status, count(*) FROM projects GROUP BY 1, 2, 3, 4;

ALTER TABLE project_status_counts ENABLE ROW LEVEL SECURITY;
ALTER TABLE project_status_counts FORCE ROW LEVEL SECURITY;
CREATE POLICY project_status_counts_in_scope ON project_status_counts
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));
GRANT SELECT, INSERT, UPDATE ON project_status_counts TO prevention_app;
