-- Five-year plan cycles (五年行动计划周期): data, never constants.
CREATE TABLE cycles (
    id                               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    first_year                       integer NOT NULL CHECK (first_year BETWEEN 2000 AND 2100),
    last_year                        integer NOT NULL,
    name                             text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    national_document                text NOT NULL DEFAULT '',
    provincial_document              text NOT NULL DEFAULT '',
    headline_target                  text NOT NULL DEFAULT '',
    accident_rate_reduction_percent  numeric(5, 2) NOT NULL CHECK (accident_rate_reduction_percent BETWEEN 0 AND 100),
    training_target                  text NOT NULL DEFAULT '',
    training_coverage_due            date NOT NULL,
    key_positions                    text[] NOT NULL DEFAULT '{}',
    plan_filing_due                  date NOT NULL,
    annual_report_due_month          smallint NOT NULL CHECK (annual_report_due_month BETWEEN 1 AND 12),
    annual_report_due_day            smallint NOT NULL CHECK (annual_report_due_day BETWEEN 1 AND 31),
    CONSTRAINT cycles_first_year_key UNIQUE (first_year),
    CONSTRAINT cycles_years_ordered CHECK (last_year >= first_year)
);

-- The member departments of a cycle's joint mechanism (HRSS and its partners).
CREATE TABLE cycle_departments (
    cycle_id  bigint NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    kind      text NOT NULL CHECK (kind IN (
                  'hrss', 'industry_it', 'finance', 'housing', 'transport', 'health',
                  'emergency', 'union', 'market_regulation')),
    PRIMARY KEY (cycle_id, kind)
);
