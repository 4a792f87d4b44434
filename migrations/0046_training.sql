-- Key-position training (重点岗位培训) and its coverage (培训覆盖率).
--
-- A cycle names its key positions (the categories every key-industry employer counts its people
-- in) and, apart, the positions only platform employers (平台企业) have; and the coverage it aims
-- at by its due date. Officers enter each employer's required people per category and cycle,
-- record training sessions and their trainees (a person by ID-card number). A person is trained
-- once per cycle, employer and category however many sessions they attend, when a session of
-- the cycle has them and they passed its exam where it has one: `trained_people` holds exactly
-- those. Two tallies follow from it by triggers, so every writer (the pages, imports, the demo
-- and scale seeds) keeps them exact in its own transaction:
--   training_tallies   per employer, cycle and category: required and trained;
--   training_rollups   per region, cycle, GB/T 4754 division and category: the sums of required,
--                      of trained, and of trained capped at required (the coverage numerator),
--                      so the province's page reads a few thousand rows, never millions.
-- An employer's key industry follows from its division through the region's key industries of
-- the cycle (never stored), so the pages filter the rollups by division.

ALTER TABLE cycles ADD COLUMN platform_positions text[] NOT NULL DEFAULT '{}';
ALTER TABLE cycles ADD COLUMN coverage_target_percent numeric(5, 2) NOT NULL DEFAULT 100
    CHECK (coverage_target_percent > 0 AND coverage_target_percent <= 100);
-- The 2026–2030 plan's target names 即时配送等新就业形态劳动者 of platform employers; a cycle seeded
-- before this column existed gets it here (a new database takes it from the province file).
UPDATE cycles SET platform_positions = '{即时配送等新就业形态劳动者}' WHERE first_year = 2026;

ALTER TABLE employers ADD COLUMN platform boolean NOT NULL DEFAULT false;

CREATE TABLE training_tallies (
    region_id    bigint NOT NULL REFERENCES regions (id),
    cycle_id     bigint NOT NULL REFERENCES cycles (id),
    employer_id  bigint NOT NULL,
    category     text NOT NULL CHECK (length(category) BETWEEN 1 AND 50),
    required     integer NOT NULL DEFAULT 0 CHECK (required BETWEEN 0 AND 1000000),
    trained      integer NOT NULL DEFAULT 0 CHECK (trained >= 0),
    CONSTRAINT training_tallies_pkey PRIMARY KEY (region_id, cycle_id, employer_id, category),
    CONSTRAINT training_tallies_employer_fkey FOREIGN KEY (region_id, employer_id) REFERENCES employers (region_id, id)
);
CREATE INDEX training_tallies_employer_idx ON training_tallies (region_id, employer_id, cycle_id);

CREATE TABLE training_rollups (
    region_id      bigint NOT NULL REFERENCES regions (id),
    cycle_id       bigint NOT NULL REFERENCES cycles (id),
    division_code  text NOT NULL,
    category       text NOT NULL,
    required       bigint NOT NULL DEFAULT 0,
    trained        bigint NOT NULL DEFAULT 0,
    capped         bigint NOT NULL DEFAULT 0,
    CONSTRAINT training_rollups_pkey PRIMARY KEY (region_id, cycle_id, division_code, category)
);

CREATE TABLE training_sessions (
    region_id        bigint NOT NULL REFERENCES regions (id),
    id               bigint GENERATED ALWAYS AS IDENTITY,
    cycle_id         bigint NOT NULL REFERENCES cycles (id),
    provider_name    text NOT NULL CHECK (length(provider_name) BETWEEN 1 AND 100),
    -- The provider on the recommended list, once that list exists; none: an unlisted provider.
    provider_id      bigint,
    delivery         text NOT NULL CHECK (delivery IN ('online', 'offline')),
    starts_on        date NOT NULL,
    ends_on          date NOT NULL,
    hours            numeric(5, 1) NOT NULL CHECK (hours > 0 AND hours <= 1000),
    topic            text NOT NULL CHECK (length(topic) BETWEEN 1 AND 200),
    place            text NOT NULL DEFAULT '' CHECK (length(place) <= 200),
    has_exam         boolean NOT NULL,
    project_id       bigint,
    trainees         integer NOT NULL DEFAULT 0 CHECK (trainees >= 0),
    created_by       bigint NOT NULL REFERENCES accounts (id),
    created_by_name  text NOT NULL CHECK (length(created_by_name) <= 50),
    created_at       timestamptz NOT NULL DEFAULT now(),
    version          integer NOT NULL DEFAULT 1,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT training_sessions_pkey PRIMARY KEY (region_id, id),
    CONSTRAINT training_sessions_dates_ordered CHECK (ends_on >= starts_on),
    CONSTRAINT training_sessions_project_fkey FOREIGN KEY (region_id, project_id) REFERENCES projects (region_id, id)
);
CREATE INDEX training_sessions_list_idx ON training_sessions (region_id, starts_on DESC, id DESC);
CREATE INDEX training_sessions_cycle_idx ON training_sessions (cycle_id, starts_on DESC, id DESC);

