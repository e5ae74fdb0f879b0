-- Full-text search over stories, captures, stand-up entries, execution comments, security
-- measures and risks (DESIGN.md §5), kept in sync by triggers.
--
-- One FTS5 table for every kind, holding its own copy of the text, rather than one
-- external-content table per source:
-- - one MATCH, one bm25 over one vocabulary, one ORDER BY rank LIMIT: a single query ranks
--   all kinds together, and FTS5 computes snippet() only for the rows it returns;
-- - the text of a measure lives in two tables (measures, measure_status) and a stand-up
--   entry is an empty row for an absent person: external content would need views and
--   'delete' commands repeating the old values; here a trigger deletes by rowid and inserts;
-- - the cost is a second copy of about 8 MB of text on the large workspace.
-- The rowid is `source id * 8 + kind number`, so a trigger finds its row by rowid (kind
-- and ref are UNINDEXED: a WHERE on them would scan the table).
-- Columns: key (US-12, #45, TC-3, PROT-03) so a key can be typed, title, body (all the
-- rest). Accents are folded both ways ("securite" finds "sécurité"); prefix indexes keep
-- the word being typed fast.

CREATE VIRTUAL TABLE search_index USING fts5(
    kind UNINDEXED,
    ref UNINDEXED,
    key,
    title,
    body,
    tokenize = "unicode61 remove_diacritics 2",
    prefix = '2 3 4'
);

-- Stories: kind 1. Only a change of the indexed text touches the index (a reorder or a
-- status change does not).
CREATE TRIGGER search_stories_insert AFTER INSERT ON stories
BEGIN
    INSERT INTO search_index (rowid, kind, ref, key, title, body)
    VALUES (new.id * 8 + 1, 'story', new.id, 'US-' || new.number, new.title,
            new.persona || char(10) || new.want || char(10) || new.so_that || char(10)
            || new.description || char(10) || new.acceptance);
END;
CREATE TRIGGER search_stories_update
AFTER UPDATE OF number, title, persona, want, so_that, description, acceptance ON stories
BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 1;
    INSERT INTO search_index (rowid, kind, ref, key, title, body)
    VALUES (new.id * 8 + 1, 'story', new.id, 'US-' || new.number, new.title,
            new.persona || char(10) || new.want || char(10) || new.so_that || char(10)
            || new.description || char(10) || new.acceptance);
END;
CREATE TRIGGER search_stories_delete AFTER DELETE ON stories
BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 1;
END;

-- Captures (items): kind 2.
CREATE TRIGGER search_items_insert AFTER INSERT ON items
BEGIN
    INSERT INTO search_index (rowid, kind, ref, key, title, body)
    VALUES (new.id * 8 + 2, 'capture', new.id, '#' || new.id, '', new.text);
END;
CREATE TRIGGER search_items_update AFTER UPDATE OF text ON items
BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 2;
    INSERT INTO search_index (rowid, kind, ref, key, title, body)
    VALUES (new.id * 8 + 2, 'capture', new.id, '#' || new.id, '', new.text);
END;
CREATE TRIGGER search_items_delete AFTER DELETE ON items
BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 2;
END;

-- Stand-up entries: kind 3; an entry with no text (an absent person) is not indexed.
CREATE TRIGGER search_entries_insert AFTER INSERT ON standup_entries
WHEN trim(new.yesterday || new.today) <> ''
BEGIN
    INSERT INTO search_index (rowid, kind, ref, key, title, body)
    VALUES (new.id * 8 + 3, 'standup', new.id, '', '',
            new.yesterday || char(10) || new.today);
END;
CREATE TRIGGER search_entries_update AFTER UPDATE OF yesterday, today ON standup_entries
BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 3;
    INSERT INTO search_index (rowid, kind, ref, key, title, body)
    SELECT new.id * 8 + 3, 'standup', new.id, '', '', new.yesterday || char(10) || new.today
    WHERE trim(new.yesterday || new.today) <> '';
END;
CREATE TRIGGER search_entries_delete AFTER DELETE ON standup_entries
BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 3;
END;

-- Execution comments: kind 4. Executions are append-only (no update, no delete), and most
-- results have no comment.
CREATE TRIGGER search_executions_insert AFTER INSERT ON executions
WHEN trim(new.comment) <> ''
BEGIN
    INSERT INTO search_index (rowid, kind, ref, key, title, body)
    VALUES (new.id * 8 + 4, 'execution', new.id,
            coalesce((SELECT 'TC-' || number FROM test_cases WHERE id = new.case_id), ''),
            '', new.comment);
END;

-- Security measures: kind 5, text from the measure and from its state. Each change
-- rebuilds the measure's row from both tables; a state whose measure is gone adds nothing.
CREATE TRIGGER search_measures_insert AFTER INSERT ON measures
BEGIN
    INSERT INTO search_index (rowid, kind, ref, key, title, body)
    SELECT m.id * 8 + 5, 'measure', m.id, m.code, m.title,
           m.description || char(10) || coalesce(s.how, '') || char(10)
           || coalesce(s.evidence, '') || char(10) || coalesce(s.comment, '')
    FROM measures AS m LEFT JOIN measure_status AS s ON s.measure_id = m.id
    WHERE m.id = new.id;
