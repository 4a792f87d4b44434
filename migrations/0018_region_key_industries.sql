-- A region's own key industries for a cycle (the seed: 各市可结合实际明确本地区重点行业), beside
-- the province's list that applies to every region.
CREATE TABLE region_key_industries (
    region_id   bigint NOT NULL REFERENCES regions (id),
    id          bigint GENERATED ALWAYS AS IDENTITY,
    cycle_id    bigint NOT NULL REFERENCES cycles (id),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    divisions   text[] NOT NULL CHECK (cardinality(divisions) BETWEEN 1 AND 40),
    created_by  bigint NOT NULL REFERENCES accounts (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT region_key_industries_pkey PRIMARY KEY (region_id, id),
    CONSTRAINT region_key_industries_name_key UNIQUE (region_id, cycle_id, name)
);

ALTER TABLE region_key_industries ENABLE ROW LEVEL SECURITY;
ALTER TABLE region_key_industries FORCE ROW LEVEL SECURITY;
CREATE POLICY region_key_industries_in_scope ON region_key_industries
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));

GRANT SELECT, INSERT, DELETE ON region_key_industries TO prevention_app;
