-- User accounts. A system table: the application governs access to it (see the catalog check),
-- because login must find an account before any scope is known.
CREATE TABLE accounts (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username              text NOT NULL CHECK (username ~ '^[A-Za-z0-9_.-]{3,32}$'),
    display_name          text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 50),
    role                  text CHECK (role IN (
                              'province_officer', 'city_officer', 'partner_officer',
                              'agency_officer', 'expert', 'sys_admin', 'security_admin',
                              'auditor')),
    region_id             bigint REFERENCES regions (id),
    department_kind       text CHECK (department_kind IN (
                              'hrss', 'industry_it', 'finance', 'housing', 'transport',
                              'health', 'emergency', 'union', 'market_regulation',
                              'social_insurance')),
    password_hash         text NOT NULL,
    must_change_password  boolean NOT NULL DEFAULT true,
    password_changed_at   timestamptz NOT NULL DEFAULT now(),
    disabled_at           timestamptz,
    version               integer NOT NULL DEFAULT 1,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);

-- Usernames are unique regardless of case.
CREATE UNIQUE INDEX accounts_username_key ON accounts (lower(username));
