-- Attachments of any record kind (src/attachments/): a row per file with what was checked of it
-- (its type detected from the content, size, SHA-256, who uploaded it), and its content in
-- 256 KiB chunk rows, so neither upload nor download holds a file in memory whole and one backup
-- holds everything. Region tables: row-level security as everywhere; a file is reached only
-- through its owning record's access check.
CREATE TABLE attachments (
    region_id      bigint NOT NULL REFERENCES regions (id),
    id             bigint GENERATED ALWAYS AS IDENTITY,
    record_kind    text NOT NULL CHECK (record_kind ~ '^[a-z_]{1,40}$'),
    record_id      bigint NOT NULL,
    kind           text NOT NULL CHECK (kind ~ '^[a-z_]{1,40}$'),
    file_name      text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 110),
    file_type      text NOT NULL CHECK (file_type IN ('pdf', 'ofd', 'docx', 'xlsx', 'doc', 'xls', 'jpeg', 'png')),
    size_bytes     bigint NOT NULL CHECK (size_bytes > 0),
    sha256         bytea NOT NULL CHECK (length(sha256) = 32),
    uploaded_by    bigint NOT NULL REFERENCES accounts (id),
    uploader_name  text NOT NULL CHECK (length(uploader_name) <= 50),
    uploaded_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT attachments_pkey PRIMARY KEY (region_id, id)
);
CREATE INDEX attachments_record_idx ON attachments (region_id, record_kind, record_id);

CREATE TABLE attachment_chunks (
    region_id      bigint NOT NULL,
    attachment_id  bigint NOT NULL,
    seq            integer NOT NULL CHECK (seq >= 0),
    data           bytea NOT NULL CHECK (length(data) BETWEEN 1 AND 262144),
    CONSTRAINT attachment_chunks_pkey PRIMARY KEY (region_id, attachment_id, seq),
    CONSTRAINT attachment_chunks_attachment_fkey FOREIGN KEY (region_id, attachment_id)
        REFERENCES attachments (region_id, id) ON DELETE CASCADE
);
-- The content is already compressed or not worth compressing: store it as it is.
ALTER TABLE attachment_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

ALTER TABLE attachments ENABLE ROW LEVEL SECURITY;
ALTER TABLE attachments FORCE ROW LEVEL SECURITY;
CREATE POLICY attachments_in_scope ON attachments
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));
ALTER TABLE attachment_chunks ENABLE ROW LEVEL SECURITY;
ALTER TABLE attachment_chunks FORCE ROW LEVEL SECURITY;
CREATE POLICY attachment_chunks_in_scope ON attachment_chunks
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));

GRANT SELECT, INSERT, DELETE ON attachments, attachment_chunks TO prevention_app;
