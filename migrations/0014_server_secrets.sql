-- Keys the application derives tokens from, shared by every instance because they live here.
-- 'prelogin' signs the login form's CSRF token, so showing the login page writes nothing.
-- gen_random_uuid() draws from PostgreSQL's strong random source; two of them give 244 random bits.
CREATE TABLE server_secrets (
    name        text PRIMARY KEY CHECK (name ~ '^[a-z_]{1,32}$'),
    secret      bytea NOT NULL CHECK (length(secret) >= 32),
    created_at  timestamptz NOT NULL DEFAULT now()
);

INSERT INTO server_secrets (name, secret)
VALUES ('prelogin', decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));

GRANT SELECT ON server_secrets TO prevention_app;

-- Pre-login rows are no longer written (the login form's token is signed instead).
DELETE FROM sessions WHERE account_id IS NULL;
