-- Every key the province file ever seeded. A key found here is never seeded again, so an
-- officer's later edit or deletion is kept.
CREATE TABLE seed_log (
    entity     text NOT NULL,
    key        text NOT NULL,
    seeded_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (entity, key)
);
