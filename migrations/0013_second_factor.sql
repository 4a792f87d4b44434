-- TOTP second factor (RFC 6238): mandatory for the three administrators, optional for everyone
-- by policy. A secret being enrolled stays pending until a first code confirms it.
ALTER TABLE accounts
    ADD COLUMN totp_secret          text CHECK (totp_secret ~ '^[A-Z2-7]{32}$'),
    ADD COLUMN totp_pending_secret  text CHECK (totp_pending_secret ~ '^[A-Z2-7]{32}$'),
    ADD COLUMN totp_enabled_at      timestamptz,
    -- The last time step accepted: a code is good once.
    ADD COLUMN totp_last_step       bigint;

-- One-time recovery codes, stored as SHA-256 (they are long random strings).
CREATE TABLE recovery_codes (
    account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    code_hash   bytea NOT NULL CHECK (length(code_hash) = 32),
    used_at     timestamptz,
    PRIMARY KEY (account_id, code_hash)
);
GRANT SELECT, INSERT, UPDATE, DELETE ON recovery_codes TO prevention_app;

-- A sign-in that still owes its second factor reaches only the code page.
ALTER TABLE sessions ADD COLUMN second_factor_pending boolean NOT NULL DEFAULT false;

ALTER TABLE security_policy ADD COLUMN totp_required_for_all boolean;
