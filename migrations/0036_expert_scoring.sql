-- Expert scoring (专家评审打分): the `assigned` scope of SECURITY.md, each panel member's scoring
-- sheet, and the application's step after the review (待立项审定).
--
-- The `assigned` scope: an expert's account is linked to a pool entry through the answered
-- account request; an expert sees the projects whose panel they sit on (not replaced), with what
-- those projects are read with: the application's rows, its applicant and round (criteria), its
-- files, history and versions, and the panel's sheets. Nothing else, and they write only their
-- own sheet. These policies are permissive, so they add to the region policies (`OR`); each
-- starts with the scope test, so officers' queries never run their subqueries.

-- Whether the signed-in account is the expert `row_expert_id` of `row_region_id`.
CREATE FUNCTION app_own_expert(row_region_id bigint, row_expert_id bigint) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT current_setting('app.scope', true) = 'assigned' AND EXISTS (
        SELECT 1 FROM account_requests q
        WHERE q.kind = 'expert' AND q.region_id = row_region_id AND q.subject_id = row_expert_id
          AND q.account_id = NULLIF(current_setting('app.account_id', true), '')::bigint)
$$;

-- Whether the signed-in account is an expert sitting on the panel of project `row_project_id`.
-- It reads panel_members, whose policy for this scope is app_own_expert (never this function):
-- no policy calls itself.
CREATE FUNCTION app_assigned(row_region_id bigint, row_project_id bigint) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT current_setting('app.scope', true) = 'assigned' AND EXISTS (
        SELECT 1 FROM panel_members m
        JOIN account_requests q ON q.kind = 'expert' AND q.region_id = m.region_id AND q.subject_id = m.expert_id
        WHERE m.region_id = row_region_id AND m.project_id = row_project_id AND m.replaced_by IS NULL
          AND q.account_id = NULLIF(current_setting('app.account_id', true), '')::bigint)
$$;

CREATE POLICY panel_members_own ON panel_members FOR SELECT USING (app_own_expert(region_id, expert_id));
CREATE POLICY experts_own ON experts FOR SELECT USING (app_own_expert(region_id, id));
CREATE POLICY projects_assigned ON projects FOR SELECT USING (app_assigned(region_id, id));
CREATE POLICY project_budget_lines_assigned ON project_budget_lines FOR SELECT USING (app_assigned(region_id, project_id));
CREATE POLICY project_indicators_assigned ON project_indicators FOR SELECT USING (app_assigned(region_id, project_id));
CREATE POLICY project_milestones_assigned ON project_milestones FOR SELECT USING (app_assigned(region_id, project_id));
-- The applicant and the round of an assigned project (the projects policy above narrows these).
CREATE POLICY applicants_assigned ON applicants FOR SELECT USING (
    current_setting('app.scope', true) = 'assigned'
    AND EXISTS (SELECT 1 FROM projects p WHERE p.region_id = applicants.region_id AND p.applicant_id = applicants.id));
CREATE POLICY project_rounds_assigned ON project_rounds FOR SELECT USING (
    current_setting('app.scope', true) = 'assigned'
    AND EXISTS (SELECT 1 FROM projects p WHERE p.region_id = project_rounds.region_id AND p.round_id = project_rounds.id));
CREATE POLICY round_criteria_assigned ON round_criteria FOR SELECT USING (
    current_setting('app.scope', true) = 'assigned'
    AND EXISTS (SELECT 1 FROM projects p WHERE p.region_id = round_criteria.region_id AND p.round_id = round_criteria.round_id));
-- The key industries that name an assigned project's area.
CREATE POLICY region_key_industries_assigned ON region_key_industries FOR SELECT USING (
    current_setting('app.scope', true) = 'assigned'
    AND EXISTS (SELECT 1 FROM projects p WHERE p.region_id = region_key_industries.region_id));
CREATE POLICY attachments_assigned ON attachments FOR SELECT
    USING (record_kind = 'project' AND app_assigned(region_id, record_id));
