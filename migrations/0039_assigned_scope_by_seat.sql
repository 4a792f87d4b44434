-- The `assigned` scope, cheaper: measured on `seed --scale 10`, the expert's review page ran at a
-- third of a city officer's because the policies of applicants, rounds, criteria and the region's
-- key industries asked "is there a project of this row that the expert sits on" through the
-- projects' own policy, a function call per project of the round or region. The expert's pool
-- entry is now read once per statement (an init plan: `(SELECT app_expert_region())`), and
-- those policies start from the expert's own seats (a handful, by an index) instead.

-- The signed-in expert's pool entry: its region and id (NULL outside the `assigned` scope).
CREATE FUNCTION app_expert_region() RETURNS bigint
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT q.region_id FROM account_requests q
    WHERE current_setting('app.scope', true) = 'assigned' AND q.kind = 'expert'
      AND q.account_id = NULLIF(current_setting('app.account_id', true), '')::bigint
$$;
CREATE FUNCTION app_expert_id() RETURNS bigint
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT q.subject_id FROM account_requests q
    WHERE current_setting('app.scope', true) = 'assigned' AND q.kind = 'expert'
      AND q.account_id = NULLIF(current_setting('app.account_id', true), '')::bigint
$$;

CREATE INDEX panel_members_expert_idx ON panel_members (region_id, expert_id) WHERE replaced_by IS NULL;

-- Same meaning as before (0036), from the expert's seats.
CREATE OR REPLACE FUNCTION app_own_expert(row_region_id bigint, row_expert_id bigint) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT row_region_id = app_expert_region() AND row_expert_id = app_expert_id()
$$;
CREATE OR REPLACE FUNCTION app_assigned(row_region_id bigint, row_project_id bigint) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT row_region_id = app_expert_region() AND EXISTS (
        SELECT 1 FROM panel_members m
        WHERE m.region_id = row_region_id AND m.project_id = row_project_id
          AND m.expert_id = app_expert_id() AND m.replaced_by IS NULL)
$$;

DROP POLICY panel_members_own ON panel_members;
CREATE POLICY panel_members_own ON panel_members FOR SELECT
    USING (region_id = (SELECT app_expert_region()) AND expert_id = (SELECT app_expert_id()));
DROP POLICY experts_own ON experts;
CREATE POLICY experts_own ON experts FOR SELECT
    USING (region_id = (SELECT app_expert_region()) AND id = (SELECT app_expert_id()));
DROP POLICY projects_assigned ON projects;
CREATE POLICY projects_assigned ON projects FOR SELECT USING (
    region_id = (SELECT app_expert_region())
    AND EXISTS (SELECT 1 FROM panel_members m
                WHERE m.region_id = projects.region_id AND m.project_id = projects.id
                  AND m.expert_id = (SELECT app_expert_id()) AND m.replaced_by IS NULL));

DROP POLICY applicants_assigned ON applicants;
CREATE POLICY applicants_assigned ON applicants FOR SELECT USING (
    region_id = (SELECT app_expert_region())
    AND EXISTS (SELECT 1 FROM panel_members m JOIN projects p ON p.region_id = m.region_id AND p.id = m.project_id
                WHERE m.region_id = applicants.region_id AND m.expert_id = (SELECT app_expert_id())
                  AND m.replaced_by IS NULL AND p.applicant_id = applicants.id));
DROP POLICY project_rounds_assigned ON project_rounds;
CREATE POLICY project_rounds_assigned ON project_rounds FOR SELECT USING (
    region_id = (SELECT app_expert_region())
    AND EXISTS (SELECT 1 FROM panel_members m JOIN projects p ON p.region_id = m.region_id AND p.id = m.project_id
                WHERE m.region_id = project_rounds.region_id AND m.expert_id = (SELECT app_expert_id())
                  AND m.replaced_by IS NULL AND p.round_id = project_rounds.id));
DROP POLICY round_criteria_assigned ON round_criteria;
CREATE POLICY round_criteria_assigned ON round_criteria FOR SELECT USING (
    region_id = (SELECT app_expert_region())
    AND EXISTS (SELECT 1 FROM panel_members m JOIN projects p ON p.region_id = m.region_id AND p.id = m.project_id
                WHERE m.region_id = round_criteria.region_id AND m.expert_id = (SELECT app_expert_id())
                  AND m.replaced_by IS NULL AND p.round_id = round_criteria.round_id));
-- An expert sits on panels of their own region only (a region draws from its own pool).
DROP POLICY region_key_industries_assigned ON region_key_industries;
CREATE POLICY region_key_industries_assigned ON region_key_industries FOR SELECT
    USING (region_id = (SELECT app_expert_region()));
