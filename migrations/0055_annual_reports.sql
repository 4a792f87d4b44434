-- The annual progress report (年度计划落实情况报告): one per region and year, due on the cycle's
-- annual day (12-15). Its figures are computed from the records while it is open and frozen
-- into `figures` when it is submitted, so a later change to a record does not alter it. The
-- narrative is one section per task of the cycle (keyed by the task's key), plus problems met
-- and next year's work. It moves through the shared workflow (record kind 'annual_report').
CREATE TABLE annual_reports (
    region_id           bigint NOT NULL REFERENCES regions (id),
    id                  bigint GENERATED ALWAYS AS IDENTITY,
    year                integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    status              text NOT NULL DEFAULT 'draft'
                            CHECK (status IN ('draft', 'submitted', 'returned', 'accepted')),
    document_number     text NOT NULL DEFAULT '' CHECK (length(document_number) <= 100),
    -- {task key: text}, each at most 5,000 characters (checked by the form).
    sections            jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(sections) = 'object'),
    problems            text NOT NULL DEFAULT '' CHECK (length(problems) <= 5000),
    next_year           text NOT NULL DEFAULT '' CHECK (length(next_year) <= 5000),
    -- The figures as submitted ([{key, group, label, value}]); NULL until the first submission.
    figures             jsonb CHECK (figures IS NULL OR jsonb_typeof(figures) = 'array'),
    figures_at          timestamptz,
    first_submitted_at  timestamptz,
    last_submitted_at   timestamptz,
    -- The first submission came after the due day had ended (Asia/Shanghai).
    late                boolean NOT NULL DEFAULT false,
    decided_at          timestamptz,
    created_by          bigint NOT NULL REFERENCES accounts (id),
    version             integer NOT NULL DEFAULT 1,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT annual_reports_pkey PRIMARY KEY (region_id, id),
    CONSTRAINT annual_reports_year_key UNIQUE (region_id, year),
    CONSTRAINT annual_reports_frozen CHECK ((figures IS NULL) = (figures_at IS NULL)),
    CONSTRAINT annual_reports_submitted CHECK (status IN ('draft') OR first_submitted_at IS NOT NULL)
);
CREATE INDEX annual_reports_year_idx ON annual_reports (year, region_id);

ALTER TABLE annual_reports ENABLE ROW LEVEL SECURITY;
ALTER TABLE annual_reports FORCE ROW LEVEL SECURITY;
CREATE POLICY annual_reports_in_scope ON annual_reports
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));
GRANT SELECT, INSERT, UPDATE ON annual_reports TO prevention_app;

