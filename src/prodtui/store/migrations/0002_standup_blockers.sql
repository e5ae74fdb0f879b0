-- Blockers become items with a lifecycle, carried from day to day until resolved.
-- Items remember the day they were raised and the day they were resolved.

ALTER TABLE items ADD COLUMN raised_on TEXT;
ALTER TABLE items ADD COLUMN resolved_on TEXT;
UPDATE items SET raised_on = substr(created_at, 1, 10);
UPDATE items SET resolved_on = substr(resolved_at, 1, 10) WHERE resolved_at IS NOT NULL;
CREATE INDEX items_raised ON items (raised_on, kind);
CREATE INDEX items_open_blockers ON items (kind, status, raised_on);

-- Free-text blockers typed in stand-up entries become blocker items of their person, so
-- nothing typed is lost; the column then goes.
INSERT INTO items (kind, text, status, owner, triaged, source, raised_on, created_at, updated_at)
SELECT 'blocker', e.blockers, 'open', p.name, 1, 'standup', s.day, e.created_at, e.updated_at
FROM standup_entries AS e
JOIN standups AS s ON s.id = e.standup_id
JOIN people AS p ON p.id = e.person_id
WHERE trim(e.blockers) <> '';
ALTER TABLE standup_entries DROP COLUMN blockers;

