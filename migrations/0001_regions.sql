-- Regions are the tenants: the provincial level (省本级) and its prefecture-level cities.
-- Reference data, readable by every signed-in user, so it carries no row-level security.
CREATE TABLE regions (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        text NOT NULL CHECK (code ~ '^[0-9]{6}$'),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    level       text NOT NULL CHECK (level IN ('province', 'city')),
    parent_id   bigint REFERENCES regions (id),
    sort_order  integer NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT regions_code_key UNIQUE (code),
    CONSTRAINT regions_city_has_parent CHECK ((level = 'city') = (parent_id IS NOT NULL))
);
