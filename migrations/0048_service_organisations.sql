-- Third-party professional service organisations (第三方专业技术服务机构) and the province's
-- recommended list (推荐清单) of online training platforms and institutions. The province keeps
-- them; every officer reads them (a city sees the list and the organisations serving it).
-- `region_id` is the keeping province's region: the listing's history is filed under it.
CREATE FUNCTION app_officer_scope() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT coalesce(NULLIF(current_setting('app.scope', true), '') IN ('province', 'region'), false)
$$;
CREATE FUNCTION app_province_scope() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT coalesce(NULLIF(current_setting('app.scope', true), '') = 'province', false)
$$;

CREATE TABLE service_organisations (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region_id          bigint NOT NULL REFERENCES regions (id),
    credit_code        text NOT NULL CHECK (credit_code ~ '^[0-9A-HJ-NP-RTUW-Y]{18}$'),
    name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    kind               text NOT NULL CHECK (kind IN ('training', 'online_platform', 'consulting', 'other')),
    contact_person     text NOT NULL DEFAULT '' CHECK (length(contact_person) <= 50),
    contact_phone      text NOT NULL DEFAULT '' CHECK (length(contact_phone) <= 30),
    address            text NOT NULL DEFAULT '' CHECK (length(address) <= 200),
    -- Where the organisation stands on the recommended list; every change is a step of the
    -- shared workflow history (record kind 'organisation').
    listing_status     text NOT NULL DEFAULT 'unlisted'
                       CHECK (listing_status IN ('unlisted', 'listed', 'suspended', 'removed')),
    listed_from        date,
    listed_until       date,
    -- The reason and day of the last suspension or removal.
    status_reason      text NOT NULL DEFAULT '' CHECK (length(status_reason) <= 2000),
    status_changed_on  date,
    version            integer NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    search_key         text GENERATED ALWAYS AS (lower(name || ' ' || credit_code)) STORED,
    CONSTRAINT service_organisations_credit_code_key UNIQUE (credit_code),
    CONSTRAINT service_organisations_listed_period CHECK (listed_until IS NULL OR listed_from IS NULL
                                                          OR listed_until >= listed_from),
    CONSTRAINT service_organisations_listed_has_from CHECK (listing_status = 'unlisted' OR listed_from IS NOT NULL)
);
CREATE INDEX service_organisations_status_idx ON service_organisations (listing_status, name);

-- The regions an organisation serves.
CREATE TABLE organisation_regions (
    organisation_id    bigint NOT NULL REFERENCES service_organisations (id) ON DELETE CASCADE,
    region_id          bigint NOT NULL REFERENCES regions (id),
    CONSTRAINT organisation_regions_pkey PRIMARY KEY (organisation_id, region_id)
);
CREATE INDEX organisation_regions_region_idx ON organisation_regions (region_id, organisation_id);

-- Qualifications (资质) with their validity; open-ended when `valid_until` is empty.
CREATE TABLE organisation_qualifications (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id    bigint NOT NULL REFERENCES service_organisations (id) ON DELETE CASCADE,
    name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    number             text NOT NULL DEFAULT '' CHECK (length(number) <= 50),
    issuer             text NOT NULL DEFAULT '' CHECK (length(issuer) <= 100),
    valid_from         date NOT NULL,
    valid_until        date,
    CONSTRAINT organisation_qualifications_period CHECK (valid_until IS NULL OR valid_until >= valid_from)
);
CREATE INDEX organisation_qualifications_organisation_idx ON organisation_qualifications (organisation_id, valid_from);

-- A training session's provider from the list; none: an unlisted provider, recorded by name.
ALTER TABLE training_sessions ADD CONSTRAINT training_sessions_provider_fkey
    FOREIGN KEY (provider_id) REFERENCES service_organisations (id);
CREATE INDEX training_sessions_provider_idx ON training_sessions (provider_id, starts_on DESC, id DESC)
    WHERE provider_id IS NOT NULL;

-- Read by every officer, written by province officers only.
ALTER TABLE service_organisations ENABLE ROW LEVEL SECURITY;
ALTER TABLE service_organisations FORCE ROW LEVEL SECURITY;
CREATE POLICY service_organisations_read ON service_organisations FOR SELECT USING (app_officer_scope());
CREATE POLICY service_organisations_insert ON service_organisations FOR INSERT WITH CHECK (app_province_scope());
CREATE POLICY service_organisations_update ON service_organisations FOR UPDATE
    USING (app_province_scope()) WITH CHECK (app_province_scope());
ALTER TABLE organisation_regions ENABLE ROW LEVEL SECURITY;
ALTER TABLE organisation_regions FORCE ROW LEVEL SECURITY;
CREATE POLICY organisation_regions_read ON organisation_regions FOR SELECT USING (app_officer_scope());
CREATE POLICY organisation_regions_insert ON organisation_regions FOR INSERT WITH CHECK (app_province_scope());
CREATE POLICY organisation_regions_delete ON organisation_regions FOR DELETE USING (app_province_scope());
ALTER TABLE organisation_qualifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE organisation_qualifications FORCE ROW LEVEL SECURITY;
CREATE POLICY organisation_qualifications_read ON organisation_qualifications FOR SELECT USING (app_officer_scope());
CREATE POLICY organisation_qualifications_insert ON organisation_qualifications FOR INSERT
    WITH CHECK (app_province_scope());
CREATE POLICY organisation_qualifications_delete ON organisation_qualifications FOR DELETE
    USING (app_province_scope());

GRANT SELECT, INSERT, UPDATE ON service_organisations TO prevention_app;
GRANT SELECT, INSERT, DELETE ON organisation_regions, organisation_qualifications TO prevention_app;
