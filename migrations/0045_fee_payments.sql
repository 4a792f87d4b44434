-- Payments (拨付) of the fee against a project, recorded by the agency (经办机构依据经费批复执行):
-- the day, the amount, the voucher, the stage (预付, 中期, 尾款). Their sum never exceeds what the
-- project holds of the budgets (checked under the project's lock); the final payment comes only
-- after the acceptance passed and settles the project (结算, archived: 已结算归档), releasing what
-- it held beyond what was paid.
ALTER TABLE projects DROP CONSTRAINT projects_status_check;
ALTER TABLE projects ADD CONSTRAINT projects_status_check
    CHECK (status IN ('draft', 'submitted', 'returned', 'rejected', 'expert_review', 'reviewed',
                      'in_publicity', 'awaiting_filing', 'filed', 'in_progress', 'awaiting_acceptance',
                      'rectifying', 'awaiting_reacceptance', 'accepted', 'acceptance_failed', 'terminated',
                      'settled'));

CREATE TABLE fee_payments (
    region_id         bigint NOT NULL REFERENCES regions (id),
    id                bigint GENERATED ALWAYS AS IDENTITY,
    project_id        bigint NOT NULL,
    paid_on           date NOT NULL,
    amount            numeric(16, 2) NOT NULL CHECK (amount > 0),
    voucher           text NOT NULL CHECK (length(voucher) BETWEEN 1 AND 50),
    stage             text NOT NULL CHECK (stage IN ('advance', 'interim', 'final')),
    recorded_by       bigint NOT NULL REFERENCES accounts (id),
    recorded_by_name  text NOT NULL CHECK (length(recorded_by_name) <= 50),
    recorded_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT fee_payments_pkey PRIMARY KEY (region_id, id),
    CONSTRAINT fee_payments_project_fkey FOREIGN KEY (region_id, project_id) REFERENCES projects (region_id, id),
    CONSTRAINT fee_payments_voucher_key UNIQUE (region_id, voucher)
);
-- One final payment a project.
CREATE UNIQUE INDEX fee_payments_final_idx ON fee_payments (region_id, project_id) WHERE stage = 'final';
CREATE INDEX fee_payments_project_idx ON fee_payments (region_id, project_id, paid_on);

ALTER TABLE fee_payments ENABLE ROW LEVEL SECURITY;
ALTER TABLE fee_payments FORCE ROW LEVEL SECURITY;
CREATE POLICY fee_payments_in_scope ON fee_payments
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));
-- Payments are kept as recorded.
GRANT SELECT, INSERT ON fee_payments TO prevention_app;
