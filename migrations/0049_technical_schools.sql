-- Technical schools (技工院校) of a region, one row per school and year: whether it runs a
-- work-injury prevention course (工伤预防课程), its hours and the students taught a year.
CREATE TABLE technical_schools (
    region_id          bigint NOT NULL REFERENCES regions (id),
    id                 bigint GENERATED ALWAYS AS IDENTITY,
    year               integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    runs_course        boolean NOT NULL,
    course_hours       numeric(6, 1) NOT NULL DEFAULT 0 CHECK (course_hours >= 0 AND course_hours <= 2000),
    students_per_year  integer NOT NULL DEFAULT 0 CHECK (students_per_year BETWEEN 0 AND 1000000),
    version            integer NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT technical_schools_pkey PRIMARY KEY (region_id, id),
    CONSTRAINT technical_schools_name_key UNIQUE (region_id, year, name),
    -- Hours and students describe the course: none without one.
    CONSTRAINT technical_schools_course CHECK (runs_course OR (course_hours = 0 AND students_per_year = 0))
);
CREATE INDEX technical_schools_year_idx ON technical_schools (year, region_id);

ALTER TABLE technical_schools ENABLE ROW LEVEL SECURITY;
ALTER TABLE technical_schools FORCE ROW LEVEL SECURITY;
CREATE POLICY technical_schools_in_scope ON technical_schools
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));
GRANT SELECT, INSERT, UPDATE, DELETE ON technical_schools TO prevention_app;
