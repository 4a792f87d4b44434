-- Each employer's totals of a cycle (required, and trained capped per category before the sum),
-- with its division, kept by the tallies' triggers as the division rollups are: the list of
-- employers below the target ranks a region's rows here instead of summing its tallies on every
-- request (tens of thousands at N = 10).
CREATE TABLE training_employer_totals (
    region_id      bigint NOT NULL REFERENCES regions (id),
    cycle_id       bigint NOT NULL REFERENCES cycles (id),
    employer_id    bigint NOT NULL,
    division_code  text NOT NULL,
    required       bigint NOT NULL DEFAULT 0,
    capped         bigint NOT NULL DEFAULT 0,
    CONSTRAINT training_employer_totals_pkey PRIMARY KEY (region_id, cycle_id, employer_id)
);
CREATE INDEX training_employer_totals_division_idx ON training_employer_totals (region_id, cycle_id, division_code);

INSERT INTO training_employer_totals (region_id, cycle_id, employer_id, division_code, required, capped)
SELECT t.region_id, t.cycle_id, t.employer_id, e.division_code, sum(t.required), sum(least(t.trained, t.required))
FROM training_tallies t JOIN employers e ON e.region_id = t.region_id AND e.id = t.employer_id
GROUP BY t.region_id, t.cycle_id, t.employer_id, e.division_code;

CREATE OR REPLACE FUNCTION training_tallies_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO training_rollups AS r (region_id, cycle_id, division_code, category, required, trained, capped)
    SELECT n.region_id, n.cycle_id, e.division_code, n.category, sum(n.required), sum(n.trained),
           sum(least(n.trained, n.required))
    FROM new_tallies n JOIN employers e ON e.region_id = n.region_id AND e.id = n.employer_id
    GROUP BY n.region_id, n.cycle_id, e.division_code, n.category
    ON CONFLICT (region_id, cycle_id, division_code, category) DO UPDATE
        SET required = r.required + EXCLUDED.required, trained = r.trained + EXCLUDED.trained,
            capped = r.capped + EXCLUDED.capped;
    INSERT INTO training_employer_totals AS t (region_id, cycle_id, employer_id, division_code, required, capped)
    SELECT n.region_id, n.cycle_id, n.employer_id, e.division_code, sum(n.required), sum(least(n.trained, n.required))
    FROM new_tallies n JOIN employers e ON e.region_id = n.region_id AND e.id = n.employer_id
    GROUP BY n.region_id, n.cycle_id, n.employer_id, e.division_code
    ON CONFLICT (region_id, cycle_id, employer_id) DO UPDATE
        SET required = t.required + EXCLUDED.required, capped = t.capped + EXCLUDED.capped;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION training_tallies_updated() RETURNS trigger LANGUAGE plpgsql AS $$
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
    INSERT INTO training_employer_totals AS t (region_id, cycle_id, employer_id, division_code, required, capped)
    SELECT d.region_id, d.cycle_id, d.employer_id, e.division_code, sum(d.required), sum(d.capped)
    FROM (SELECT region_id, cycle_id, employer_id, required, least(trained, required) AS capped FROM new_tallies
          UNION ALL
          SELECT region_id, cycle_id, employer_id, -required, -least(trained, required) FROM old_tallies) d
    JOIN employers e ON e.region_id = d.region_id AND e.id = d.employer_id
    GROUP BY d.region_id, d.cycle_id, d.employer_id, e.division_code
    ON CONFLICT (region_id, cycle_id, employer_id) DO UPDATE
        SET required = t.required + EXCLUDED.required, capped = t.capped + EXCLUDED.capped;
    RETURN NULL;
END $$;

-- An employer moved to another division: its totals name the new one.
CREATE OR REPLACE FUNCTION training_employer_moved() RETURNS trigger LANGUAGE plpgsql AS $$
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
    UPDATE training_employer_totals SET division_code = NEW.division_code
    WHERE region_id = NEW.region_id AND employer_id = NEW.id;
    RETURN NULL;
END $$;

ALTER TABLE training_employer_totals ENABLE ROW LEVEL SECURITY;
ALTER TABLE training_employer_totals FORCE ROW LEVEL SECURITY;
CREATE POLICY training_employer_totals_in_scope ON training_employer_totals
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));
GRANT SELECT, INSERT, UPDATE ON training_employer_totals TO prevention_app;
