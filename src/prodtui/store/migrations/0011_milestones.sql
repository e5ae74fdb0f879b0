-- The roadmap (issue 20): the team's own milestones, and a target date on epics.
--
-- A milestone is a date the team sets itself: a mise en production, a comité, a démo, or
-- another. Versioned and audited like every editable row; searchable (kind 7 of the
-- search index, keyed by its date, its kind's French label in the body, as risks do).

CREATE TABLE milestones (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (trim(name) <> ''),
    day TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'other' CHECK (kind IN ('release', 'committee', 'demo', 'other')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX milestones_day ON milestones (day);

-- The date an epic (a release) is expected to be delivered; NULL when none is set.
ALTER TABLE epics ADD COLUMN target_date TEXT;

-- Stories of an epic (its span and progress on the roadmap) found through an index.
CREATE INDEX stories_epic ON stories (epic_id, sprint_id);

CREATE TRIGGER search_milestones_insert AFTER INSERT ON milestones
BEGIN
    INSERT INTO search_text (rowid, kind, ref, key, title, body)
    VALUES (new.id * 8 + 7, 'milestone', new.id, new.day, new.name,
            CASE new.kind
                WHEN 'release' THEN 'Mise en production'
                WHEN 'committee' THEN 'Comité'
                WHEN 'demo' THEN 'Démo'
                ELSE 'Jalon' END);
    INSERT INTO search_index (rowid, key, title, body)
    SELECT rowid, replace(replace(replace(replace(key, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(title, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(body, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
    FROM search_text WHERE rowid = new.id * 8 + 7;
END;

CREATE TRIGGER search_milestones_update AFTER UPDATE OF name, day, kind ON milestones
BEGIN
    INSERT INTO search_index (search_index, rowid, key, title, body)
    SELECT 'delete', rowid, replace(replace(replace(replace(key, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(title, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(body, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
    FROM search_text WHERE rowid = old.id * 8 + 7;
    DELETE FROM search_text WHERE rowid = old.id * 8 + 7;
    INSERT INTO search_text (rowid, kind, ref, key, title, body)
    VALUES (new.id * 8 + 7, 'milestone', new.id, new.day, new.name,
            CASE new.kind
                WHEN 'release' THEN 'Mise en production'
                WHEN 'committee' THEN 'Comité'
                WHEN 'demo' THEN 'Démo'
                ELSE 'Jalon' END);
    INSERT INTO search_index (rowid, key, title, body)
    SELECT rowid, replace(replace(replace(replace(key, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(title, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(body, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
    FROM search_text WHERE rowid = new.id * 8 + 7;
END;

CREATE TRIGGER search_milestones_delete AFTER DELETE ON milestones
BEGIN
    INSERT INTO search_index (search_index, rowid, key, title, body)
    SELECT 'delete', rowid, replace(replace(replace(replace(key, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(title, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(body, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
    FROM search_text WHERE rowid = old.id * 8 + 7;
    DELETE FROM search_text WHERE rowid = old.id * 8 + 7;
END;
