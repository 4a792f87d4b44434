-- Prevention projects up to the city's pre-review (初审): application rounds (申报批次) with
-- their scoring sheets, applicant organizations (申报单位, no accounts), and the applications
-- (附件2 申报表, 附件3 申报格式文本) with their cost-estimate lines, performance targets and
-- milestones. The expert review and a project's later life continue on the same rows.

-- A round of one region and year: what may be applied for, when, with which documents, and the
-- criteria the experts will score by.
CREATE TABLE project_rounds (
    region_id       bigint NOT NULL REFERENCES regions (id),
    id              bigint GENERATED ALWAYS AS IDENTITY,
    year            smallint NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
    -- The key industries served, as plans name them (province:<key> or region:<id>).
    key_industries  text[] NOT NULL DEFAULT '{}',
    target_groups   text NOT NULL DEFAULT '' CHECK (length(target_groups) <= 500),
    guide           text NOT NULL DEFAULT '' CHECK (length(guide) <= 10000),
    -- Inclusive, in Asia/Shanghai.
    opens_on        date NOT NULL,
    closes_on       date NOT NULL,
    -- The attachment kinds an application of this round must carry (keys of projects' kinds).
    required_kinds  text[] NOT NULL DEFAULT '{}',
    version         integer NOT NULL DEFAULT 1,
    created_by      bigint NOT NULL REFERENCES accounts (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT project_rounds_pkey PRIMARY KEY (region_id, id),
    CONSTRAINT project_rounds_dates CHECK (closes_on >= opens_on)
);
CREATE INDEX project_rounds_year_idx ON project_rounds (region_id, year, id);

-- The scoring sheet: criteria with weights (their sum is 100, checked when saved).
CREATE TABLE round_criteria (
    region_id  bigint NOT NULL,
    round_id   bigint NOT NULL,
    id         bigint GENERATED ALWAYS AS IDENTITY,
    position   integer NOT NULL,
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    weight     smallint NOT NULL CHECK (weight BETWEEN 1 AND 100),
    CONSTRAINT round_criteria_pkey PRIMARY KEY (region_id, id),
    CONSTRAINT round_criteria_round_fkey FOREIGN KEY (region_id, round_id)
        REFERENCES project_rounds (region_id, id) ON DELETE CASCADE
);
CREATE INDEX round_criteria_round_idx ON round_criteria (region_id, round_id, position);

-- Applicant organizations: entered by city officers on their behalf and reused. Small and micro
-- firms may not apply, so they are never stored.
CREATE TABLE applicants (
    region_id             bigint NOT NULL REFERENCES regions (id),
    id                    bigint GENERATED ALWAYS AS IDENTITY,
    credit_code           text NOT NULL CHECK (credit_code ~ '^[0-9A-HJ-NP-RTUW-Y]{18}$'),
    name                  text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    unit_type             text NOT NULL CHECK (unit_type IN ('association', 'large', 'medium')),
    division_code         text NOT NULL REFERENCES industry_divisions (code),
    address               text NOT NULL DEFAULT '' CHECK (length(address) <= 200),
    legal_representative  text NOT NULL CHECK (length(legal_representative) BETWEEN 1 AND 50),
    contact_person        text NOT NULL CHECK (length(contact_person) BETWEEN 1 AND 50),
    contact_phone         text NOT NULL CHECK (length(contact_phone) BETWEEN 1 AND 30),
    -- The same organization in the employers registry, by credit code.
    employer_id           bigint,
    version               integer NOT NULL DEFAULT 1,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    search_key            text GENERATED ALWAYS AS (lower(name || ' ' || credit_code)) STORED,
    CONSTRAINT applicants_pkey PRIMARY KEY (region_id, id),
    CONSTRAINT applicants_region_credit_code_key UNIQUE (region_id, credit_code),
    CONSTRAINT applicants_employer_fkey FOREIGN KEY (region_id, employer_id) REFERENCES employers (region_id, id)
);

-- An application (and, later, the project it becomes). An organization's, or a department's own
-- government-procurement project with the department as applicant.
CREATE TABLE projects (
    region_id            bigint NOT NULL REFERENCES regions (id),
    id                   bigint GENERATED ALWAYS AS IDENTITY,
    round_id             bigint NOT NULL,
    -- The round's year, kept here so lists filter by it through this table's index.
    year                 smallint NOT NULL,
    applicant_kind       text NOT NULL CHECK (applicant_kind IN ('organization', 'department')),
    applicant_id         bigint,
    department_kind      text CHECK (department_kind IN (
                             'hrss', 'industry_it', 'finance', 'housing', 'transport', 'health',
                             'emergency', 'union', 'market_regulation')),
    status               text NOT NULL DEFAULT 'draft'
                             CHECK (status IN ('draft', 'submitted', 'returned', 'rejected', 'expert_review')),
    name                 text NOT NULL DEFAULT '' CHECK (length(name) <= 100),
    project_type         text CHECK (project_type IN ('publicity', 'training')),
    key_industry         text CHECK (key_industry ~ '^(province:[a-z][a-z0-9_]{1,39}|region:[0-9]{1,18})$'),
    implementation_mode  text CHECK (implementation_mode IN ('own', 'commissioned', 'procurement')),
    starts_on            date,
    ends_on              date,
    target_group         text NOT NULL DEFAULT '' CHECK (length(target_group) <= 500),
    planned_count        integer CHECK (planned_count BETWEEN 1 AND 10000000),
    background           text NOT NULL DEFAULT '' CHECK (length(background) <= 5000),
    content              text NOT NULL DEFAULT '' CHECK (length(content) <= 10000),
    safeguards           text NOT NULL DEFAULT '' CHECK (length(safeguards) <= 5000),
    -- The sum of the cost-estimate lines, kept by every save (lists and totals read it).
    requested_amount     numeric(18, 2) NOT NULL DEFAULT 0 CHECK (requested_amount >= 0),
    first_submitted_at   timestamptz,
    last_submitted_at    timestamptz,
    decided_at           timestamptz,
    version              integer NOT NULL DEFAULT 1,
    created_by           bigint NOT NULL REFERENCES accounts (id),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT projects_pkey PRIMARY KEY (region_id, id),
    CONSTRAINT projects_round_fkey FOREIGN KEY (region_id, round_id) REFERENCES project_rounds (region_id, id),
    CONSTRAINT projects_applicant_fkey FOREIGN KEY (region_id, applicant_id) REFERENCES applicants (region_id, id),
    CONSTRAINT projects_one_applicant CHECK (
        (applicant_kind = 'organization' AND applicant_id IS NOT NULL AND department_kind IS NULL)
        OR (applicant_kind = 'department' AND applicant_id IS NULL AND department_kind IS NOT NULL)),
    CONSTRAINT projects_period CHECK (ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX projects_region_year_idx ON projects (region_id, year, id);
CREATE INDEX projects_region_status_idx ON projects (region_id, status, id);
CREATE INDEX projects_round_idx ON projects (region_id, round_id, id);
CREATE INDEX projects_applicant_idx ON projects (region_id, applicant_id, id);

-- 费用测算: amount = unit price × quantity to the fen, computed by the server; a draft's line may
-- lack its price or quantity, and then has no amount.
CREATE TABLE project_budget_lines (
    region_id     bigint NOT NULL,
    project_id    bigint NOT NULL,
    id            bigint GENERATED ALWAYS AS IDENTITY,
    position      integer NOT NULL,
    project_year  smallint NOT NULL CHECK (project_year IN (1, 2)),
    item          text NOT NULL DEFAULT '' CHECK (length(item) <= 100),
    unit          text NOT NULL DEFAULT '' CHECK (length(unit) <= 20),
    unit_price    numeric(18, 2) CHECK (unit_price >= 0),
    quantity      numeric(14, 2) CHECK (quantity > 0),
    amount        numeric(18, 2),
    CONSTRAINT project_budget_lines_pkey PRIMARY KEY (region_id, id),
    CONSTRAINT project_budget_lines_project_fkey FOREIGN KEY (region_id, project_id)
        REFERENCES projects (region_id, id) ON DELETE CASCADE,
    CONSTRAINT project_budget_lines_amount CHECK (
        (unit_price IS NULL OR quantity IS NULL) AND amount IS NULL
        OR amount = round(unit_price * quantity, 2))
);
CREATE INDEX project_budget_lines_project_idx ON project_budget_lines (region_id, project_id, position);

-- 绩效目标: indicator rows.
CREATE TABLE project_indicators (
    region_id     bigint NOT NULL,
    project_id    bigint NOT NULL,
    id            bigint GENERATED ALWAYS AS IDENTITY,
    position      integer NOT NULL,
    project_year  smallint NOT NULL CHECK (project_year IN (1, 2)),
    level1        text CHECK (level1 IN ('output', 'outcome', 'satisfaction')),
    level2        text CHECK (level2 IN ('quantity', 'quality', 'timeliness', 'cost', 'social', 'economic',
                                         'sustainability', 'satisfaction')),
    name          text NOT NULL DEFAULT '' CHECK (length(name) <= 100),
    comparison    text CHECK (comparison IN ('ge', 'le', 'eq')),
    target_value  numeric(18, 4),
    unit          text NOT NULL DEFAULT '' CHECK (length(unit) <= 20),
    CONSTRAINT project_indicators_pkey PRIMARY KEY (region_id, id),
    CONSTRAINT project_indicators_project_fkey FOREIGN KEY (region_id, project_id)
        REFERENCES projects (region_id, id) ON DELETE CASCADE
);
CREATE INDEX project_indicators_project_idx ON project_indicators (region_id, project_id, position);

-- 进度安排: milestones with dates.
CREATE TABLE project_milestones (
    region_id    bigint NOT NULL,
    project_id   bigint NOT NULL,
    id           bigint GENERATED ALWAYS AS IDENTITY,
    position     integer NOT NULL,
    due_on       date,
    description  text NOT NULL DEFAULT '' CHECK (length(description) <= 200),
    CONSTRAINT project_milestones_pkey PRIMARY KEY (region_id, id),
    CONSTRAINT project_milestones_project_fkey FOREIGN KEY (region_id, project_id)
        REFERENCES projects (region_id, id) ON DELETE CASCADE
);
CREATE INDEX project_milestones_project_idx ON project_milestones (region_id, project_id, position);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['project_rounds', 'round_criteria', 'applicants', 'projects',
                             'project_budget_lines', 'project_indicators', 'project_milestones'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY %I ON %I USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id))',
                       t || '_in_scope', t);
    END LOOP;
END $$;

GRANT SELECT, INSERT, UPDATE ON project_rounds, applicants, projects TO prevention_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON round_criteria, project_budget_lines, project_indicators, project_milestones
    TO prevention_app;
