-- The day an expert was seated on a panel, from which their scoring is due (the
-- `expert_days_to_score` setting): experts do not read the draw records, so the day travels
-- with their seat. Seats drawn before this migration take their draw's day.
ALTER TABLE panel_members ADD COLUMN seated_on date;
UPDATE panel_members m SET seated_on = (d.drawn_at AT TIME ZONE 'Asia/Shanghai')::date
FROM expert_draws d WHERE d.region_id = m.region_id AND d.id = m.draw_id;
ALTER TABLE panel_members ALTER COLUMN seated_on SET DEFAULT (now() AT TIME ZONE 'Asia/Shanghai')::date;
ALTER TABLE panel_members ALTER COLUMN seated_on SET NOT NULL;
