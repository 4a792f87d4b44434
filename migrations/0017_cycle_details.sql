-- Province officers edit the cycles loaded from the province file (optimistic locking), and
-- each cycle lists its tasks (the ten tasks of the seed for 2021–2025), which plans assign to
-- departments and the annual report answers one by one.
ALTER TABLE cycles
    ADD COLUMN version     integer NOT NULL DEFAULT 1,
    ADD COLUMN updated_at  timestamptz NOT NULL DEFAULT now();

CREATE TABLE cycle_tasks (
    cycle_id   bigint NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key        text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{1,39}$'),
    position   integer NOT NULL,
    title      text NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
    summary    text NOT NULL DEFAULT '' CHECK (length(summary) <= 1000),
    CONSTRAINT cycle_tasks_cycle_key_key UNIQUE (cycle_id, key)
);

GRANT SELECT ON cycle_tasks TO prevention_app;
GRANT UPDATE ON cycles TO prevention_app;
GRANT INSERT, UPDATE, DELETE ON cycle_tasks, cycle_departments TO prevention_app;
