-- What 等保 level 3 asks of accounts: lockout after consecutive failures, password history and
-- age, the last sign-in (for dormant accounts), and a mark on demo accounts.
ALTER TABLE accounts
    ADD COLUMN failed_logins  integer NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    ADD COLUMN locked_until   timestamptz,
    ADD COLUMN last_login_at  timestamptz,
    ADD COLUMN demo           boolean NOT NULL DEFAULT false;

-- Earlier password hashes, so the last ones cannot be used again.
CREATE TABLE password_history (
    account_id     bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    password_hash  text NOT NULL,
    changed_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, changed_at)
);

GRANT SELECT, INSERT, DELETE ON password_history TO prevention_app;
