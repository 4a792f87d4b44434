-- The administrators' account search matches part of the username or name, case-insensitively:
-- lowercased once when written, not on every row of every search.
ALTER TABLE accounts ADD COLUMN search_key text GENERATED ALWAYS AS (lower(username || ' ' || display_name)) STORED;
