-- The `assigned` scope, cheaper again: `scripts/bench` at N = 10 still measured the expert's
-- pages at 230–330 req/s (p99 135–175 ms). EXPLAIN showed the round's and the applicant's policies
-- walking every project of a round and asking the projects' policy of each (2,012 evaluations
-- for one list of 18 projects at N = 3). The expert's projects, rounds and applicants are now
-- read once per statement as arrays (init plans), and every policy of the scope compares with
-- them.

-- The projects whose panel the signed-in expert sits on (not replaced).
CREATE FUNCTION app_expert_projects() RETURNS bigint[]
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT coalesce(array_agg(m.project_id), '{}') FROM panel_members m
    WHERE m.region_id = app_expert_region() AND m.expert_id = app_expert_id() AND m.replaced_by IS NULL
$$;
-- Their rounds and applicants (read through the projects' policy below, itself one array).
CREATE FUNCTION app_expert_rounds() RETURNS bigint[]
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT coalesce(array_agg(DISTINCT p.round_id), '{}') FROM projects p
    WHERE p.region_id = app_expert_region() AND p.id = ANY (app_expert_projects())
$$;
CREATE FUNCTION app_expert_applicants() RETURNS bigint[]
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT coalesce(array_agg(DISTINCT p.applicant_id) FILTER (WHERE p.applicant_id IS NOT NULL), '{}') FROM projects p
    WHERE p.region_id = app_expert_region() AND p.id = ANY (app_expert_projects())
$$;

CREATE OR REPLACE FUNCTION app_assigned(row_region_id bigint, row_project_id bigint) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT row_region_id = app_expert_region() AND row_project_id = ANY (app_expert_projects())
$$;

DROP POLICY projects_assigned ON projects;
CREATE POLICY projects_assigned ON projects FOR SELECT
    USING (region_id = (SELECT app_expert_region()) AND id = ANY ((SELECT app_expert_projects())::bigint[]));
DROP POLICY project_budget_lines_assigned ON project_budget_lines;
CREATE POLICY project_budget_lines_assigned ON project_budget_lines FOR SELECT
    USING (region_id = (SELECT app_expert_region()) AND project_id = ANY ((SELECT app_expert_projects())::bigint[]));
DROP POLICY project_indicators_assigned ON project_indicators;
CREATE POLICY project_indicators_assigned ON project_indicators FOR SELECT
    USING (region_id = (SELECT app_expert_region()) AND project_id = ANY ((SELECT app_expert_projects())::bigint[]));
DROP POLICY project_milestones_assigned ON project_milestones;
CREATE POLICY project_milestones_assigned ON project_milestones FOR SELECT
    USING (region_id = (SELECT app_expert_region()) AND project_id = ANY ((SELECT app_expert_projects())::bigint[]));
DROP POLICY applicants_assigned ON applicants;
CREATE POLICY applicants_assigned ON applicants FOR SELECT
    USING (region_id = (SELECT app_expert_region()) AND id = ANY ((SELECT app_expert_applicants())::bigint[]));
DROP POLICY project_rounds_assigned ON project_rounds;
CREATE POLICY project_rounds_assigned ON project_rounds FOR SELECT
    USING (region_id = (SELECT app_expert_region()) AND id = ANY ((SELECT app_expert_rounds())::bigint[]));
DROP POLICY round_criteria_assigned ON round_criteria;
CREATE POLICY round_criteria_assigned ON round_criteria FOR SELECT
    USING (region_id = (SELECT app_expert_region()) AND round_id = ANY ((SELECT app_expert_rounds())::bigint[]));
DROP POLICY attachments_assigned ON attachments;
CREATE POLICY attachments_assigned ON attachments FOR SELECT USING (
    record_kind = 'project' AND region_id = (SELECT app_expert_region())
    AND record_id = ANY ((SELECT app_expert_projects())::bigint[]));
DROP POLICY workflow_history_assigned ON workflow_history;
CREATE POLICY workflow_history_assigned ON workflow_history FOR SELECT USING (
    record_kind = 'project' AND region_id = (SELECT app_expert_region())
    AND record_id = ANY ((SELECT app_expert_projects())::bigint[]));
DROP POLICY record_versions_assigned ON record_versions;
CREATE POLICY record_versions_assigned ON record_versions FOR SELECT USING (
    record_kind = 'project' AND region_id = (SELECT app_expert_region())
    AND record_id = ANY ((SELECT app_expert_projects())::bigint[]));
DROP POLICY review_sheets_assigned ON review_sheets;
CREATE POLICY review_sheets_assigned ON review_sheets FOR SELECT
    USING (region_id = (SELECT app_expert_region()) AND project_id = ANY ((SELECT app_expert_projects())::bigint[]));
DROP POLICY review_sheets_own_insert ON review_sheets;
CREATE POLICY review_sheets_own_insert ON review_sheets FOR INSERT WITH CHECK (
    region_id = (SELECT app_expert_region()) AND expert_id = (SELECT app_expert_id())
    AND project_id = ANY ((SELECT app_expert_projects())::bigint[]));
DROP POLICY review_sheets_own_update ON review_sheets;
CREATE POLICY review_sheets_own_update ON review_sheets FOR UPDATE
    USING (region_id = (SELECT app_expert_region()) AND expert_id = (SELECT app_expert_id())
           AND project_id = ANY ((SELECT app_expert_projects())::bigint[]))
    WITH CHECK (region_id = (SELECT app_expert_region()) AND expert_id = (SELECT app_expert_id())
                AND project_id = ANY ((SELECT app_expert_projects())::bigint[]));
