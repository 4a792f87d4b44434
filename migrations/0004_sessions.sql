-- Server-side sessions. The cookie holds a random id; only its SHA-256 is stored, so a leaked
-- table does not hand out live sessions. account_id is NULL for a pre-login session (CSRF token
-- of the login form).
CREATE TABLE sessions (
    id_hash       bytea PRIMARY KEY CHECK (length(id_hash) = 32),
    account_id    bigint REFERENCES accounts (id) ON DELETE CASCADE,
    csrf_token    text NOT NULL,
    client_addr   text,
    user_agent    text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL
);

CREATE INDEX sessions_account_id_idx ON sessions (account_id);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);
