-- The prevention fee (工伤预防费): each region's premium income of a year with its evidence, the
-- rate a budget year may spend (3% unless the province records a higher one with its approving
-- document), each budget year's budget split into publicity and training (the shared workflow:
-- draft, submitted, approved or returned), and the ledger of what projects take from it:
-- allocations from an approved budget, commitments on a year whose budget does not exist yet,
-- and releases of what was taken and not paid. A budget's row is locked while its ledger grows,
-- so concurrent decisions never take more than it holds.
CREATE TABLE fee_incomes (
    region_id        bigint NOT NULL REFERENCES regions (id),
    -- The year the income was collected: it caps budget year + 1.
    year             smallint NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    amount           numeric(16, 2) NOT NULL CHECK (amount > 0),
    evidence         text NOT NULL CHECK (length(evidence) BETWEEN 1 AND 200),
    entered_by       bigint NOT NULL REFERENCES accounts (id),
    entered_by_name  text NOT NULL CHECK (length(entered_by_name) <= 50),
    entered_at       timestamptz NOT NULL DEFAULT now(),
    version          integer NOT NULL DEFAULT 1,
    CONSTRAINT fee_incomes_pkey PRIMARY KEY (region_id, year)
);

CREATE TABLE fee_rates (
    region_id         bigint NOT NULL REFERENCES regions (id),
    budget_year       smallint NOT NULL CHECK (budget_year BETWEEN 2000 AND 2100),
    rate              numeric(6, 5) NOT NULL CHECK (rate > 0.03 AND rate <= 0.2),
    document_number   text NOT NULL CHECK (length(document_number) BETWEEN 1 AND 100),
    document_date     date NOT NULL,
    approvers         text NOT NULL CHECK (length(approvers) BETWEEN 1 AND 200),
    recorded_by       bigint NOT NULL REFERENCES accounts (id),
    recorded_by_name  text NOT NULL CHECK (length(recorded_by_name) <= 50),
    recorded_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT fee_rates_pkey PRIMARY KEY (region_id, budget_year)
);

CREATE TABLE fee_budgets (
    region_id    bigint NOT NULL REFERENCES regions (id),
    id           bigint GENERATED ALWAYS AS IDENTITY,
    budget_year  smallint NOT NULL CHECK (budget_year BETWEEN 2000 AND 2100),
    status       text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'approved', 'returned')),
    publicity    numeric(16, 2) NOT NULL DEFAULT 0 CHECK (publicity >= 0),
    training     numeric(16, 2) NOT NULL DEFAULT 0 CHECK (training >= 0),
    note         text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    created_by   bigint NOT NULL REFERENCES accounts (id),
    version      integer NOT NULL DEFAULT 1,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT fee_budgets_pkey PRIMARY KEY (region_id, id),
    CONSTRAINT fee_budgets_year_key UNIQUE (region_id, budget_year)
);

CREATE TABLE fee_entries (
    region_id        bigint NOT NULL REFERENCES regions (id),
    id               bigint GENERATED ALWAYS AS IDENTITY,
    project_id       bigint NOT NULL,
    budget_year      smallint NOT NULL CHECK (budget_year BETWEEN 2000 AND 2100),
    project_year     smallint NOT NULL CHECK (project_year BETWEEN 1 AND 5),
    category         text NOT NULL CHECK (category IN ('publicity', 'training')),
    kind             text NOT NULL CHECK (kind IN ('allocation', 'commitment', 'release')),
    -- Always positive: a release gives back what an allocation or a commitment took.
    amount           numeric(16, 2) NOT NULL CHECK (amount > 0),
    note             text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
    created_by       bigint NOT NULL REFERENCES accounts (id),
    created_by_name  text NOT NULL CHECK (length(created_by_name) <= 50),
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT fee_entries_pkey PRIMARY KEY (region_id, id),
    CONSTRAINT fee_entries_project_fkey FOREIGN KEY (region_id, project_id) REFERENCES projects (region_id, id)
);
CREATE INDEX fee_entries_budget_idx ON fee_entries (region_id, budget_year, category);
CREATE INDEX fee_entries_project_idx ON fee_entries (region_id, project_id);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['fee_incomes', 'fee_rates', 'fee_budgets', 'fee_entries'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY %I ON %I USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id))',
                       t || '_in_scope', t);
    END LOOP;
END
$$;
GRANT SELECT, INSERT, UPDATE ON fee_incomes, fee_rates, fee_budgets TO prevention_app;
-- The ledger is kept as recorded: what is given back is a further entry (a release).
GRANT SELECT, INSERT ON fee_entries TO prevention_app;
