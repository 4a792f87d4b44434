-- The expert review's panels: how a round's panels are made up (per specialty, at least three
-- experts in all) and when the spread of their totals is flagged; every draw as recorded (the
-- seed the operating system gave, the candidate list frozen in its order, the picks, who and
-- when, and for a replacement whom it replaced and why); and each project's panel members.
ALTER TABLE project_rounds
    ADD COLUMN panel_mix jsonb NOT NULL DEFAULT
        '[{"specialty":"prevention","count":2},{"specialty":"work_safety","count":1},{"specialty":"occupational_health","count":1},{"specialty":"finance","count":1}]',
    ADD COLUMN spread_threshold smallint NOT NULL DEFAULT 20 CHECK (spread_threshold BETWEEN 1 AND 100);

CREATE TABLE expert_draws (
    region_id        bigint NOT NULL REFERENCES regions (id),
    id               bigint GENERATED ALWAYS AS IDENTITY,
    project_id       bigint NOT NULL,
    seed             bytea NOT NULL CHECK (length(seed) = 32),
    generator        text NOT NULL DEFAULT 'ChaCha20' CHECK (generator = 'ChaCha20'),
    candidates       jsonb NOT NULL,
    mix              jsonb NOT NULL,
    picks            bigint[] NOT NULL,
    replaced_expert  bigint,
    reason           text NOT NULL DEFAULT '' CHECK (length(reason) <= 500),
    drawn_by         bigint NOT NULL REFERENCES accounts (id),
    drawn_by_name    text NOT NULL CHECK (length(drawn_by_name) <= 50),
    drawn_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT expert_draws_pkey PRIMARY KEY (region_id, id),
    CONSTRAINT expert_draws_project_fkey FOREIGN KEY (region_id, project_id) REFERENCES projects (region_id, id),
    CONSTRAINT expert_draws_replacement_has_reason CHECK ((replaced_expert IS NULL) = (reason = ''))
);
CREATE INDEX expert_draws_project_idx ON expert_draws (region_id, project_id, id);

CREATE TABLE panel_members (
    region_id    bigint NOT NULL REFERENCES regions (id),
    project_id   bigint NOT NULL,
    expert_id    bigint NOT NULL,
    draw_id      bigint NOT NULL,
    -- The draw that replaced this member, if one did.
    replaced_by  bigint,
    CONSTRAINT panel_members_pkey PRIMARY KEY (region_id, project_id, expert_id),
    CONSTRAINT panel_members_project_fkey FOREIGN KEY (region_id, project_id) REFERENCES projects (region_id, id),
    CONSTRAINT panel_members_draw_fkey FOREIGN KEY (region_id, draw_id) REFERENCES expert_draws (region_id, id)
);

ALTER TABLE expert_draws ENABLE ROW LEVEL SECURITY;
ALTER TABLE expert_draws FORCE ROW LEVEL SECURITY;
CREATE POLICY expert_draws_in_scope ON expert_draws
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));
ALTER TABLE panel_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE panel_members FORCE ROW LEVEL SECURITY;
CREATE POLICY panel_members_in_scope ON panel_members
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));
-- Draws are append-only: a replacement is a further draw, never an edit of one.
GRANT SELECT, INSERT ON expert_draws TO prevention_app;
GRANT SELECT, INSERT, UPDATE ON panel_members TO prevention_app;
