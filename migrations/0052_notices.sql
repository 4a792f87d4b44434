-- Notices (通知公告) and typical-accident notices (典型事故通报): the province issues them to every
-- region or to chosen ones, a city's HRSS bureau to its own region's departments. A notice is a
-- draft until issued; once issued it is fixed. Its recipients are regions; its readers mark it
-- read one by one (read receipts), and the issuer sees them per region and department.
-- `region_id` is the issuer's region: drafts and receipts are kept under it.
CREATE TABLE notices (
    region_id           bigint NOT NULL REFERENCES regions (id),
    id                  bigint GENERATED ALWAYS AS IDENTITY,
    kind                text NOT NULL CHECK (kind IN ('guidance', 'accident')),
    title               text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    document_number     text NOT NULL DEFAULT '' CHECK (length(document_number) <= 100),
    body                text NOT NULL DEFAULT '' CHECK (length(body) <= 20000),
    recipients          bigint[] NOT NULL DEFAULT '{}',
    issued_on           date,
    issued_at           timestamptz,
    issued_by           bigint REFERENCES accounts (id),
    issued_by_name      text NOT NULL DEFAULT '' CHECK (length(issued_by_name) <= 50),
    -- The particulars of a typical-accident notice (all empty for guidance).
    occurred_on         date,
    accident_region_id  bigint REFERENCES regions (id),
    employer_id         bigint,
    employer_name       text NOT NULL DEFAULT '' CHECK (length(employer_name) <= 100),
    division_code       text REFERENCES industry_divisions (code),
    what_happened       text NOT NULL DEFAULT '' CHECK (length(what_happened) <= 5000),
    grade               text CHECK (grade IN ('general', 'larger', 'major', 'especially_major')),
    deaths              integer CHECK (deaths BETWEEN 0 AND 100000),
    serious_injuries    integer CHECK (serious_injuries BETWEEN 0 AND 100000),
    minor_injuries      integer CHECK (minor_injuries BETWEEN 0 AND 100000),
    -- 直接经济损失, in yuan (forms take and pages show 万元).
    direct_loss         numeric(18, 2) CHECK (direct_loss >= 0),
    causes              text NOT NULL DEFAULT '' CHECK (length(causes) <= 5000),
    lessons             text NOT NULL DEFAULT '' CHECK (length(lessons) <= 5000),
    measures            text NOT NULL DEFAULT '' CHECK (length(measures) <= 5000),
    created_by          bigint NOT NULL REFERENCES accounts (id),
    created_by_name     text NOT NULL CHECK (length(created_by_name) <= 50),
    version             integer NOT NULL DEFAULT 1,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT notices_pkey PRIMARY KEY (region_id, id),
    CONSTRAINT notices_issued CHECK ((issued_at IS NULL) = (issued_by IS NULL) AND (issued_at IS NULL) = (issued_on IS NULL)),
    CONSTRAINT notices_issued_to_someone CHECK (issued_at IS NULL OR cardinality(recipients) > 0),
    CONSTRAINT notices_accident_particulars CHECK (
        kind = 'guidance' OR (occurred_on IS NOT NULL AND accident_region_id IS NOT NULL AND division_code IS NOT NULL
                              AND grade IS NOT NULL AND deaths IS NOT NULL AND serious_injuries IS NOT NULL
                              AND minor_injuries IS NOT NULL AND direct_loss IS NOT NULL
                              AND (employer_id IS NOT NULL OR employer_name <> ''))),
    CONSTRAINT notices_employer_fkey FOREIGN KEY (accident_region_id, employer_id) REFERENCES employers (region_id, id)
);
CREATE INDEX notices_issuer_idx ON notices (region_id, id DESC);
-- "Addressed to my region": the received lists and the home page's unread notices.
CREATE INDEX notices_recipients_idx ON notices USING gin (recipients) WHERE issued_at IS NOT NULL;

CREATE TABLE notice_reads (
    -- The reader's region: a region's officers see who of theirs has read what.
    region_id           bigint NOT NULL REFERENCES regions (id),
    notice_region_id    bigint NOT NULL,
    notice_id           bigint NOT NULL,
    account_id          bigint NOT NULL REFERENCES accounts (id),
    reader_name         text NOT NULL CHECK (length(reader_name) <= 50),
    department          text NOT NULL CHECK (department ~ '^[a-z_]{1,40}$'),
    read_at             timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT notice_reads_pkey PRIMARY KEY (notice_region_id, notice_id, account_id),
    CONSTRAINT notice_reads_notice_fkey FOREIGN KEY (notice_region_id, notice_id) REFERENCES notices (region_id, id)
        ON DELETE CASCADE
);
CREATE INDEX notice_reads_account_idx ON notice_reads (account_id, notice_id);

-- Who sees a notice: the issuer's scope (its drafts too; the application shows drafts only to
-- those who may issue there), and, once issued, every region it is addressed to.
CREATE FUNCTION app_addressed(row_recipients bigint[]) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT coalesce(current_setting('app.scope', true) = 'region'
                    AND row_recipients @> ARRAY[NULLIF(current_setting('app.region_id', true), '')::bigint], false)
$$;

ALTER TABLE notices ENABLE ROW LEVEL SECURITY;
ALTER TABLE notices FORCE ROW LEVEL SECURITY;
CREATE POLICY notices_in_scope ON notices
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));
CREATE POLICY notices_addressed ON notices FOR SELECT
    USING (issued_at IS NOT NULL AND app_addressed(recipients));
ALTER TABLE notice_reads ENABLE ROW LEVEL SECURITY;
ALTER TABLE notice_reads FORCE ROW LEVEL SECURITY;
CREATE POLICY notice_reads_in_scope ON notice_reads
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));

-- A notice's files are read wherever the notice is (the subquery sees notices through their
-- own policies).
CREATE POLICY attachments_notice ON attachments FOR SELECT USING (
    record_kind = 'notice'
    AND EXISTS (SELECT 1 FROM notices n WHERE n.region_id = attachments.region_id AND n.id = attachments.record_id));
CREATE POLICY attachment_chunks_notice ON attachment_chunks FOR SELECT USING (
    EXISTS (SELECT 1 FROM attachments a
            WHERE a.region_id = attachment_chunks.region_id AND a.id = attachment_chunks.attachment_id
              AND a.record_kind = 'notice'));

GRANT SELECT, INSERT, UPDATE, DELETE ON notices TO prevention_app;
GRANT SELECT, INSERT ON notice_reads TO prevention_app;
