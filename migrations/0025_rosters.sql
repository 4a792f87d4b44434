-- The leading group of the joint prevention mechanism (工伤预防联防联控机制领导小组, 附件1 of a
-- plan): one roster per region and cycle, reported to the province through the shared workflow,
-- and its members as records with the dates they began and ended, so that replacing a member
-- ends a record instead of overwriting it and the roster on any past date can be shown.

-- The roles in the group: data with a default list. The rules name two of them by key (exactly
-- one 'leader'; at least one 'liaison').
CREATE TABLE group_roles (
    key       text PRIMARY KEY CHECK (key ~ '^[a-z][a-z_]{1,39}$'),
    name      text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 20),
    position  integer NOT NULL
);
INSERT INTO group_roles (key, name, position) VALUES
    ('leader', '组长', 1),
    ('deputy_leader', '副组长', 2),
    ('member', '成员', 3),
    ('office_director', '领导小组办公室主任', 4),
    ('liaison', '联络员', 5);
CREATE TRIGGER group_roles_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON group_roles
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_version();

CREATE TABLE rosters (
    region_id             bigint NOT NULL REFERENCES regions (id),
    id                    bigint GENERATED ALWAYS AS IDENTITY,
    cycle_id              bigint NOT NULL REFERENCES cycles (id),
    status                text NOT NULL DEFAULT 'draft'
                              CHECK (status IN ('draft', 'submitted', 'returned', 'filed')),
    -- Whether every rule holds for the members as they stand, recomputed on every save so the
    -- province's overview reads it instead of checking fifteen rosters per view.
    complete              boolean NOT NULL DEFAULT false,
    -- A filed roster that changed since (a member replaced): to be submitted again.
    changed_since_filing  boolean NOT NULL DEFAULT false,
    first_submitted_at    timestamptz,
    last_submitted_at     timestamptz,
    decided_at            timestamptz,
    version               integer NOT NULL DEFAULT 1,
    created_by            bigint NOT NULL REFERENCES accounts (id),
    created_at            timestamptz NOT NULL DEFAULT now(),
    -- The last change to the roster or its members.
    updated_at            timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT rosters_pkey PRIMARY KEY (region_id, id),
    CONSTRAINT rosters_region_cycle_key UNIQUE (region_id, cycle_id),
    CONSTRAINT rosters_changed_only_when_filed CHECK (NOT changed_since_filing OR status <> 'draft')
);
CREATE INDEX rosters_cycle_idx ON rosters (cycle_id, region_id);

CREATE TABLE roster_members (
    region_id        bigint NOT NULL,
    roster_id        bigint NOT NULL,
    id               bigint GENERATED ALWAYS AS IDENTITY,
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    department_kind  text NOT NULL CHECK (department_kind IN (
                         'hrss', 'industry_it', 'finance', 'housing', 'transport', 'health',
                         'emergency', 'union', 'market_regulation')),
    post             text NOT NULL CHECK (length(post) BETWEEN 1 AND 50),
    group_role       text NOT NULL REFERENCES group_roles (key),
    office_phone     text NOT NULL DEFAULT '' CHECK (length(office_phone) <= 30),
    mobile           text NOT NULL DEFAULT '' CHECK (length(mobile) <= 20),
    remarks          text NOT NULL DEFAULT '' CHECK (length(remarks) <= 200),
    -- The first and the last day of the membership (the last open while it lasts).
    began_on         date NOT NULL,
    ended_on         date,
    -- The member who took over, when this one was replaced.
    replaced_by      bigint,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT roster_members_pkey PRIMARY KEY (region_id, id),
    CONSTRAINT roster_members_roster_fkey FOREIGN KEY (region_id, roster_id) REFERENCES rosters (region_id, id),
    CONSTRAINT roster_members_replaced_by_fkey FOREIGN KEY (region_id, replaced_by) REFERENCES roster_members (region_id, id),
    CONSTRAINT roster_members_dates CHECK (ended_on IS NULL OR ended_on >= began_on)
);
CREATE INDEX roster_members_roster_idx ON roster_members (region_id, roster_id, id);

ALTER TABLE rosters ENABLE ROW LEVEL SECURITY;
ALTER TABLE rosters FORCE ROW LEVEL SECURITY;
CREATE POLICY rosters_in_scope ON rosters
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));
ALTER TABLE roster_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE roster_members FORCE ROW LEVEL SECURITY;
CREATE POLICY roster_members_in_scope ON roster_members
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));

GRANT SELECT ON group_roles TO prevention_app;
GRANT SELECT, INSERT, UPDATE ON rosters, roster_members TO prevention_app;
