-- Industry reference data from the province file (seeded once by key, then edited by province
-- officers): the risk classes of 人社部发〔2015〕71号 with their base rates and floating grades, and
-- every GB/T 4754-2017 division with the class it carries.
CREATE TABLE risk_classes (
    class              smallint PRIMARY KEY CHECK (class BETWEEN 1 AND 8),
    -- % of the wage bill.
    base_rate_percent  numeric(5, 3) NOT NULL CHECK (base_rate_percent > 0 AND base_rate_percent < 10),
    -- The floating grades allowed, as % of the base rate (100 = the base).
    grades             smallint[] NOT NULL CHECK (100 = ANY (grades)),
    version            integer NOT NULL DEFAULT 1,
    updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE industry_divisions (
    code        text PRIMARY KEY CHECK (code ~ '^[A-T][0-9]{2}$'),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    risk_class  smallint NOT NULL REFERENCES risk_classes (class),
    -- Where the division-to-class mapping is uncertain (a 2017 division merging 2011 ones).
    class_note  text NOT NULL DEFAULT '' CHECK (length(class_note) <= 300),
    version     integer NOT NULL DEFAULT 1,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER risk_classes_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON risk_classes
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_version();
CREATE TRIGGER industry_divisions_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON industry_divisions
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_version();

-- Employers (用人单位) of a region. Their key industry follows from the division through the
-- region's key industries, and their risk class from the division unless overridden with a
-- reason; neither is stored, so a change to either map shows at once.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE employers (
    region_id            bigint NOT NULL REFERENCES regions (id),
    id                   bigint GENERATED ALWAYS AS IDENTITY,
    credit_code          text NOT NULL CHECK (credit_code ~ '^[0-9A-HJ-NP-RTUW-Y]{18}$'),
    name                 text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    division_code        text NOT NULL REFERENCES industry_divisions (code),
    risk_class_override  smallint CHECK (risk_class_override BETWEEN 1 AND 8),
    override_reason      text NOT NULL DEFAULT '' CHECK (length(override_reason) <= 300),
    size                 text NOT NULL CHECK (size IN ('large', 'medium', 'small', 'micro')),
    insured_headcount    integer NOT NULL DEFAULT 0 CHECK (insured_headcount BETWEEN 0 AND 10000000),
    address              text NOT NULL DEFAULT '' CHECK (length(address) <= 200),
    contact_person       text NOT NULL DEFAULT '' CHECK (length(contact_person) <= 50),
    contact_phone        text NOT NULL DEFAULT '' CHECK (length(contact_phone) <= 30),
    version              integer NOT NULL DEFAULT 1,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    -- What the text search matches: the name and the credit code, lowercased.
    search_key           text GENERATED ALWAYS AS (lower(name || ' ' || credit_code)) STORED,
    CONSTRAINT employers_pkey PRIMARY KEY (region_id, id),
    CONSTRAINT employers_region_credit_code_key UNIQUE (region_id, credit_code),
    CONSTRAINT employers_override_has_reason CHECK ((risk_class_override IS NULL) = (override_reason = ''))
);
-- A search of three characters or more over 200,000 employers reads the trigram index.
CREATE INDEX employers_search_idx ON employers USING gin (search_key gin_trgm_ops);
CREATE INDEX employers_region_division_idx ON employers (region_id, division_code, id);
CREATE INDEX employers_region_id_idx ON employers (region_id, id);

ALTER TABLE employers ENABLE ROW LEVEL SECURITY;
ALTER TABLE employers FORCE ROW LEVEL SECURITY;
CREATE POLICY employers_in_scope ON employers
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));

GRANT SELECT, UPDATE ON risk_classes, industry_divisions TO prevention_app;
GRANT SELECT, INSERT, UPDATE ON employers TO prevention_app;
