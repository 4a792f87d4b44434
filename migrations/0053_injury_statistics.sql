-- Injury statistics (信息交换): per region, year and province key industry (by its key, which
-- stays the same across cycles) the workers insured against work injury (工伤保险参保人数), the
-- recognised work injuries (认定工伤人数), the deaths (工亡人数) and the occupational-disease
-- cases (职业病病例数), entered or imported by the city. The accident rate (‰) is computed from
-- the sums, never stored. The four figures are kept independent: no rule ties one to another.
CREATE TABLE injury_statistics (
    region_id        bigint NOT NULL REFERENCES regions (id),
    year             smallint NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    industry         text NOT NULL REFERENCES key_industries (key),
    insured          bigint NOT NULL CHECK (insured >= 0),
    injuries         integer NOT NULL CHECK (injuries >= 0),
    deaths           integer NOT NULL CHECK (deaths >= 0),
    disease_cases    integer NOT NULL CHECK (disease_cases >= 0),
    updated_by       bigint REFERENCES accounts (id),
    updated_by_name  text NOT NULL DEFAULT '' CHECK (length(updated_by_name) <= 50),
    version          integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT injury_statistics_pkey PRIMARY KEY (region_id, year, industry)
);

ALTER TABLE injury_statistics ENABLE ROW LEVEL SECURITY;
ALTER TABLE injury_statistics FORCE ROW LEVEL SECURITY;
CREATE POLICY injury_statistics_in_scope ON injury_statistics
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));
GRANT SELECT, INSERT, UPDATE, DELETE ON injury_statistics TO prevention_app;
