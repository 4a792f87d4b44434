-- The runtime role prevention_app is created by the private-cluster launcher or by the operator
-- (docs/operations.md), never here: roles are cluster-wide. It owns nothing and gets only what
-- the application needs.
GRANT USAGE ON SCHEMA public TO prevention_app;
GRANT SELECT ON regions, key_industries, key_industry_divisions, cycles, cycle_departments
    TO prevention_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON departments TO prevention_app;
GRANT SELECT, INSERT, UPDATE ON accounts TO prevention_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON sessions TO prevention_app;
