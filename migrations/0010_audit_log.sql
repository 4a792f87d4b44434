-- The audit log (SECURITY.md "Audit"): append-only. The runtime role may INSERT and SELECT it,
-- nothing else, so no request can rewrite history; retention purges run as the owner.
CREATE TABLE audit_log (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at  timestamptz NOT NULL DEFAULT now(),
    -- Who: copied, not referenced, so a record stays readable whatever happens to the account.
    account_id   bigint,
    username     text CHECK (length(username) <= 64),
    role         text CHECK (length(role) <= 32),
    region_id    bigint,
    -- What.
    action       text NOT NULL CHECK (action ~ '^[a-z_]+(\.[a-z_]+)+$' AND length(action) <= 64),
    object_type  text CHECK (length(object_type) <= 64),
    object_id    text CHECK (length(object_id) <= 64),
    success      boolean NOT NULL,
    detail       text CHECK (length(detail) <= 500),
    -- Personal data in these copies is masked by the writer.
    before       jsonb,
    after        jsonb,
    -- Where from.
    client_addr  text CHECK (length(client_addr) <= 64),
    request_id   text CHECK (length(request_id) <= 64)
);

CREATE INDEX audit_log_occurred_at_idx ON audit_log (occurred_at DESC);
CREATE INDEX audit_log_object_idx ON audit_log (object_type, object_id, occurred_at DESC);
CREATE INDEX audit_log_account_idx ON audit_log (account_id, occurred_at DESC);
CREATE INDEX audit_log_action_idx ON audit_log (action, occurred_at DESC);

GRANT SELECT, INSERT ON audit_log TO prevention_app;