CREATE TABLE trainees (
    region_id        bigint NOT NULL REFERENCES regions (id),
    id               bigint GENERATED ALWAYS AS IDENTITY,
    session_id       bigint NOT NULL,
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    -- In full (a person is counted once by it); pages and exports show it masked.
    id_number        text NOT NULL CHECK (id_number ~ '^[0-9]{17}[0-9X]$'),
    employer_id      bigint NOT NULL,
    category         text NOT NULL CHECK (length(category) BETWEEN 1 AND 50),
    -- Where the session has an exam: passed or not (not yet known: none).
    exam_passed      boolean,
    certificate_no   text NOT NULL DEFAULT '' CHECK (length(certificate_no) <= 50),
    created_by       bigint NOT NULL REFERENCES accounts (id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT trainees_pkey PRIMARY KEY (region_id, id),
    CONSTRAINT trainees_session_person_key UNIQUE (region_id, session_id, id_number),
    CONSTRAINT trainees_session_fkey FOREIGN KEY (region_id, session_id) REFERENCES training_sessions (region_id, id),
    CONSTRAINT trainees_employer_fkey FOREIGN KEY (region_id, employer_id) REFERENCES employers (region_id, id)
);
CREATE INDEX trainees_employer_idx ON trainees (region_id, employer_id, id);
CREATE INDEX trainees_person_idx ON trainees (region_id, id_number);

CREATE TABLE trained_people (
    region_id    bigint NOT NULL REFERENCES regions (id),
    cycle_id     bigint NOT NULL REFERENCES cycles (id),
    employer_id  bigint NOT NULL,
    category     text NOT NULL,
    id_number    text NOT NULL,
    CONSTRAINT trained_people_pkey PRIMARY KEY (region_id, cycle_id, employer_id, category, id_number)
);

-- trained_people → training_tallies.trained, set by set (a statement of 100,000 rows updates
-- each tally once).
CREATE FUNCTION training_people_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO training_tallies AS t (region_id, cycle_id, employer_id, category, trained)
    SELECT region_id, cycle_id, employer_id, category, count(*) FROM added
    GROUP BY region_id, cycle_id, employer_id, category
    ON CONFLICT (region_id, cycle_id, employer_id, category) DO UPDATE SET trained = t.trained + EXCLUDED.trained;
    RETURN NULL;
END $$;
CREATE FUNCTION training_people_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE training_tallies t SET trained = t.trained - r.n
    FROM (SELECT region_id, cycle_id, employer_id, category, count(*) AS n FROM removed
          GROUP BY region_id, cycle_id, employer_id, category) r
    WHERE t.region_id = r.region_id AND t.cycle_id = r.cycle_id AND t.employer_id = r.employer_id
      AND t.category = r.category;
    RETURN NULL;
END $$;
CREATE TRIGGER trained_people_added AFTER INSERT ON trained_people
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION training_people_added();
CREATE TRIGGER trained_people_removed AFTER DELETE ON trained_people
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION training_people_removed();

-- training_tallies → training_rollups: what a statement's new rows add and its old rows take
-- away, summed per division and category.
CREATE FUNCTION training_tallies_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO training_rollups AS r (region_id, cycle_id, division_code, category, required, trained, capped)
    SELECT n.region_id, n.cycle_id, e.division_code, n.category, sum(n.required), sum(n.trained),
           sum(least(n.trained, n.required))
    FROM new_tallies n JOIN employers e ON e.region_id = n.region_id AND e.id = n.employer_id
    GROUP BY n.region_id, n.cycle_id, e.division_code, n.category
    ON CONFLICT (region_id, cycle_id, division_code, category) DO UPDATE
        SET required = r.required + EXCLUDED.required, trained = r.trained + EXCLUDED.trained,
            capped = r.capped + EXCLUDED.capped;
    RETURN NULL;
END $$;
CREATE FUNCTION training_tallies_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO training_rollups AS r (region_id, cycle_id, division_code, category, required, trained, capped)
    SELECT d.region_id, d.cycle_id, e.division_code, d.category, sum(d.required), sum(d.trained), sum(d.capped)
    FROM (SELECT region_id, cycle_id, employer_id, category, required, trained, least(trained, required) AS capped
          FROM new_tallies
          UNION ALL
          SELECT region_id, cycle_id, employer_id, category, -required, -trained, -least(trained, required)
          FROM old_tallies) d
    JOIN employers e ON e.region_id = d.region_id AND e.id = d.employer_id
    GROUP BY d.region_id, d.cycle_id, e.division_code, d.category
    ON CONFLICT (region_id, cycle_id, division_code, category) DO UPDATE
        SET required = r.required + EXCLUDED.required, trained = r.trained + EXCLUDED.trained,
            capped = r.capped + EXCLUDED.capped;
    RETURN NULL;
END $$;
CREATE TRIGGER training_tallies_inserted AFTER INSERT ON training_tallies
    REFERENCING NEW TABLE AS new_tallies FOR EACH STATEMENT EXECUTE FUNCTION training_tallies_inserted();
CREATE TRIGGER training_tallies_updated AFTER UPDATE ON training_tallies
    REFERENCING OLD TABLE AS old_tallies NEW TABLE AS new_tallies
    FOR EACH STATEMENT EXECUTE FUNCTION training_tallies_updated();

-- An employer moved to another division takes its tallies to that division's rollups.
CREATE FUNCTION training_employer_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO training_rollups AS r (region_id, cycle_id, division_code, category, required, trained, capped)
    SELECT t.region_id, t.cycle_id, d.code, t.category, sum(d.sign * t.required), sum(d.sign * t.trained),
           sum(d.sign * least(t.trained, t.required))
    FROM training_tallies t
    CROSS JOIN (VALUES (OLD.division_code, -1), (NEW.division_code, 1)) AS d (code, sign)
    WHERE t.region_id = NEW.region_id AND t.employer_id = NEW.id
    GROUP BY t.region_id, t.cycle_id, d.code, t.category
    ON CONFLICT (region_id, cycle_id, division_code, category) DO UPDATE
        SET required = r.required + EXCLUDED.required, trained = r.trained + EXCLUDED.trained,
            capped = r.capped + EXCLUDED.capped;
    RETURN NULL;
END $$;
CREATE TRIGGER employers_training_moved AFTER UPDATE OF division_code ON employers
    FOR EACH ROW WHEN (OLD.division_code IS DISTINCT FROM NEW.division_code)
    EXECUTE FUNCTION training_employer_moved();

ALTER TABLE training_tallies ENABLE ROW LEVEL SECURITY;
ALTER TABLE training_tallies FORCE ROW LEVEL SECURITY;
CREATE POLICY training_tallies_in_scope ON training_tallies
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));
ALTER TABLE training_rollups ENABLE ROW LEVEL SECURITY;
ALTER TABLE training_rollups FORCE ROW LEVEL SECURITY;
CREATE POLICY training_rollups_in_scope ON training_rollups
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));
ALTER TABLE training_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE training_sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY training_sessions_in_scope ON training_sessions
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));
ALTER TABLE trainees ENABLE ROW LEVEL SECURITY;
ALTER TABLE trainees FORCE ROW LEVEL SECURITY;
CREATE POLICY trainees_in_scope ON trainees
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));
ALTER TABLE trained_people ENABLE ROW LEVEL SECURITY;
ALTER TABLE trained_people FORCE ROW LEVEL SECURITY;
CREATE POLICY trained_people_in_scope ON trained_people
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));

GRANT SELECT, INSERT, UPDATE ON training_tallies, training_rollups TO prevention_app;
-- A session is removed only while it has no trainees (the foreign key refuses otherwise).
GRANT SELECT, INSERT, UPDATE, DELETE ON training_sessions TO prevention_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON trainees TO prevention_app;
GRANT SELECT, INSERT, DELETE ON trained_people TO prevention_app;
