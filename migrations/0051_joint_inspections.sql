-- Joint inspections (联合检查) of employers by a region's departments, their findings, and the
-- deadline-bound rectification (限期整改) of each finding: rectified (then verified by another
-- officer), deadline extended (a limited number of times), or referred for penalty. A finding's
-- status is computed from these columns and today, never stored; every follow-up is also a step
-- of the shared workflow history (record kind 'finding').
CREATE TABLE joint_inspections (
    region_id          bigint NOT NULL REFERENCES regions (id),
    id                 bigint GENERATED ALWAYS AS IDENTITY,
    inspected_on       date NOT NULL,
    lead_department    text NOT NULL CHECK (lead_department ~ '^[a-z_]{1,40}$'),
    departments        text[] NOT NULL DEFAULT '{}',
    inspectors         text NOT NULL CHECK (length(inspectors) BETWEEN 1 AND 200),
    employer_id        bigint NOT NULL,
    summary            text NOT NULL DEFAULT '' CHECK (length(summary) <= 2000),
    created_by         bigint NOT NULL REFERENCES accounts (id),
    created_by_name    text NOT NULL CHECK (length(created_by_name) <= 50),
    version            integer NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT joint_inspections_pkey PRIMARY KEY (region_id, id),
    CONSTRAINT joint_inspections_employer_fkey FOREIGN KEY (region_id, employer_id) REFERENCES employers (region_id, id)
);
CREATE INDEX joint_inspections_list_idx ON joint_inspections (region_id, inspected_on DESC, id DESC);
CREATE INDEX joint_inspections_employer_idx ON joint_inspections (region_id, employer_id, inspected_on DESC);

CREATE TABLE findings (
    region_id              bigint NOT NULL REFERENCES regions (id),
    id                     bigint GENERATED ALWAYS AS IDENTITY,
    inspection_id          bigint NOT NULL,
    -- The inspected employer, copied from the inspection for the lists' filters.
    employer_id            bigint NOT NULL,
    category               text NOT NULL CHECK (category IN ('hazard', 'exposure_exceeded', 'accident_sign',
                                                             'responsibility', 'other')),
    hazard_level           text CHECK (hazard_level IN ('general', 'major')),
    description            text NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
    legal_basis            text NOT NULL DEFAULT '' CHECK (length(legal_basis) <= 500),
    advice                 text NOT NULL CHECK (length(advice) BETWEEN 1 AND 2000),
    deadline               date NOT NULL,
    original_deadline      date NOT NULL,
    extensions             integer NOT NULL DEFAULT 0 CHECK (extensions >= 0),
    responsible_department text NOT NULL CHECK (responsible_department ~ '^[a-z_]{1,40}$'),
    recorded_by            bigint NOT NULL REFERENCES accounts (id),
    recorded_by_name       text NOT NULL CHECK (length(recorded_by_name) <= 50),
    rectified_on           date,
    rectification          text NOT NULL DEFAULT '' CHECK (length(rectification) <= 2000),
    rectified_by           bigint REFERENCES accounts (id),
    rectified_by_name      text NOT NULL DEFAULT '' CHECK (length(rectified_by_name) <= 50),
    verified_on            date,
    verified_by            bigint REFERENCES accounts (id),
    verified_by_name       text NOT NULL DEFAULT '' CHECK (length(verified_by_name) <= 50),
    referred_on            date,
    referral_law           text CHECK (referral_law IN ('work_safety', 'occupational_disease')),
    referred_to            text NOT NULL DEFAULT '' CHECK (length(referred_to) <= 100),
    referral_number        text NOT NULL DEFAULT '' CHECK (length(referral_number) <= 100),
    version                integer NOT NULL DEFAULT 1,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT findings_pkey PRIMARY KEY (region_id, id),
    CONSTRAINT findings_inspection_fkey FOREIGN KEY (region_id, inspection_id) REFERENCES joint_inspections (region_id, id),
    CONSTRAINT findings_employer_fkey FOREIGN KEY (region_id, employer_id) REFERENCES employers (region_id, id),
    -- A hazard carries its level; nothing else does.
    CONSTRAINT findings_hazard_level CHECK ((category = 'hazard') = (hazard_level IS NOT NULL)),
    CONSTRAINT findings_rectified CHECK ((rectified_on IS NULL) = (rectified_by IS NULL)),
    -- Verified only once rectified, and never by whoever recorded the rectification.
    CONSTRAINT findings_verified CHECK (verified_on IS NULL OR (rectified_on IS NOT NULL AND verified_by IS NOT NULL
                                                                AND verified_by <> rectified_by)),
    CONSTRAINT findings_referred CHECK ((referred_on IS NULL) = (referral_law IS NULL)),
    CONSTRAINT findings_deadline CHECK (deadline >= original_deadline)
);
CREATE INDEX findings_inspection_idx ON findings (region_id, inspection_id, id);
-- The lists: open findings by deadline, a department's, an employer's.
CREATE INDEX findings_open_idx ON findings (region_id, deadline, id)
    WHERE verified_on IS NULL AND referred_on IS NULL;
CREATE INDEX findings_department_idx ON findings (region_id, responsible_department, deadline, id);
CREATE INDEX findings_employer_idx ON findings (region_id, employer_id, deadline);

ALTER TABLE joint_inspections ENABLE ROW LEVEL SECURITY;
ALTER TABLE joint_inspections FORCE ROW LEVEL SECURITY;
CREATE POLICY joint_inspections_in_scope ON joint_inspections
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));
ALTER TABLE findings ENABLE ROW LEVEL SECURITY;
ALTER TABLE findings FORCE ROW LEVEL SECURITY;
CREATE POLICY findings_in_scope ON findings
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));
GRANT SELECT, INSERT, UPDATE ON joint_inspections, findings TO prevention_app;
