-- The working-day calendar the province keeps (DOMAIN.md "Working days"): the State Council's
-- public holidays and swapped working days, year by year. A day not listed follows the weekend
-- rule. Province data, not a region table.
CREATE TABLE calendar_days (
    day         date PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name        text NOT NULL DEFAULT '' CHECK (length(name) <= 50)
);

-- A year the province has entered (so pages can say when a year is still weekends only).
CREATE TABLE calendar_years (
    year        integer PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
    document    text NOT NULL DEFAULT '' CHECK (length(document) <= 100),
    version     integer NOT NULL DEFAULT 1,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

GRANT SELECT, INSERT, UPDATE, DELETE ON calendar_days, calendar_years TO prevention_app;
