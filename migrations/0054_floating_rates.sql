-- Floating premium rates (浮动费率, 人社部发〔2015〕71号): per region the eight risk classes' base
-- rates and allowed grades in force from a day (a region without a table of its own uses the
-- province's reference classes), the rule set mapping each factor's value to a move of grades
-- (the province's default set, region NULL, unless a region keeps its own), and each employer's
-- evaluation for a three-year period: its inputs, the proposal with an explanation per factor,
-- and the agency's decision.

-- A region's rate table from `effective_from`; every change is a new table, kept.
CREATE TABLE rate_tables (
    region_id         bigint NOT NULL REFERENCES regions (id),
    id                bigint GENERATED ALWAYS AS IDENTITY,
    effective_from    date NOT NULL,
    document_number   text NOT NULL CHECK (length(document_number) BETWEEN 1 AND 100),
    document_date     date NOT NULL,
    recorded_by       bigint NOT NULL REFERENCES accounts (id),
    recorded_by_name  text NOT NULL CHECK (length(recorded_by_name) <= 50),
    recorded_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT rate_tables_pkey PRIMARY KEY (region_id, id),
    CONSTRAINT rate_tables_effective_key UNIQUE (region_id, effective_from)
);

CREATE TABLE rate_table_classes (
    region_id          bigint NOT NULL,
    rate_table_id      bigint NOT NULL,
    class              smallint NOT NULL CHECK (class BETWEEN 1 AND 8),
    -- % of the wage bill.
    base_rate_percent  numeric(5, 3) NOT NULL CHECK (base_rate_percent > 0 AND base_rate_percent < 10),
    -- The grades allowed, as % of the base rate, ascending, with 100 among them.
    grades             smallint[] NOT NULL CHECK (100 = ANY (grades) AND cardinality(grades) BETWEEN 1 AND 10),
    CONSTRAINT rate_table_classes_pkey PRIMARY KEY (region_id, rate_table_id, class),
    CONSTRAINT rate_table_classes_table_fkey FOREIGN KEY (region_id, rate_table_id)
        REFERENCES rate_tables (region_id, id) ON DELETE CASCADE
);

-- One row of a rule set: a factor's band (numeric factors: from ≤ value < below, either end
-- open; categorical ones: the value matched) and the move it causes (+ up, − down, in grades).
-- region_id NULL: the province's default set, used by every region without rows of its own.
CREATE TABLE rate_rules (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region_id        bigint REFERENCES regions (id),
    factor           text NOT NULL CHECK (factor IN ('fund_use', 'accident_rate', 'hazard', 'training_coverage',
                                                     'rectification', 'standardisation')),
    from_value       numeric(9, 2),
    below_value      numeric(9, 2),
    category         text CHECK (category ~ '^[a-z0-9_]{1,20}$'),
    moves            smallint NOT NULL CHECK (moves BETWEEN -3 AND 3),
    note             text NOT NULL DEFAULT '' CHECK (length(note) <= 200),
    version          integer NOT NULL DEFAULT 1,
    updated_by_name  text NOT NULL DEFAULT '' CHECK (length(updated_by_name) <= 50),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT rate_rules_band CHECK (
        (factor IN ('hazard', 'standardisation')) = (category IS NOT NULL)
        AND (category IS NULL OR (from_value IS NULL AND below_value IS NULL))
        AND (from_value IS NULL OR below_value IS NULL OR from_value < below_value))
);
CREATE INDEX rate_rules_region_idx ON rate_rules (region_id, factor, from_value);

CREATE TABLE rate_evaluations (
    region_id              bigint NOT NULL REFERENCES regions (id),
    id                     bigint GENERATED ALWAYS AS IDENTITY,
    employer_id            bigint NOT NULL,
    -- The period's first year; the period is this year and the two after it.
    period_start           smallint NOT NULL CHECK (period_start BETWEEN 2000 AND 2100),
    -- Per year of the period, in yuan.
    premiums               numeric(18, 2)[] NOT NULL CHECK (cardinality(premiums) = 3),
    benefits               numeric(18, 2)[] NOT NULL CHECK (cardinality(benefits) = 3),
    -- The last year's wage bill, in yuan.
    wage_bill              numeric(18, 2) NOT NULL CHECK (wage_bill >= 0),
    injuries               integer NOT NULL CHECK (injuries BETWEEN 0 AND 1000000),
    hazard_level           text NOT NULL CHECK (hazard_level IN ('none', 'general', 'serious')),
    standardisation        text NOT NULL CHECK (standardisation IN ('level1', 'level2', 'level3', 'none')),
    -- The proposal (empty until evaluated).
    risk_class             smallint CHECK (risk_class BETWEEN 1 AND 8),
    base_rate_percent      numeric(5, 3),
    current_grade          smallint,
    proposed_grade         smallint,
    proposed_rate_percent  numeric(8, 5),
    explanation            jsonb,
    evaluated_at           timestamptz,
    -- The agency's decision.
    status                 text NOT NULL DEFAULT 'entered'
                           CHECK (status IN ('entered', 'proposed', 'confirmed', 'overridden')),
    final_grade            smallint,
    final_rate_percent     numeric(8, 5),
    override_reason        text NOT NULL DEFAULT '' CHECK (length(override_reason) <= 500),
    decided_by             bigint REFERENCES accounts (id),
    decided_by_name        text NOT NULL DEFAULT '' CHECK (length(decided_by_name) <= 50),
    decided_at             timestamptz,
    entered_by             bigint NOT NULL REFERENCES accounts (id),
    entered_by_name        text NOT NULL CHECK (length(entered_by_name) <= 50),
    version                integer NOT NULL DEFAULT 1,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT rate_evaluations_pkey PRIMARY KEY (region_id, id),
    CONSTRAINT rate_evaluations_employer_key UNIQUE (region_id, employer_id, period_start),
    CONSTRAINT rate_evaluations_employer_fkey FOREIGN KEY (region_id, employer_id) REFERENCES employers (region_id, id),
    CONSTRAINT rate_evaluations_proposed CHECK (status = 'entered' OR (proposed_grade IS NOT NULL AND explanation IS NOT NULL)),
    CONSTRAINT rate_evaluations_decided CHECK ((status IN ('confirmed', 'overridden')) = (final_grade IS NOT NULL)
                                               AND (status <> 'overridden' OR override_reason <> ''))
);
CREATE INDEX rate_evaluations_list_idx ON rate_evaluations (region_id, period_start, status, id);

-- The default rule set: 71号 sets no numbers, so these are a starting point for each province
-- to adjust (README "Floating rates"). Values are percentages.
INSERT INTO rate_rules (factor, from_value, below_value, category, moves, note) VALUES
    ('fund_use', NULL, 20, NULL, -2, '支缴率低于20%'),
    ('fund_use', 20, 50, NULL, -1, '支缴率20%至50%'),
    ('fund_use', 50, 100, NULL, 0, '支缴率50%至100%'),
    ('fund_use', 100, 150, NULL, 1, '支缴率100%至150%'),
    ('fund_use', 150, NULL, NULL, 2, '支缴率150%及以上'),
    ('accident_rate', NULL, 50, NULL, -1, '低于本地区同行业工伤发生率的一半'),
    ('accident_rate', 50, 150, NULL, 0, '与本地区同行业相当'),
    ('accident_rate', 150, 300, NULL, 1, '达到同行业的1.5倍'),
    ('accident_rate', 300, NULL, NULL, 2, '达到同行业的3倍'),
    ('hazard', NULL, NULL, 'none', 0, '无或轻微职业病危害'),
    ('hazard', NULL, NULL, 'general', 0, '职业病危害一般'),
    ('hazard', NULL, NULL, 'serious', 1, '职业病危害严重'),
    ('training_coverage', 100, NULL, NULL, -1, '重点岗位培训全覆盖'),
    ('training_coverage', 60, 100, NULL, 0, '培训覆盖率60%至100%'),
    ('training_coverage', NULL, 60, NULL, 1, '培训覆盖率低于60%'),
    ('rectification', 100, NULL, NULL, 0, '检查发现问题全部按期整改'),
    ('rectification', 80, 100, NULL, 0, '按期整改率80%至100%'),
    ('rectification', NULL, 80, NULL, 1, '按期整改率低于80%'),
    ('standardisation', NULL, NULL, 'level1', -1, '安全生产标准化一级'),
    ('standardisation', NULL, NULL, 'level2', 0, '安全生产标准化二级'),
    ('standardisation', NULL, NULL, 'level3', 0, '安全生产标准化三级'),
    ('standardisation', NULL, NULL, 'none', 1, '未达标');

ALTER TABLE rate_tables ENABLE ROW LEVEL SECURITY;
ALTER TABLE rate_tables FORCE ROW LEVEL SECURITY;
CREATE POLICY rate_tables_read ON rate_tables FOR SELECT USING (app_region_visible(region_id));
CREATE POLICY rate_tables_insert ON rate_tables FOR INSERT WITH CHECK (app_province_scope());
ALTER TABLE rate_table_classes ENABLE ROW LEVEL SECURITY;
ALTER TABLE rate_table_classes FORCE ROW LEVEL SECURITY;
CREATE POLICY rate_table_classes_read ON rate_table_classes FOR SELECT USING (app_region_visible(region_id));
CREATE POLICY rate_table_classes_insert ON rate_table_classes FOR INSERT WITH CHECK (app_province_scope());
-- The default set is read by every officer scope; rules are written by the province only.
ALTER TABLE rate_rules ENABLE ROW LEVEL SECURITY;
ALTER TABLE rate_rules FORCE ROW LEVEL SECURITY;
CREATE POLICY rate_rules_read ON rate_rules FOR SELECT
    USING ((region_id IS NULL AND app_officer_scope()) OR app_region_visible(region_id));
CREATE POLICY rate_rules_write ON rate_rules USING (app_province_scope()) WITH CHECK (app_province_scope());
ALTER TABLE rate_evaluations ENABLE ROW LEVEL SECURITY;
ALTER TABLE rate_evaluations FORCE ROW LEVEL SECURITY;
CREATE POLICY rate_evaluations_in_scope ON rate_evaluations
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));

GRANT SELECT, INSERT ON rate_tables, rate_table_classes TO prevention_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON rate_rules TO prevention_app;
GRANT SELECT, INSERT, UPDATE ON rate_evaluations TO prevention_app;

