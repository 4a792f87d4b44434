-- Row-level security on region tables. The store opens every transaction for an actor and sets
-- app.scope ('region' or 'province') and app.region_id first; a transaction that set nothing
-- sees nothing and can write nothing. Settings read back as '' after a transaction that used
-- them, hence NULLIF.
CREATE FUNCTION app_region_visible(row_region_id bigint) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT CASE NULLIF(current_setting('app.scope', true), '')
        WHEN 'province' THEN true
        WHEN 'region' THEN
            row_region_id = NULLIF(current_setting('app.region_id', true), '')::bigint
        ELSE false
    END
$$;

-- FORCE: the owner is bound too; the province-file seeder sets the province scope.
ALTER TABLE departments ENABLE ROW LEVEL SECURITY;
ALTER TABLE departments FORCE ROW LEVEL SECURITY;
CREATE POLICY departments_in_scope ON departments
    USING (app_region_visible(region_id))
    WITH CHECK (app_region_visible(region_id));
