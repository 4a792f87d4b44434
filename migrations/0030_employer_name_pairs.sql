-- Searching employers by a few Chinese characters, fast at 200,000 employers under row-level
-- security (measured: the character-pair array of 0029 was read past, row by row). Two things
-- rule out an index on the text itself: a trigram index cannot serve a
-- search of two characters (化工, 建筑: most Chinese words), and under row-level security
-- PostgreSQL uses an index only for leakproof operators (equality, not LIKE or @>), so any
-- such index would be read past, row by row. So each name's character pairs are kept as rows
-- (region, employer, pair) with a btree that leads with the pair: a search narrows by equality
-- on its pairs, then LIKE confirms the order on those few rows. Kept by statement triggers, so
-- a batch insert of 100,000 employers writes their pairs in one statement. A query reads the
-- rows of its first pair in (region, employer) order (`employers::store::search_of`).
DROP INDEX employers_search_bigrams_idx;
ALTER TABLE employers DROP COLUMN search_bigrams;

CREATE TABLE employer_name_pairs (
    pair         text NOT NULL,
    region_id    bigint NOT NULL,
    employer_id  bigint NOT NULL,
    CONSTRAINT employer_name_pairs_pkey PRIMARY KEY (pair, region_id, employer_id),
    CONSTRAINT employer_name_pairs_employer_fkey FOREIGN KEY (region_id, employer_id)
        REFERENCES employers (region_id, id) ON DELETE CASCADE
);
ALTER TABLE employer_name_pairs ENABLE ROW LEVEL SECURITY;
ALTER TABLE employer_name_pairs FORCE ROW LEVEL SECURITY;
CREATE POLICY employer_name_pairs_in_scope ON employer_name_pairs
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));
GRANT SELECT, INSERT, DELETE ON employer_name_pairs TO prevention_app;

CREATE FUNCTION employer_name_pairs_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO employer_name_pairs (pair, region_id, employer_id)
    SELECT DISTINCT p, n.region_id, n.id FROM new_rows n, unnest(text_bigrams(lower(n.name))) AS p;
    RETURN NULL;
END
$$;

CREATE FUNCTION employer_name_pairs_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM employer_name_pairs x USING new_rows n, old_rows o
    WHERE o.region_id = n.region_id AND o.id = n.id AND o.name IS DISTINCT FROM n.name
      AND x.region_id = n.region_id AND x.employer_id = n.id;
    INSERT INTO employer_name_pairs (pair, region_id, employer_id)
    SELECT DISTINCT p, n.region_id, n.id
    FROM new_rows n JOIN old_rows o ON o.region_id = n.region_id AND o.id = n.id AND o.name IS DISTINCT FROM n.name,
         unnest(text_bigrams(lower(n.name))) AS p;
    RETURN NULL;
END
$$;

CREATE TRIGGER employers_name_pairs_insert AFTER INSERT ON employers
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION employer_name_pairs_inserted();
CREATE TRIGGER employers_name_pairs_update AFTER UPDATE ON employers
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION employer_name_pairs_updated();

-- The pairs of the employers already registered (the owner, too, sees rows only in a scope).
SELECT set_config('app.scope', 'province', true);
INSERT INTO employer_name_pairs (pair, region_id, employer_id)
SELECT DISTINCT p, e.region_id, e.id FROM employers e, unnest(text_bigrams(lower(e.name))) AS p;

-- A whole credit code is found by equality (leakproof, so the index serves it).
CREATE INDEX employers_credit_code_idx ON employers (credit_code);