CREATE POLICY attachment_chunks_assigned ON attachment_chunks FOR SELECT USING (
    current_setting('app.scope', true) = 'assigned'
    AND EXISTS (SELECT 1 FROM attachments a WHERE a.region_id = attachment_chunks.region_id AND a.id = attachment_chunks.attachment_id));
CREATE POLICY workflow_history_assigned ON workflow_history FOR SELECT
    USING (record_kind = 'project' AND app_assigned(region_id, record_id));
CREATE POLICY record_versions_assigned ON record_versions FOR SELECT
    USING (record_kind = 'project' AND app_assigned(region_id, record_id));

-- The expert review's end: the application waits for the city's decision (立项审定).
ALTER TABLE projects DROP CONSTRAINT projects_status_check;
ALTER TABLE projects ADD CONSTRAINT projects_status_check
    CHECK (status IN ('draft', 'submitted', 'returned', 'rejected', 'expert_review', 'reviewed'));

-- A panel member's scoring sheet: a score per criterion of the round (within its weight), the
-- total, a recommendation and an opinion. Saved as a draft any number of times, then submitted
-- once; a submitted sheet is final (the trigger below refuses any change to it).
CREATE TABLE review_sheets (
    region_id       bigint NOT NULL REFERENCES regions (id),
    id              bigint GENERATED ALWAYS AS IDENTITY,
    project_id      bigint NOT NULL,
    expert_id       bigint NOT NULL,
    -- [{"criterion": id, "score": "18.5"}] in the round's order; a draft may leave some out.
    scores          jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(scores) = 'array'),
    total           numeric(5, 1) NOT NULL DEFAULT 0 CHECK (total BETWEEN 0 AND 100),
    recommendation  text CHECK (recommendation IN ('approve', 'revise', 'disapprove')),
    opinion         text NOT NULL DEFAULT '' CHECK (length(opinion) <= 2000),
    version         integer NOT NULL DEFAULT 1,
    saved_at        timestamptz NOT NULL DEFAULT now(),
    submitted_at    timestamptz,
    submitted_by    bigint REFERENCES accounts (id),
    CONSTRAINT review_sheets_pkey PRIMARY KEY (region_id, id),
    CONSTRAINT review_sheets_member_key UNIQUE (region_id, project_id, expert_id),
    CONSTRAINT review_sheets_member_fkey FOREIGN KEY (region_id, project_id, expert_id)
        REFERENCES panel_members (region_id, project_id, expert_id),
    CONSTRAINT review_sheets_submitted_whole CHECK (
        submitted_at IS NULL OR (recommendation IS NOT NULL AND opinion <> '' AND submitted_by IS NOT NULL))
);

CREATE FUNCTION review_sheets_final() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    IF OLD.submitted_at IS NOT NULL THEN
        RAISE EXCEPTION 'review sheet % is submitted and final', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER review_sheets_final BEFORE UPDATE ON review_sheets FOR EACH ROW EXECUTE FUNCTION review_sheets_final();

ALTER TABLE review_sheets ENABLE ROW LEVEL SECURITY;
ALTER TABLE review_sheets FORCE ROW LEVEL SECURITY;
CREATE POLICY review_sheets_in_scope ON review_sheets
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));
-- Experts read the sheets of the panels they sit on (the pages show others' only once their
-- own is submitted) and write their own.
CREATE POLICY review_sheets_assigned ON review_sheets FOR SELECT USING (app_assigned(region_id, project_id));
CREATE POLICY review_sheets_own_insert ON review_sheets FOR INSERT
    WITH CHECK (app_own_expert(region_id, expert_id) AND app_assigned(region_id, project_id));
CREATE POLICY review_sheets_own_update ON review_sheets FOR UPDATE
    USING (app_own_expert(region_id, expert_id) AND app_assigned(region_id, project_id))
    WITH CHECK (app_own_expert(region_id, expert_id) AND app_assigned(region_id, project_id));
GRANT SELECT, INSERT, UPDATE ON review_sheets TO prevention_app;
