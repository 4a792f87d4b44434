-- The expert pool (专家库): experts of a region kept by its city officers and by province
-- officers, with what the random draw needs (specialty, organization for avoidance, availability
-- and declared conflicts).
CREATE TABLE experts (
    region_id          bigint NOT NULL REFERENCES regions (id),
    id                 bigint GENERATED ALWAYS AS IDENTITY,
    name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    specialty          text NOT NULL CHECK (specialty IN ('prevention', 'work_safety', 'occupational_health',
                                                          'finance', 'other')),
    organization       text NOT NULL CHECK (length(organization) BETWEEN 1 AND 100),
    organization_code  text CHECK (organization_code ~ '^[0-9A-HJ-NP-RTUW-Y]{18}$'),
    title              text NOT NULL DEFAULT '' CHECK (length(title) <= 50),
    phone              text NOT NULL CHECK (length(phone) BETWEEN 1 AND 30),
    available          boolean NOT NULL DEFAULT true,
    -- A period away (both days inclusive), beside the standing flag.
    away_from          date,
    away_until         date,
    -- Organizations (names or credit codes) the expert must not review, beside their own.
    conflicts          text[] NOT NULL DEFAULT '{}',
    version            integer NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    search_key         text GENERATED ALWAYS AS (lower(name || ' ' || organization)) STORED,
    CONSTRAINT experts_pkey PRIMARY KEY (region_id, id),
    CONSTRAINT experts_away CHECK (away_until IS NULL OR away_from IS NULL OR away_until >= away_from)
);
CREATE INDEX experts_region_specialty_idx ON experts (region_id, specialty, id);

ALTER TABLE experts ENABLE ROW LEVEL SECURITY;
ALTER TABLE experts FORCE ROW LEVEL SECURITY;
CREATE POLICY experts_in_scope ON experts
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));
GRANT SELECT, INSERT, UPDATE ON experts TO prevention_app;

-- Accounts asked for by officers, for the system administrator, who creates them (三员: officers
-- never create accounts, and the security administrator assigns the role). A system table like
-- `accounts`: the administrators read no region table, so what they need is copied here.
CREATE TABLE account_requests (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind               text NOT NULL CHECK (kind IN ('expert')),
    region_id          bigint NOT NULL REFERENCES regions (id),
    subject_id         bigint NOT NULL,
    display_name       text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 50),
    requested_by       bigint NOT NULL REFERENCES accounts (id),
    requested_by_name  text NOT NULL CHECK (length(requested_by_name) <= 50),
    requested_at       timestamptz NOT NULL DEFAULT now(),
    account_id         bigint UNIQUE REFERENCES accounts (id),
    handled_at         timestamptz,
    CONSTRAINT account_requests_subject_key UNIQUE (kind, region_id, subject_id),
    CONSTRAINT account_requests_handled CHECK ((account_id IS NULL) = (handled_at IS NULL))
);
CREATE INDEX account_requests_open_idx ON account_requests (requested_at) WHERE account_id IS NULL;
GRANT SELECT, INSERT, UPDATE ON account_requests TO prevention_app;