END;
CREATE TRIGGER search_measures_update AFTER UPDATE OF code, title, description ON measures
BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 5;
    INSERT INTO search_index (rowid, kind, ref, key, title, body)
    SELECT m.id * 8 + 5, 'measure', m.id, m.code, m.title,
           m.description || char(10) || coalesce(s.how, '') || char(10)
           || coalesce(s.evidence, '') || char(10) || coalesce(s.comment, '')
    FROM measures AS m LEFT JOIN measure_status AS s ON s.measure_id = m.id
    WHERE m.id = new.id;
END;
CREATE TRIGGER search_measures_delete AFTER DELETE ON measures
BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 5;
END;
CREATE TRIGGER search_measure_status_insert AFTER INSERT ON measure_status
BEGIN
    DELETE FROM search_index WHERE rowid = new.measure_id * 8 + 5;
    INSERT INTO search_index (rowid, kind, ref, key, title, body)
    SELECT m.id * 8 + 5, 'measure', m.id, m.code, m.title,
           m.description || char(10) || new.how || char(10) || new.evidence || char(10)
           || new.comment
    FROM measures AS m WHERE m.id = new.measure_id;
END;
CREATE TRIGGER search_measure_status_update
AFTER UPDATE OF measure_id, how, evidence, comment ON measure_status
BEGIN
    DELETE FROM search_index WHERE rowid IN (old.measure_id * 8 + 5, new.measure_id * 8 + 5);
    INSERT INTO search_index (rowid, kind, ref, key, title, body)
    SELECT m.id * 8 + 5, 'measure', m.id, m.code, m.title,
           m.description || char(10) || coalesce(s.how, '') || char(10)
           || coalesce(s.evidence, '') || char(10) || coalesce(s.comment, '')
    FROM measures AS m LEFT JOIN measure_status AS s ON s.measure_id = m.id
    WHERE m.id IN (old.measure_id, new.measure_id);
END;
CREATE TRIGGER search_measure_status_delete AFTER DELETE ON measure_status
BEGIN
    DELETE FROM search_index WHERE rowid = old.measure_id * 8 + 5;
    INSERT INTO search_index (rowid, kind, ref, key, title, body)
    SELECT m.id * 8 + 5, 'measure', m.id, m.code, m.title, m.description
    FROM measures AS m WHERE m.id = old.measure_id;
END;

-- Risks: kind 6.
CREATE TRIGGER search_risks_insert AFTER INSERT ON risks
BEGIN
    INSERT INTO search_index (rowid, kind, ref, key, title, body)
    VALUES (new.id * 8 + 6, 'risk', new.id, '', new.title, new.treatment);
END;
CREATE TRIGGER search_risks_update AFTER UPDATE OF title, treatment ON risks
BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 6;
    INSERT INTO search_index (rowid, kind, ref, key, title, body)
    VALUES (new.id * 8 + 6, 'risk', new.id, '', new.title, new.treatment);
END;
CREATE TRIGGER search_risks_delete AFTER DELETE ON risks
BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 6;
END;

-- An older workspace gets its index on upgrade.
INSERT INTO search_index (rowid, kind, ref, key, title, body)
SELECT id * 8 + 1, 'story', id, 'US-' || number, title,
       persona || char(10) || want || char(10) || so_that || char(10) || description
       || char(10) || acceptance
FROM stories;
INSERT INTO search_index (rowid, kind, ref, key, title, body)
SELECT id * 8 + 2, 'capture', id, '#' || id, '', text FROM items;
INSERT INTO search_index (rowid, kind, ref, key, title, body)
SELECT id * 8 + 3, 'standup', id, '', '', yesterday || char(10) || today
FROM standup_entries WHERE trim(yesterday || today) <> '';
INSERT INTO search_index (rowid, kind, ref, key, title, body)
SELECT e.id * 8 + 4, 'execution', e.id, coalesce('TC-' || c.number, ''), '', e.comment
FROM executions AS e LEFT JOIN test_cases AS c ON c.id = e.case_id
WHERE trim(e.comment) <> '';
INSERT INTO search_index (rowid, kind, ref, key, title, body)
SELECT m.id * 8 + 5, 'measure', m.id, m.code, m.title,
       m.description || char(10) || coalesce(s.how, '') || char(10)
       || coalesce(s.evidence, '') || char(10) || coalesce(s.comment, '')
FROM measures AS m LEFT JOIN measure_status AS s ON s.measure_id = m.id;
INSERT INTO search_index (rowid, kind, ref, key, title, body)
SELECT id * 8 + 6, 'risk', id, '', title, treatment FROM risks;
