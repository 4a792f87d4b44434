-- The service agreement (签订协议) of a filed project: its number, the day it was signed, the
-- parties, the amount (never above the approved), the term; the signed copy is an attachment of
-- the project (kind signed_agreement). Signing moves the project into implementation (实施中).
ALTER TABLE projects DROP CONSTRAINT projects_status_check;
ALTER TABLE projects ADD CONSTRAINT projects_status_check
    CHECK (status IN ('draft', 'submitted', 'returned', 'rejected', 'expert_review', 'reviewed',
                      'in_publicity', 'awaiting_filing', 'filed', 'in_progress'));

CREATE TABLE project_agreements (
    region_id    bigint NOT NULL REFERENCES regions (id),
    id           bigint GENERATED ALWAYS AS IDENTITY,
    project_id   bigint NOT NULL,
    number       text NOT NULL CHECK (length(number) BETWEEN 1 AND 50),
    signed_on    date NOT NULL,
    party_a      text NOT NULL CHECK (length(party_a) BETWEEN 1 AND 100),
    party_b      text NOT NULL CHECK (length(party_b) BETWEEN 1 AND 100),
    amount       numeric(14, 2) NOT NULL CHECK (amount > 0),
    starts_on    date NOT NULL,
    ends_on      date NOT NULL,
    version      integer NOT NULL DEFAULT 1,
    created_by   bigint NOT NULL REFERENCES accounts (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT project_agreements_pkey PRIMARY KEY (region_id, id),
    CONSTRAINT project_agreements_project_key UNIQUE (region_id, project_id),
    CONSTRAINT project_agreements_number_key UNIQUE (region_id, number),
    CONSTRAINT project_agreements_project_fkey FOREIGN KEY (region_id, project_id) REFERENCES projects (region_id, id),
    CONSTRAINT project_agreements_term CHECK (ends_on >= starts_on)
);

ALTER TABLE project_agreements ENABLE ROW LEVEL SECURITY;
ALTER TABLE project_agreements FORCE ROW LEVEL SECURITY;
CREATE POLICY project_agreements_in_scope ON project_agreements
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));
GRANT SELECT, INSERT, UPDATE ON project_agreements TO prevention_app;
