-- Searching employers by a few Chinese characters. A trigram index cannot serve a search of two
-- characters (化工, 建筑: most Chinese words), and what it makes of non-ASCII text depends on
-- the cluster's locale; so the search key's character pairs are kept in an array with a GIN
-- index: any query of two characters or more narrows to the rows holding all its pairs, and
-- LIKE confirms the order. The same pairs are computed in Rust for the query
-- (`employers::store::bigrams`).
CREATE FUNCTION text_bigrams(value text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (SELECT coalesce(array_agg(DISTINCT substr(value, i, 2)), '{}')
            FROM generate_series(1, length(value) - 1) AS i);

ALTER TABLE employers ADD COLUMN search_bigrams text[] GENERATED ALWAYS AS (text_bigrams(lower(name || ' ' || credit_code))) STORED;
CREATE INDEX employers_search_bigrams_idx ON employers USING gin (search_bigrams);
DROP INDEX employers_search_idx;

-- The open action items of every region by due date: the province's overdue list.
CREATE INDEX meeting_action_items_open_due_idx ON meeting_action_items (due_on, id) WHERE closed_on IS NULL;
