-- The `assigned` scope, read from the transaction: timed statement by statement at N = 10, the
-- application's own statement cost 6 ms for an expert, because every table it joins evaluated
-- the expert's arrays again (an init plan each). `db::begin` now sets them once per transaction
-- for this scope (`app.expert_region`, `app.expert_projects`, then `app.expert_rounds` and
-- `app.expert_applicants`, computed with the functions of 0039 and 0041), and the policies read
-- the settings: 0.74 ms for the same statement. Outside this scope the settings are never set
-- and every policy below starts with the scope test, so they grant nothing.

-- The ids a setting holds ('{1,2,3}'), none when unset: inlined into the policies.
CREATE FUNCTION app_setting_ids(setting text) RETURNS bigint[]
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT coalesce(NULLIF(current_setting(setting, true), ''), '{}')::bigint[]
$$;
CREATE FUNCTION app_setting_id(setting text) RETURNS bigint
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT NULLIF(current_setting(setting, true), '')::bigint
$$;
-- Whether a row of `row_region_id` keyed by `key` is one the expert's `setting` lists.
CREATE FUNCTION app_expert_sees(row_region_id bigint, key bigint, setting text) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT current_setting('app.scope', true) = 'assigned'
       AND row_region_id = app_setting_id('app.expert_region')
       AND key = ANY (app_setting_ids(setting))
$$;

DROP POLICY projects_assigned ON projects;
CREATE POLICY projects_assigned ON projects FOR SELECT USING (app_expert_sees(region_id, id, 'app.expert_projects'));
DROP POLICY project_budget_lines_assigned ON project_budget_lines;
CREATE POLICY project_budget_lines_assigned ON project_budget_lines FOR SELECT
    USING (app_expert_sees(region_id, project_id, 'app.expert_projects'));
DROP POLICY project_indicators_assigned ON project_indicators;
CREATE POLICY project_indicators_assigned ON project_indicators FOR SELECT
    USING (app_expert_sees(region_id, project_id, 'app.expert_projects'));
DROP POLICY project_milestones_assigned ON project_milestones;
CREATE POLICY project_milestones_assigned ON project_milestones FOR SELECT
    USING (app_expert_sees(region_id, project_id, 'app.expert_projects'));
DROP POLICY applicants_assigned ON applicants;
CREATE POLICY applicants_assigned ON applicants FOR SELECT USING (app_expert_sees(region_id, id, 'app.expert_applicants'));
DROP POLICY project_rounds_assigned ON project_rounds;
CREATE POLICY project_rounds_assigned ON project_rounds FOR SELECT USING (app_expert_sees(region_id, id, 'app.expert_rounds'));
DROP POLICY round_criteria_assigned ON round_criteria;
CREATE POLICY round_criteria_assigned ON round_criteria FOR SELECT
    USING (app_expert_sees(region_id, round_id, 'app.expert_rounds'));
DROP POLICY attachments_assigned ON attachments;
CREATE POLICY attachments_assigned ON attachments FOR SELECT
    USING (record_kind = 'project' AND app_expert_sees(region_id, record_id, 'app.expert_projects'));
DROP POLICY workflow_history_assigned ON workflow_history;
CREATE POLICY workflow_history_assigned ON workflow_history FOR SELECT
    USING (record_kind = 'project' AND app_expert_sees(region_id, record_id, 'app.expert_projects'));
DROP POLICY record_versions_assigned ON record_versions;
CREATE POLICY record_versions_assigned ON record_versions FOR SELECT
    USING (record_kind = 'project' AND app_expert_sees(region_id, record_id, 'app.expert_projects'));
DROP POLICY review_sheets_assigned ON review_sheets;
CREATE POLICY review_sheets_assigned ON review_sheets FOR SELECT
    USING (app_expert_sees(region_id, project_id, 'app.expert_projects'));
DROP POLICY review_sheets_own_insert ON review_sheets;
CREATE POLICY review_sheets_own_insert ON review_sheets FOR INSERT WITH CHECK (
    app_expert_sees(region_id, project_id, 'app.expert_projects') AND expert_id = (SELECT app_expert_id()));
DROP POLICY review_sheets_own_update ON review_sheets;
CREATE POLICY review_sheets_own_update ON review_sheets FOR UPDATE
    USING (app_expert_sees(region_id, project_id, 'app.expert_projects') AND expert_id = (SELECT app_expert_id()))
    WITH CHECK (app_expert_sees(region_id, project_id, 'app.expert_projects') AND expert_id = (SELECT app_expert_id()));
DROP POLICY region_key_industries_assigned ON region_key_industries;
CREATE POLICY region_key_industries_assigned ON region_key_industries FOR SELECT USING (
    current_setting('app.scope', true) = 'assigned' AND region_id = app_setting_id('app.expert_region'));
