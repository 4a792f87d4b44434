-- Joint meetings (联席会议) of a region's prevention mechanism, convened by HRSS and attended by
-- the partner departments, and the action items they decide: what, which department, by when.
-- An item is open until its owner closes it with a note; whether an open item is overdue is
-- computed from its due date with the shared deadline rule, never stored.
CREATE TABLE meetings (
    region_id     bigint NOT NULL REFERENCES regions (id),
    id            bigint GENERATED ALWAYS AS IDENTITY,
    held_on       date NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('plenary', 'special')),
    convenor      text NOT NULL DEFAULT 'hrss' CHECK (convenor IN (
                      'hrss', 'industry_it', 'finance', 'housing', 'transport', 'health',
                      'emergency', 'union', 'market_regulation')),
    attending     text[] NOT NULL DEFAULT '{}',
    attendees     text NOT NULL DEFAULT '' CHECK (length(attendees) <= 1000),
    topics        text NOT NULL CHECK (length(topics) BETWEEN 1 AND 2000),
    minutes       text NOT NULL DEFAULT '' CHECK (length(minutes) <= 10000),
    version       integer NOT NULL DEFAULT 1,
    created_by    bigint NOT NULL REFERENCES accounts (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT meetings_pkey PRIMARY KEY (region_id, id),
    CONSTRAINT meetings_attending_known CHECK (attending <@ ARRAY[
        'hrss', 'industry_it', 'finance', 'housing', 'transport', 'health',
        'emergency', 'union', 'market_regulation']::text[])
);
CREATE INDEX meetings_region_held_idx ON meetings (region_id, held_on DESC, id DESC);

CREATE TABLE meeting_action_items (
    region_id       bigint NOT NULL,
    meeting_id      bigint NOT NULL,
    id              bigint GENERATED ALWAYS AS IDENTITY,
    what            text NOT NULL CHECK (length(what) BETWEEN 1 AND 500),
    owner           text NOT NULL CHECK (owner IN (
                        'hrss', 'industry_it', 'finance', 'housing', 'transport', 'health',
                        'emergency', 'union', 'market_regulation')),
    due_on          date NOT NULL,
    -- The closure: the day it was done, the note, and who closed it (all or none).
    closed_on       date,
    closed_note     text NOT NULL DEFAULT '' CHECK (length(closed_note) <= 1000),
    closed_by       bigint REFERENCES accounts (id),
    closed_by_name  text NOT NULL DEFAULT '' CHECK (length(closed_by_name) <= 50),
    closed_at       timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT meeting_action_items_pkey PRIMARY KEY (region_id, id),
    CONSTRAINT meeting_action_items_meeting_fkey FOREIGN KEY (region_id, meeting_id)
        REFERENCES meetings (region_id, id) ON DELETE CASCADE,
    CONSTRAINT meeting_action_items_closure CHECK (
        (closed_on IS NULL) = (closed_at IS NULL) AND (closed_on IS NULL) = (closed_by IS NULL))
);
CREATE INDEX meeting_action_items_meeting_idx ON meeting_action_items (region_id, meeting_id, id);
-- The open items of a region by due date: the overdue list and the province's counts.
CREATE INDEX meeting_action_items_open_idx ON meeting_action_items (region_id, due_on) WHERE closed_on IS NULL;

ALTER TABLE meetings ENABLE ROW LEVEL SECURITY;
ALTER TABLE meetings FORCE ROW LEVEL SECURITY;
CREATE POLICY meetings_in_scope ON meetings
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));
ALTER TABLE meeting_action_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE meeting_action_items FORCE ROW LEVEL SECURITY;
CREATE POLICY meeting_action_items_in_scope ON meeting_action_items
    USING (app_region_visible(region_id)) WITH CHECK (app_region_visible(region_id));

GRANT SELECT, INSERT, UPDATE ON meetings TO prevention_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON meeting_action_items TO prevention_app;
