-- Implementation plans (实施方案): one per region and cycle, in sections, moving through the
-- shared workflow (draft → submitted → filed, or returned; the province's own: issued).
CREATE TABLE plans (
    region_id                        bigint NOT NULL REFERENCES regions (id),
    id                               bigint GENERATED ALWAYS AS IDENTITY,
    cycle_id                         bigint NOT NULL REFERENCES cycles (id),
    status                           text NOT NULL DEFAULT 'draft'
                                         CHECK (status IN ('draft', 'submitted', 'returned', 'filed', 'issued')),
    guiding_ideas                    text NOT NULL DEFAULT '' CHECK (length(guiding_ideas) <= 5000),
    accident_rate_reduction_percent  numeric(5, 2) CHECK (accident_rate_reduction_percent BETWEEN 0 AND 100),
    training_coverage_percent        numeric(5, 2) CHECK (training_coverage_percent BETWEEN 0 AND 100),
    training_coverage_due            date,
    safeguards                       text NOT NULL DEFAULT '' CHECK (length(safeguards) <= 5000),
    document_number                  text NOT NULL DEFAULT '' CHECK (length(document_number) <= 50),
    issued_on                        date,
    -- The first submission decides the late mark; a resubmission after a return does not.
    first_submitted_at               timestamptz,
    last_submitted_at                timestamptz,
    decided_at                       timestamptz,
    version                          integer NOT NULL DEFAULT 1,
    created_by                       bigint NOT NULL REFERENCES accounts (id),
    created_at                       timestamptz NOT NULL DEFAULT now(),
    updated_at                       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT plans_pkey PRIMARY KEY (region_id, id),
    CONSTRAINT plans_region_cycle_key UNIQUE (region_id, cycle_id)
);
CREATE INDEX plans_cycle_idx ON plans (cycle_id, region_id);

-- Other targets, as indicator rows.
CREATE TABLE plan_indicators (
    region_id  bigint NOT NULL,
    plan_id    bigint NOT NULL,
    id         bigint GENERATED ALWAYS AS IDENTITY,
    position   integer NOT NULL,
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    target     text NOT NULL CHECK (length(target) BETWEEN 1 AND 50),
    unit       text NOT NULL DEFAULT '' CHECK (length(unit) <= 20),
    CONSTRAINT plan_indicators_pkey PRIMARY KEY (region_id, id),
    CONSTRAINT plan_indicators_plan_fkey FOREIGN KEY (region_id, plan_id) REFERENCES plans (region_id, id) ON DELETE CASCADE
);
CREATE INDEX plan_indicators_plan_idx ON plan_indicators (region_id, plan_id, position);

-- The key industries the plan covers: a key industry of the province file (by key) or one of
-- the region's own (by id).
CREATE TABLE plan_key_industries (
    region_id           bigint NOT NULL,
    plan_id             bigint NOT NULL,
    industry            text NOT NULL CHECK (industry ~ '^(province:[a-z][a-z0-9_]{1,39}|region:[0-9]{1,18})$'),
    CONSTRAINT plan_key_industries_pkey PRIMARY KEY (region_id, plan_id, industry),
    CONSTRAINT plan_key_industries_plan_fkey FOREIGN KEY (region_id, plan_id) REFERENCES plans (region_id, id) ON DELETE CASCADE
);

-- The division of work: one or more rows per task of the cycle.
CREATE TABLE plan_tasks (
    region_id        bigint NOT NULL,
    plan_id          bigint NOT NULL,
    id               bigint GENERATED ALWAYS AS IDENTITY,
    position         integer NOT NULL,
    cycle_task_id    bigint NOT NULL REFERENCES cycle_tasks (id),
    department_kind  text NOT NULL CHECK (department_kind IN (
                         'hrss', 'industry_it', 'finance', 'housing', 'transport', 'health',
                         'emergency', 'union', 'market_regulation')),
    measures         text NOT NULL DEFAULT '' CHECK (length(measures) <= 2000),
    deadline         date,
    CONSTRAINT plan_tasks_pkey PRIMARY KEY (region_id, id),
    CONSTRAINT plan_tasks_plan_fkey FOREIGN KEY (region_id, plan_id) REFERENCES plans (region_id, id) ON DELETE CASCADE
);
CREATE INDEX plan_tasks_plan_idx ON plan_tasks (region_id, plan_id, position);

ALTER TABLE plans ENABLE ROW LEVEL SECURITY;
ALTER TABLE plans FORCE ROW LEVEL SECURITY;
CREATE POLICY plans_in_scope ON plans
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));
ALTER TABLE plan_indicators ENABLE ROW LEVEL SECURITY;
ALTER TABLE plan_indicators FORCE ROW LEVEL SECURITY;
CREATE POLICY plan_indicators_in_scope ON plan_indicators
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));
ALTER TABLE plan_key_industries ENABLE ROW LEVEL SECURITY;
ALTER TABLE plan_key_industries FORCE ROW LEVEL SECURITY;
CREATE POLICY plan_key_industries_in_scope ON plan_key_industries
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));
ALTER TABLE plan_tasks ENABLE ROW LEVEL SECURITY;
ALTER TABLE plan_tasks FORCE ROW LEVEL SECURITY;
CREATE POLICY plan_tasks_in_scope ON plan_tasks
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));

GRANT SELECT, INSERT, UPDATE ON plans TO prevention_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON plan_indicators, plan_key_industries, plan_tasks TO prevention_app;
