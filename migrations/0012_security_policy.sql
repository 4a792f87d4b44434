-- The security administrator's runtime policy. One row; a NULL field means "the value of the
-- configuration file". A value here wins over the file.
CREATE TABLE security_policy (
    singleton                      boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    password_min_length            integer CHECK (password_min_length BETWEEN 10 AND 64),
    password_max_age_days          integer CHECK (password_max_age_days BETWEEN 1 AND 365),
    password_history               integer CHECK (password_history BETWEEN 1 AND 24),
    lockout_threshold              integer CHECK (lockout_threshold BETWEEN 3 AND 10),
    lockout_minutes                integer CHECK (lockout_minutes BETWEEN 1 AND 1440),
    session_idle_timeout_secs      integer CHECK (session_idle_timeout_secs BETWEEN 60 AND 86400),
    session_absolute_timeout_secs  integer CHECK (session_absolute_timeout_secs BETWEEN 600 AND 86400),
    version                        integer NOT NULL DEFAULT 1,
    updated_at                     timestamptz NOT NULL DEFAULT now(),
    updated_by                     bigint REFERENCES accounts (id)
);

GRANT SELECT, INSERT, UPDATE ON security_policy TO prevention_app;
