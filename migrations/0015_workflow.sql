-- The shared mechanisms of every status-bearing record (src/workflow/): the history of its
-- transitions and the frozen versions of what was submitted. Region tables: region_id leads the
-- keys, row-level security as everywhere. Both are append-only for the runtime role.
CREATE TABLE workflow_history (
    region_id     bigint NOT NULL REFERENCES regions (id),
    id            bigint GENERATED ALWAYS AS IDENTITY,
    record_kind   text NOT NULL CHECK (record_kind ~ '^[a-z_]{1,40}$'),
    record_id     bigint NOT NULL,
    from_status   text NOT NULL CHECK (length(from_status) <= 40),
    to_status     text NOT NULL CHECK (length(to_status) <= 40),
    action        text NOT NULL CHECK (length(action) <= 40),
    comment       text NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
    account_id    bigint NOT NULL REFERENCES accounts (id),
    account_name  text NOT NULL CHECK (length(account_name) <= 50),
    occurred_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT workflow_history_pkey PRIMARY KEY (region_id, id)
);
CREATE INDEX workflow_history_record_idx ON workflow_history (region_id, record_kind, record_id, id);

CREATE TABLE record_versions (
    region_id       bigint NOT NULL REFERENCES regions (id),
    record_kind     text NOT NULL CHECK (record_kind ~ '^[a-z_]{1,40}$'),
    record_id       bigint NOT NULL,
    version_no      integer NOT NULL CHECK (version_no >= 1),
    schema_version  integer NOT NULL,
    snapshot        jsonb NOT NULL,
    account_id      bigint NOT NULL REFERENCES accounts (id),
    account_name    text NOT NULL CHECK (length(account_name) <= 50),
    frozen_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT record_versions_pkey PRIMARY KEY (region_id, record_kind, record_id, version_no)
);

ALTER TABLE workflow_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE workflow_history FORCE ROW LEVEL SECURITY;
CREATE POLICY workflow_history_in_scope ON workflow_history
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));
ALTER TABLE record_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE record_versions FORCE ROW LEVEL SECURITY;
CREATE POLICY record_versions_in_scope ON record_versions
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));

GRANT SELECT, INSERT ON workflow_history, record_versions TO prevention_app;

-- One-time form tokens: a create or transition form carries a random token; the first post
-- with it does the work and is remembered here with where it led, so a double click (or two
-- posts at once) does it once. A system table: a token belongs to an account, not a region.
CREATE TABLE submissions (
    account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    token       text NOT NULL CHECK (token ~ '^[0-9a-f]{32}$'),
    outcome     text NOT NULL DEFAULT '' CHECK (length(outcome) <= 200),
    used_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT submissions_pkey PRIMARY KEY (account_id, token)
);
CREATE INDEX submissions_used_at_idx ON submissions (used_at);
GRANT SELECT, INSERT, UPDATE, DELETE ON submissions TO prevention_app;
