-- A project's approval after the expert review: the city's decision (审定: an approved amount
-- per project year, never above the requested, and the joint meeting that decided, if any), the
-- publicity (公示: start and end dates, at least the round's working days) with the objections
-- received and answered (an upheld one reverses the approval), and the province's filing (备案).
ALTER TABLE projects DROP CONSTRAINT projects_status_check;
ALTER TABLE projects ADD CONSTRAINT projects_status_check
    CHECK (status IN ('draft', 'submitted', 'returned', 'rejected', 'expert_review', 'reviewed',
                      'in_publicity', 'awaiting_filing', 'filed'));

ALTER TABLE projects
    ADD COLUMN approved_amount      numeric(14, 2) CHECK (approved_amount >= 0),
    ADD COLUMN decision_meeting_id  bigint,
    ADD COLUMN publicity_starts_on  date,
    ADD COLUMN publicity_ends_on    date,
    ADD CONSTRAINT projects_decision_meeting_fkey FOREIGN KEY (region_id, decision_meeting_id)
        REFERENCES meetings (region_id, id),
    ADD CONSTRAINT projects_publicity_forward CHECK (publicity_ends_on >= publicity_starts_on),
    ADD CONSTRAINT projects_approved_within_requested CHECK (approved_amount <= requested_amount);

-- How many working days a round's publicity lasts at least.
ALTER TABLE project_rounds
    ADD COLUMN publicity_days smallint NOT NULL DEFAULT 5 CHECK (publicity_days BETWEEN 5 AND 30);

CREATE TABLE project_approved_years (
    region_id     bigint NOT NULL REFERENCES regions (id),
    project_id    bigint NOT NULL,
    project_year  smallint NOT NULL CHECK (project_year BETWEEN 1 AND 5),
    amount        numeric(14, 2) NOT NULL CHECK (amount >= 0),
    CONSTRAINT project_approved_years_pkey PRIMARY KEY (region_id, project_id, project_year),
    CONSTRAINT project_approved_years_project_fkey FOREIGN KEY (region_id, project_id) REFERENCES projects (region_id, id)
);

CREATE TABLE project_objections (
    region_id         bigint NOT NULL REFERENCES regions (id),
    id                bigint GENERATED ALWAYS AS IDENTITY,
    project_id        bigint NOT NULL,
    received_on       date NOT NULL,
    objector          text NOT NULL CHECK (length(objector) BETWEEN 1 AND 100),
    content           text NOT NULL CHECK (length(content) BETWEEN 1 AND 2000),
    recorded_by       bigint NOT NULL REFERENCES accounts (id),
    recorded_by_name  text NOT NULL CHECK (length(recorded_by_name) <= 50),
    recorded_at       timestamptz NOT NULL DEFAULT now(),
    answer            text NOT NULL DEFAULT '' CHECK (length(answer) <= 2000),
    upheld            boolean,
    answered_by       bigint REFERENCES accounts (id),
    answered_by_name  text CHECK (length(answered_by_name) <= 50),
    answered_at       timestamptz,
    CONSTRAINT project_objections_pkey PRIMARY KEY (region_id, id),
    CONSTRAINT project_objections_project_fkey FOREIGN KEY (region_id, project_id) REFERENCES projects (region_id, id),
    CONSTRAINT project_objections_answered_whole CHECK (
        (upheld IS NULL AND answered_at IS NULL AND answer = '')
        OR (upheld IS NOT NULL AND answered_at IS NOT NULL AND answer <> '' AND answered_by IS NOT NULL))
);
CREATE INDEX project_objections_project_idx ON project_objections (region_id, project_id, id);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['project_approved_years', 'project_objections'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY %I ON %I USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id))',
                       t || '_in_scope', t);
    END LOOP;
END $$;
GRANT SELECT, INSERT, UPDATE, DELETE ON project_approved_years TO prevention_app;
GRANT SELECT, INSERT, UPDATE ON project_objections TO prevention_app;
