-- Departments (成员单位) of a region: HRSS, the partner departments of the joint mechanism and
-- the social insurance agency. Region-owned: region_id leads every key.
CREATE TABLE departments (
    region_id       bigint NOT NULL REFERENCES regions (id),
    id              bigint GENERATED ALWAYS AS IDENTITY,
    kind            text NOT NULL CHECK (kind IN (
                        'hrss', 'industry_it', 'finance', 'housing', 'transport', 'health',
                        'emergency', 'union', 'market_regulation', 'social_insurance')),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    contact_person  text NOT NULL DEFAULT '' CHECK (length(contact_person) <= 50),
    contact_phone   text NOT NULL DEFAULT '' CHECK (length(contact_phone) <= 30),
    address         text NOT NULL DEFAULT '' CHECK (length(address) <= 200),
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT departments_pkey PRIMARY KEY (region_id, id),
    CONSTRAINT departments_region_kind_key UNIQUE (region_id, kind)
);
