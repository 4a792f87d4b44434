-- Two officers correcting the same open action item: the second save is refused with the
-- conflict page instead of silently replacing the first (issue 28). Existing items start at 1.
ALTER TABLE meeting_action_items ADD COLUMN version integer NOT NULL DEFAULT 1;
