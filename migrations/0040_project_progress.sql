-- Progress reports of a project under way (实施进度): the day, the share done, the milestones
-- done, people trained and sessions held so far, and the spending so far per cost line in 元.
-- Figures are cumulative: a report never goes below the one before (checked when saved).
CREATE TABLE project_progress (
    region_id        bigint NOT NULL REFERENCES regions (id),
    id               bigint GENERATED ALWAYS AS IDENTITY,
    project_id       bigint NOT NULL,
    reported_on      date NOT NULL,
    percent          smallint NOT NULL CHECK (percent BETWEEN 0 AND 100),
    milestones_done  bigint[] NOT NULL DEFAULT '{}',
    trained          integer NOT NULL CHECK (trained >= 0),
    sessions         integer NOT NULL CHECK (sessions >= 0),
    -- [{"line": id, "amount": "1200.00"}] so far, per cost line.
    spending         jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(spending) = 'array'),
    spent            numeric(14, 2) NOT NULL CHECK (spent >= 0),
    note             text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    created_by       bigint NOT NULL REFERENCES accounts (id),
    created_by_name  text NOT NULL CHECK (length(created_by_name) <= 50),
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT project_progress_pkey PRIMARY KEY (region_id, id),
    CONSTRAINT project_progress_project_fkey FOREIGN KEY (region_id, project_id) REFERENCES projects (region_id, id)
);
CREATE INDEX project_progress_project_idx ON project_progress (region_id, project_id, reported_on, id);

ALTER TABLE project_progress ENABLE ROW LEVEL SECURITY;
ALTER TABLE project_progress FORCE ROW LEVEL SECURITY;
CREATE POLICY project_progress_in_scope ON project_progress
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));
-- Reports are kept as made: a correction is a further report.
GRANT SELECT, INSERT ON project_progress TO prevention_app;
