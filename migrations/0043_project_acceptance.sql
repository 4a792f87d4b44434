-- A project's end (事后): completion (结项) submitted by the region with its report and the
-- indicators' achieved values; acceptance (评估验收) by an expert panel drawn and scoring as the
-- application's review did, on the round's acceptance criteria; its conclusion, pass or fail;
-- after a failure the rectification (整改) and a second acceptance (复验); and termination
-- (终止) of a running project, whose reasons are the step's comment in the history.
ALTER TABLE projects DROP CONSTRAINT projects_status_check;
ALTER TABLE projects ADD CONSTRAINT projects_status_check
    CHECK (status IN ('draft', 'submitted', 'returned', 'rejected', 'expert_review', 'reviewed',
                      'in_publicity', 'awaiting_filing', 'filed', 'in_progress', 'awaiting_acceptance',
                      'rectifying', 'awaiting_reacceptance', 'accepted', 'acceptance_failed', 'terminated'));

-- Panels, draws and sheets belong to a stage: the application's review, the acceptance, or the
-- second acceptance after rectification. Rows before this migration are the review's.
ALTER TABLE expert_draws
    ADD COLUMN stage text NOT NULL DEFAULT 'review' CHECK (stage IN ('review', 'acceptance', 'reacceptance'));
ALTER TABLE review_sheets DROP CONSTRAINT review_sheets_member_fkey;
ALTER TABLE review_sheets DROP CONSTRAINT review_sheets_member_key;
ALTER TABLE panel_members
    ADD COLUMN stage text NOT NULL DEFAULT 'review' CHECK (stage IN ('review', 'acceptance', 'reacceptance'));
ALTER TABLE panel_members DROP CONSTRAINT panel_members_pkey;
ALTER TABLE panel_members ADD CONSTRAINT panel_members_pkey PRIMARY KEY (region_id, project_id, stage, expert_id);
ALTER TABLE review_sheets
    ADD COLUMN stage text NOT NULL DEFAULT 'review' CHECK (stage IN ('review', 'acceptance', 'reacceptance'));
ALTER TABLE review_sheets ADD CONSTRAINT review_sheets_member_key UNIQUE (region_id, project_id, stage, expert_id);
ALTER TABLE review_sheets ADD CONSTRAINT review_sheets_member_fkey FOREIGN KEY (region_id, project_id, stage, expert_id)
    REFERENCES panel_members (region_id, project_id, stage, expert_id);
-- A member's draw is of the member's stage.
ALTER TABLE expert_draws ADD CONSTRAINT expert_draws_stage_key UNIQUE (region_id, id, stage);
ALTER TABLE panel_members DROP CONSTRAINT panel_members_draw_fkey;
ALTER TABLE panel_members ADD CONSTRAINT panel_members_draw_fkey FOREIGN KEY (region_id, draw_id, stage)
    REFERENCES expert_draws (region_id, id, stage);

-- The acceptance sheet's scored criteria, per round (DOMAIN's defaults): [{"id", "name", "weight"}]
-- summing to 100. The ids are the sheet's criterion keys.
ALTER TABLE project_rounds ADD COLUMN acceptance_criteria jsonb NOT NULL DEFAULT
    '[{"id":1,"name":"目标完成情况","weight":40},{"id":2,"name":"资金使用","weight":30},{"id":3,"name":"档案资料","weight":15},{"id":4,"name":"社会效益","weight":15}]'
    CHECK (jsonb_typeof(acceptance_criteria) = 'array');

-- One row per acceptance: 1 the acceptance after completion, 2 the second after rectification.
-- Submitted by the region (the completion or the rectification: what was done and each
-- indicator's achieved value), then concluded (pass or fail with the panel's average; a first
-- failure names what to rectify and by when).
CREATE TABLE project_acceptances (
    region_id          bigint NOT NULL REFERENCES regions (id),
    project_id         bigint NOT NULL,
    attempt            smallint NOT NULL CHECK (attempt IN (1, 2)),
    summary            text NOT NULL CHECK (length(summary) BETWEEN 1 AND 4000),
    -- [{"indicator": id, "value": "95"}]: each performance indicator's achieved value.
    achieved           jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(achieved) = 'array'),
    completed_on       date NOT NULL,
    submitted_by       bigint NOT NULL REFERENCES accounts (id),
    submitted_by_name  text NOT NULL CHECK (length(submitted_by_name) <= 50),
    submitted_at       timestamptz NOT NULL DEFAULT now(),
    passed             boolean,
    average            numeric(5, 2) CHECK (average BETWEEN 0 AND 100),
    rectification      text NOT NULL DEFAULT '' CHECK (length(rectification) <= 2000),
    rectify_by         date,
    concluded_by       bigint REFERENCES accounts (id),
    concluded_by_name  text CHECK (length(concluded_by_name) <= 50),
    concluded_at       timestamptz,
    CONSTRAINT project_acceptances_pkey PRIMARY KEY (region_id, project_id, attempt),
    CONSTRAINT project_acceptances_project_fkey FOREIGN KEY (region_id, project_id) REFERENCES projects (region_id, id),
    CONSTRAINT project_acceptances_concluded_whole CHECK (
        (passed IS NULL) = (concluded_at IS NULL) AND (passed IS NULL) = (concluded_by IS NULL)
        AND (passed IS NULL) = (average IS NULL)),
    -- A first failure says what to rectify and by when; nothing else carries either.
    CONSTRAINT project_acceptances_rectification CHECK (
        (passed IS FALSE AND attempt = 1) = (rectification <> '' AND rectify_by IS NOT NULL)
        AND (rectification = '') = (rectify_by IS NULL))
);

ALTER TABLE project_acceptances ENABLE ROW LEVEL SECURITY;
ALTER TABLE project_acceptances FORCE ROW LEVEL SECURITY;
CREATE POLICY project_acceptances_in_scope ON project_acceptances
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));
-- The acceptance panel reads what it accepts: the completion, the indicators' achieved values,
-- and the progress reports.
CREATE POLICY project_acceptances_assigned ON project_acceptances FOR SELECT
    USING (app_expert_sees(region_id, project_id, 'app.expert_projects'));
CREATE POLICY project_progress_assigned ON project_progress FOR SELECT
    USING (app_expert_sees(region_id, project_id, 'app.expert_projects'));
GRANT SELECT, INSERT, UPDATE ON project_acceptances TO prevention_app;
