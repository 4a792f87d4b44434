-- Key industries (重点行业) and the GB/T 4754-2017 divisions they cover.
CREATE TABLE key_industries (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key         text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{1,39}$'),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    sort_order  integer NOT NULL DEFAULT 0,
    CONSTRAINT key_industries_key_key UNIQUE (key)
);

CREATE TABLE key_industry_divisions (
    key_industry_id  bigint NOT NULL REFERENCES key_industries (id) ON DELETE CASCADE,
    code             text NOT NULL CHECK (code ~ '^[A-T][0-9]{2}$'),
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    PRIMARY KEY (key_industry_id, code)
);
