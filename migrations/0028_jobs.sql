-- Background jobs (src/jobs/): long work (an import of 100,000 rows; later rate batches and
-- report generation) queued here and run by whichever instance claims it first (FOR UPDATE SKIP
-- LOCKED) under a lease it renews while it works. A job whose instance died is claimed again
-- when its lease has run out; its work commits with its result in one transaction, so a job
-- is either done whole or not at all.
CREATE TABLE jobs (
    region_id       bigint NOT NULL REFERENCES regions (id),
    id              bigint GENERATED ALWAYS AS IDENTITY,
    kind            text NOT NULL CHECK (kind ~ '^[a-z_.]{1,60}$'),
    status          text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
    -- What the job needs to know besides its file (file name, who asked).
    payload         jsonb NOT NULL DEFAULT '{}',
    account_id      bigint NOT NULL REFERENCES accounts (id),
    account_name    text NOT NULL CHECK (length(account_name) <= 50),
    attempts        integer NOT NULL DEFAULT 0,
    lease_until     timestamptz,
    -- Which instance holds the lease (for the log).
    worker          text NOT NULL DEFAULT '',
    progress_done   bigint NOT NULL DEFAULT 0,
    progress_total  bigint NOT NULL DEFAULT 0,
    result          jsonb,
    error           text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    started_at      timestamptz,
    finished_at     timestamptz,
    CONSTRAINT jobs_pkey PRIMARY KEY (region_id, id)
);
-- One job of a kind per region at a time.
CREATE UNIQUE INDEX jobs_one_active_idx ON jobs (region_id, kind) WHERE status IN ('queued', 'running');
-- What workers look for.
CREATE INDEX jobs_claimable_idx ON jobs (id) WHERE status IN ('queued', 'running');
CREATE INDEX jobs_region_kind_idx ON jobs (region_id, kind, id DESC);

-- The file a job works on, kept with it in the database, so any instance can run it.
CREATE TABLE job_files (
    region_id  bigint NOT NULL,
    job_id     bigint NOT NULL,
    file_name  text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
    content    bytea NOT NULL,
    CONSTRAINT job_files_pkey PRIMARY KEY (region_id, job_id),
    CONSTRAINT job_files_job_fkey FOREIGN KEY (region_id, job_id) REFERENCES jobs (region_id, id) ON DELETE CASCADE
);

ALTER TABLE jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE jobs FORCE ROW LEVEL SECURITY;
CREATE POLICY jobs_in_scope ON jobs
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));
ALTER TABLE job_files ENABLE ROW LEVEL SECURITY;
ALTER TABLE job_files FORCE ROW LEVEL SECURITY;
CREATE POLICY job_files_in_scope ON job_files
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));

GRANT SELECT, INSERT, UPDATE ON jobs TO prevention_app;
GRANT SELECT, INSERT ON job_files TO prevention_app;
