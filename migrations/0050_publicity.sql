-- Publicity (宣传): a region's campaigns and events, logged by city officers or by a partner
-- department for its own, with their materials as attachments (record kind 'publicity_event');
-- and the region's warning-education bases (警示教育基地).
CREATE TABLE publicity_events (
    region_id          bigint NOT NULL REFERENCES regions (id),
    id                 bigint GENERATED ALWAYS AS IDENTITY,
    held_on            date NOT NULL,
    ends_on            date NOT NULL,
    kind               text NOT NULL CHECK (kind IN ('disease_law_week', 'safety_month', 'warning_education',
                                                     'media', 'online', 'other')),
    title              text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    -- The department that held it (a partner officer's own).
    department         text NOT NULL CHECK (department ~ '^[a-z_]{1,40}$'),
    audience           integer NOT NULL DEFAULT 0 CHECK (audience BETWEEN 0 AND 100000000),
    project_id         bigint,
    summary            text NOT NULL DEFAULT '' CHECK (length(summary) <= 2000),
    created_by         bigint NOT NULL REFERENCES accounts (id),
    created_by_name    text NOT NULL CHECK (length(created_by_name) <= 50),
    version            integer NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT publicity_events_pkey PRIMARY KEY (region_id, id),
    CONSTRAINT publicity_events_dates_ordered CHECK (ends_on >= held_on),
    CONSTRAINT publicity_events_project_fkey FOREIGN KEY (region_id, project_id) REFERENCES projects (region_id, id)
);
CREATE INDEX publicity_events_list_idx ON publicity_events (region_id, held_on DESC, id DESC);
CREATE INDEX publicity_events_day_idx ON publicity_events (held_on, region_id);

CREATE TABLE warning_bases (
    region_id          bigint NOT NULL REFERENCES regions (id),
    id                 bigint GENERATED ALWAYS AS IDENTITY,
    name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    place              text NOT NULL CHECK (length(place) BETWEEN 1 AND 200),
    operator           text NOT NULL CHECK (length(operator) BETWEEN 1 AND 100),
    visitors_per_year  integer NOT NULL DEFAULT 0 CHECK (visitors_per_year BETWEEN 0 AND 100000000),
    version            integer NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT warning_bases_pkey PRIMARY KEY (region_id, id),
    CONSTRAINT warning_bases_name_key UNIQUE (region_id, name)
);

ALTER TABLE publicity_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE publicity_events FORCE ROW LEVEL SECURITY;
CREATE POLICY publicity_events_in_scope ON publicity_events
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));
ALTER TABLE warning_bases ENABLE ROW LEVEL SECURITY;
ALTER TABLE warning_bases FORCE ROW LEVEL SECURITY;
CREATE POLICY warning_bases_in_scope ON warning_bases
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));
GRANT SELECT, INSERT, UPDATE, DELETE ON publicity_events, warning_bases TO prevention_app;
