-- Full-text search over stories, captures, stand-up entries, execution comments, security
-- measures and risks (docs/architecture.md, "Search"), kept in sync by triggers.
--
-- One FTS5 index for every kind rather than one per source: one MATCH, one bm25 over one
-- vocabulary, one ORDER BY rank LIMIT ranks all kinds together, and FTS5 computes
-- snippet() only for the rows it returns.
--
-- Two tables, because the index does not hold the text as written:
-- - `search_text` keeps each row's text as written (key, title, body), for snippet();
-- - `search_index` is an external-content index over it, fed the same text with the
--   ligatures œ, æ (Œ, Æ) spelt oe, ae: unicode61 does not fold them, and French is
--   typed both ways ("coeur", "cœur"). snippet() re-reads and re-tokenizes the text as
--   written; token positions agree since a ligature and its two letters are one word
--   either way, so "oeuvre" highlights "œuvre". The query is folded the same way
--   (domain/search.py, search_phrases).
-- `search_text` is an FTS5 table of unindexed columns: a virtual table, left out of
-- JSON dumps like the index (the triggers rebuild both on restore), read by rowid. No
-- trigger can sit on a virtual table, so each source trigger writes both: it copies the
-- text, then indexes it folded; to unindex, it gives FTS5's 'delete' command the folded
-- copy of what is there (it must be what was indexed), then drops the copy. A 'rebuild'
-- of search_index would index the unfolded text: do not run one.
-- The rowid is `source id * 8 + kind number`, so a trigger finds its row by rowid (kind
-- and ref are UNINDEXED: a WHERE on them would scan the table).
-- Columns: key (US-12, #45, TC-3, PROT-03, R-4) so a key can be typed, title, body (all
-- the rest). Accents are folded both ways ("securite" finds "sécurité"); prefix indexes
-- keep the word being typed fast.

CREATE VIRTUAL TABLE search_text USING fts5(
    kind UNINDEXED,
    ref UNINDEXED,
    key UNINDEXED,
    title UNINDEXED,
    body UNINDEXED,
    columnsize = 0
);

CREATE VIRTUAL TABLE search_index USING fts5(
    kind UNINDEXED,
    ref UNINDEXED,
    key,
    title,
    body,
    content = 'search_text',
    tokenize = "unicode61 remove_diacritics 2",
    prefix = '2 3 4'
);

-- Stories: kind 1. Only a change of the indexed text touches the index (a reorder or a
-- status change does not).
CREATE TRIGGER search_stories_insert AFTER INSERT ON stories
BEGIN
    INSERT INTO search_text (rowid, kind, ref, key, title, body)
    VALUES (new.id * 8 + 1, 'story', new.id, 'US-' || new.number, new.title,
            new.persona || char(10) || new.want || char(10) || new.so_that || char(10)
            || new.description || char(10) || new.acceptance);
    INSERT INTO search_index (rowid, key, title, body)
    SELECT rowid, replace(replace(replace(replace(key, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(title, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(body, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
    FROM search_text WHERE rowid = new.id * 8 + 1;
END;

CREATE TRIGGER search_stories_update
AFTER UPDATE OF number, title, persona, want, so_that, description, acceptance ON stories
BEGIN
    INSERT INTO search_index (search_index, rowid, key, title, body)
    SELECT 'delete', rowid, replace(replace(replace(replace(key, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(title, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(body, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
    FROM search_text WHERE rowid = old.id * 8 + 1;
    DELETE FROM search_text WHERE rowid = old.id * 8 + 1;
    INSERT INTO search_text (rowid, kind, ref, key, title, body)
    VALUES (new.id * 8 + 1, 'story', new.id, 'US-' || new.number, new.title,
            new.persona || char(10) || new.want || char(10) || new.so_that || char(10)
            || new.description || char(10) || new.acceptance);
    INSERT INTO search_index (rowid, key, title, body)
    SELECT rowid, replace(replace(replace(replace(key, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(title, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(body, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
    FROM search_text WHERE rowid = new.id * 8 + 1;
END;

CREATE TRIGGER search_stories_delete AFTER DELETE ON stories
BEGIN
    INSERT INTO search_index (search_index, rowid, key, title, body)
    SELECT 'delete', rowid, replace(replace(replace(replace(key, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(title, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(body, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
    FROM search_text WHERE rowid = old.id * 8 + 1;
    DELETE FROM search_text WHERE rowid = old.id * 8 + 1;
END;

-- Captures (items): kind 2.
CREATE TRIGGER search_items_insert AFTER INSERT ON items
BEGIN
    INSERT INTO search_text (rowid, kind, ref, key, title, body)
    VALUES (new.id * 8 + 2, 'capture', new.id, '#' || new.id, '', new.text);
    INSERT INTO search_index (rowid, key, title, body)
    SELECT rowid, replace(replace(replace(replace(key, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(title, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(body, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
    FROM search_text WHERE rowid = new.id * 8 + 2;
END;

CREATE TRIGGER search_items_update AFTER UPDATE OF text ON items
BEGIN
    INSERT INTO search_index (search_index, rowid, key, title, body)
    SELECT 'delete', rowid, replace(replace(replace(replace(key, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(title, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(body, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
    FROM search_text WHERE rowid = old.id * 8 + 2;
    DELETE FROM search_text WHERE rowid = old.id * 8 + 2;
    INSERT INTO search_text (rowid, kind, ref, key, title, body)
    VALUES (new.id * 8 + 2, 'capture', new.id, '#' || new.id, '', new.text);
    INSERT INTO search_index (rowid, key, title, body)
    SELECT rowid, replace(replace(replace(replace(key, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(title, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(body, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
    FROM search_text WHERE rowid = new.id * 8 + 2;
END;

CREATE TRIGGER search_items_delete AFTER DELETE ON items
BEGIN
    INSERT INTO search_index (search_index, rowid, key, title, body)
    SELECT 'delete', rowid, replace(replace(replace(replace(key, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(title, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(body, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
    FROM search_text WHERE rowid = old.id * 8 + 2;
    DELETE FROM search_text WHERE rowid = old.id * 8 + 2;
END;

-- Stand-up entries: kind 3; an entry with no text (an absent person) is not indexed.
CREATE TRIGGER search_entries_insert AFTER INSERT ON standup_entries
WHEN trim(new.yesterday || new.today) <> ''
BEGIN
    INSERT INTO search_text (rowid, kind, ref, key, title, body)
    VALUES (new.id * 8 + 3, 'standup', new.id, '', '',
            new.yesterday || char(10) || new.today);
    INSERT INTO search_index (rowid, key, title, body)
    SELECT rowid, replace(replace(replace(replace(key, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(title, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(body, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
    FROM search_text WHERE rowid = new.id * 8 + 3;
END;

CREATE TRIGGER search_entries_update AFTER UPDATE OF yesterday, today ON standup_entries
BEGIN
    INSERT INTO search_index (search_index, rowid, key, title, body)
    SELECT 'delete', rowid, replace(replace(replace(replace(key, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(title, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(body, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
    FROM search_text WHERE rowid = old.id * 8 + 3;
    DELETE FROM search_text WHERE rowid = old.id * 8 + 3;
    INSERT INTO search_text (rowid, kind, ref, key, title, body)
    SELECT new.id * 8 + 3, 'standup', new.id, '', '', new.yesterday || char(10) || new.today
    WHERE trim(new.yesterday || new.today) <> '';
    INSERT INTO search_index (rowid, key, title, body)
    SELECT rowid, replace(replace(replace(replace(key, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(title, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(body, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
    FROM search_text WHERE rowid = new.id * 8 + 3;
END;

CREATE TRIGGER search_entries_delete AFTER DELETE ON standup_entries
BEGIN
    INSERT INTO search_index (search_index, rowid, key, title, body)
    SELECT 'delete', rowid, replace(replace(replace(replace(key, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(title, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(body, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
    FROM search_text WHERE rowid = old.id * 8 + 3;
    DELETE FROM search_text WHERE rowid = old.id * 8 + 3;
END;

-- Execution comments: kind 4, keyed by their case's number; most results have no comment.
-- Executions are append-only, but an edit, a deletion or a renumbered case would still
-- be followed.
CREATE TRIGGER search_executions_insert AFTER INSERT ON executions
WHEN trim(new.comment) <> ''
BEGIN
    INSERT INTO search_text (rowid, kind, ref, key, title, body)
    SELECT e.id * 8 + 4, 'execution', e.id, coalesce('TC-' || c.number, ''), '', e.comment
    FROM executions AS e LEFT JOIN test_cases AS c ON c.id = e.case_id
    WHERE e.id = new.id AND trim(e.comment) <> '';
    INSERT INTO search_index (rowid, key, title, body)
    SELECT rowid, replace(replace(replace(replace(key, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(title, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(body, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
    FROM search_text WHERE rowid = new.id * 8 + 4;
END;

CREATE TRIGGER search_executions_update AFTER UPDATE OF case_id, comment ON executions
BEGIN
    INSERT INTO search_index (search_index, rowid, key, title, body)
    SELECT 'delete', rowid, replace(replace(replace(replace(key, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(title, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(body, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
    FROM search_text WHERE rowid = old.id * 8 + 4;
    DELETE FROM search_text WHERE rowid = old.id * 8 + 4;
    INSERT INTO search_text (rowid, kind, ref, key, title, body)
    SELECT e.id * 8 + 4, 'execution', e.id, coalesce('TC-' || c.number, ''), '', e.comment
    FROM executions AS e LEFT JOIN test_cases AS c ON c.id = e.case_id
    WHERE e.id = new.id AND trim(e.comment) <> '';
    INSERT INTO search_index (rowid, key, title, body)
    SELECT rowid, replace(replace(replace(replace(key, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(title, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(body, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
    FROM search_text WHERE rowid = new.id * 8 + 4;
END;

CREATE TRIGGER search_executions_delete AFTER DELETE ON executions
BEGIN
    INSERT INTO search_index (search_index, rowid, key, title, body)
    SELECT 'delete', rowid, replace(replace(replace(replace(key, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(title, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(body, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
    FROM search_text WHERE rowid = old.id * 8 + 4;
    DELETE FROM search_text WHERE rowid = old.id * 8 + 4;
END;

CREATE TRIGGER search_test_cases_number AFTER UPDATE OF number ON test_cases
BEGIN
    INSERT INTO search_index (search_index, rowid, key, title, body)
    SELECT 'delete', rowid, replace(replace(replace(replace(key, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(title, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(body, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
    FROM search_text WHERE rowid IN (SELECT id * 8 + 4 FROM executions WHERE case_id = new.id AND trim(comment) <> '');
    DELETE FROM search_text WHERE rowid IN (SELECT id * 8 + 4 FROM executions WHERE case_id = new.id AND trim(comment) <> '');
    INSERT INTO search_text (rowid, kind, ref, key, title, body)
    SELECT e.id * 8 + 4, 'execution', e.id, coalesce('TC-' || c.number, ''), '', e.comment
    FROM executions AS e LEFT JOIN test_cases AS c ON c.id = e.case_id
    WHERE e.case_id = new.id AND trim(e.comment) <> '';
    INSERT INTO search_index (rowid, key, title, body)
    SELECT rowid, replace(replace(replace(replace(key, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(title, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(body, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
    FROM search_text WHERE rowid IN (SELECT id * 8 + 4 FROM executions WHERE case_id = new.id AND trim(comment) <> '');
END;

-- Security measures: kind 5, text from the measure and from its state. Each change
-- rebuilds the measure's row from both tables; a state whose measure is gone adds nothing.
CREATE TRIGGER search_measures_insert AFTER INSERT ON measures
BEGIN
    INSERT INTO search_text (rowid, kind, ref, key, title, body)
    SELECT m.id * 8 + 5, 'measure', m.id, m.code, m.title,
           m.description || char(10) || coalesce(s.how, '') || char(10)
           || coalesce(s.evidence, '') || char(10) || coalesce(s.comment, '')
    FROM measures AS m LEFT JOIN measure_status AS s ON s.measure_id = m.id
    WHERE m.id = new.id;
    INSERT INTO search_index (rowid, key, title, body)
    SELECT rowid, replace(replace(replace(replace(key, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(title, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(body, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
    FROM search_text WHERE rowid = new.id * 8 + 5;
END;

CREATE TRIGGER search_measures_update AFTER UPDATE OF code, title, description ON measures
BEGIN
    INSERT INTO search_index (search_index, rowid, key, title, body)
    SELECT 'delete', rowid, replace(replace(replace(replace(key, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(title, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(body, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
    FROM search_text WHERE rowid = old.id * 8 + 5;
    DELETE FROM search_text WHERE rowid = old.id * 8 + 5;
    INSERT INTO search_text (rowid, kind, ref, key, title, body)
    SELECT m.id * 8 + 5, 'measure', m.id, m.code, m.title,
           m.description || char(10) || coalesce(s.how, '') || char(10)
           || coalesce(s.evidence, '') || char(10) || coalesce(s.comment, '')
    FROM measures AS m LEFT JOIN measure_status AS s ON s.measure_id = m.id
    WHERE m.id = new.id;
    INSERT INTO search_index (rowid, key, title, body)
    SELECT rowid, replace(replace(replace(replace(key, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(title, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(body, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
    FROM search_text WHERE rowid = new.id * 8 + 5;
END;

CREATE TRIGGER search_measures_delete AFTER DELETE ON measures
BEGIN
    INSERT INTO search_index (search_index, rowid, key, title, body)
    SELECT 'delete', rowid, replace(replace(replace(replace(key, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(title, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(body, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
    FROM search_text WHERE rowid = old.id * 8 + 5;
    DELETE FROM search_text WHERE rowid = old.id * 8 + 5;
END;

CREATE TRIGGER search_measure_status_insert AFTER INSERT ON measure_status
BEGIN
    INSERT INTO search_index (search_index, rowid, key, title, body)
    SELECT 'delete', rowid, replace(replace(replace(replace(key, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(title, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(body, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
    FROM search_text WHERE rowid = new.measure_id * 8 + 5;
    DELETE FROM search_text WHERE rowid = new.measure_id * 8 + 5;
    INSERT INTO search_text (rowid, kind, ref, key, title, body)
    SELECT m.id * 8 + 5, 'measure', m.id, m.code, m.title,
           m.description || char(10) || coalesce(s.how, '') || char(10)
           || coalesce(s.evidence, '') || char(10) || coalesce(s.comment, '')
    FROM measures AS m LEFT JOIN measure_status AS s ON s.measure_id = m.id
    WHERE m.id = new.measure_id;
    INSERT INTO search_index (rowid, key, title, body)
    SELECT rowid, replace(replace(replace(replace(key, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(title, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(body, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
    FROM search_text WHERE rowid = new.measure_id * 8 + 5;
END;

CREATE TRIGGER search_measure_status_update
AFTER UPDATE OF measure_id, how, evidence, comment ON measure_status
BEGIN
    INSERT INTO search_index (search_index, rowid, key, title, body)
    SELECT 'delete', rowid, replace(replace(replace(replace(key, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(title, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(body, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
    FROM search_text WHERE rowid IN (old.measure_id * 8 + 5, new.measure_id * 8 + 5);
    DELETE FROM search_text WHERE rowid IN (old.measure_id * 8 + 5, new.measure_id * 8 + 5);
    INSERT INTO search_text (rowid, kind, ref, key, title, body)
    SELECT m.id * 8 + 5, 'measure', m.id, m.code, m.title,
           m.description || char(10) || coalesce(s.how, '') || char(10)
           || coalesce(s.evidence, '') || char(10) || coalesce(s.comment, '')
    FROM measures AS m LEFT JOIN measure_status AS s ON s.measure_id = m.id
    WHERE m.id IN (old.measure_id, new.measure_id);
    INSERT INTO search_index (rowid, key, title, body)
    SELECT rowid, replace(replace(replace(replace(key, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(title, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(body, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
    FROM search_text WHERE rowid IN (old.measure_id * 8 + 5, new.measure_id * 8 + 5);
END;

CREATE TRIGGER search_measure_status_delete AFTER DELETE ON measure_status
BEGIN
    INSERT INTO search_index (search_index, rowid, key, title, body)
    SELECT 'delete', rowid, replace(replace(replace(replace(key, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(title, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(body, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
    FROM search_text WHERE rowid = old.measure_id * 8 + 5;
    DELETE FROM search_text WHERE rowid = old.measure_id * 8 + 5;
    INSERT INTO search_text (rowid, kind, ref, key, title, body)
    SELECT m.id * 8 + 5, 'measure', m.id, m.code, m.title,
           m.description || char(10) || coalesce(s.how, '') || char(10)
           || coalesce(s.evidence, '') || char(10) || coalesce(s.comment, '')
    FROM measures AS m LEFT JOIN measure_status AS s ON s.measure_id = m.id
    WHERE m.id = old.measure_id;
    INSERT INTO search_index (rowid, key, title, body)
    SELECT rowid, replace(replace(replace(replace(key, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(title, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(body, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
    FROM search_text WHERE rowid = old.measure_id * 8 + 5;
END;

-- Risks: kind 6, keyed R-<id> as shown; the owner and the criterion (its French label,
-- the workspace's language) are in the body.
CREATE TRIGGER search_risks_insert AFTER INSERT ON risks
BEGIN
    INSERT INTO search_text (rowid, kind, ref, key, title, body)
    VALUES (new.id * 8 + 6, 'risk', new.id, 'R-' || new.id, new.title,
            new.treatment || char(10) || coalesce(new.owner, '') || char(10)
            || CASE new.criterion
                   WHEN 'availability' THEN 'Disponibilité'
                   WHEN 'integrity' THEN 'Intégrité'
                   WHEN 'confidentiality' THEN 'Confidentialité'
                   WHEN 'traceability' THEN 'Traçabilité'
                   ELSE '' END);
    INSERT INTO search_index (rowid, key, title, body)
    SELECT rowid, replace(replace(replace(replace(key, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(title, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(body, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
    FROM search_text WHERE rowid = new.id * 8 + 6;
END;

CREATE TRIGGER search_risks_update
AFTER UPDATE OF title, criterion, treatment, owner ON risks
BEGIN
    INSERT INTO search_index (search_index, rowid, key, title, body)
    SELECT 'delete', rowid, replace(replace(replace(replace(key, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(title, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(body, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
    FROM search_text WHERE rowid = old.id * 8 + 6;
    DELETE FROM search_text WHERE rowid = old.id * 8 + 6;
    INSERT INTO search_text (rowid, kind, ref, key, title, body)
    VALUES (new.id * 8 + 6, 'risk', new.id, 'R-' || new.id, new.title,
            new.treatment || char(10) || coalesce(new.owner, '') || char(10)
            || CASE new.criterion
                   WHEN 'availability' THEN 'Disponibilité'
                   WHEN 'integrity' THEN 'Intégrité'
                   WHEN 'confidentiality' THEN 'Confidentialité'
                   WHEN 'traceability' THEN 'Traçabilité'
                   ELSE '' END);
    INSERT INTO search_index (rowid, key, title, body)
    SELECT rowid, replace(replace(replace(replace(key, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(title, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(body, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
    FROM search_text WHERE rowid = new.id * 8 + 6;
END;

CREATE TRIGGER search_risks_delete AFTER DELETE ON risks
BEGIN
    INSERT INTO search_index (search_index, rowid, key, title, body)
    SELECT 'delete', rowid, replace(replace(replace(replace(key, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(title, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
           replace(replace(replace(replace(body, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
    FROM search_text WHERE rowid = old.id * 8 + 6;
    DELETE FROM search_text WHERE rowid = old.id * 8 + 6;
END;

-- An older workspace gets its index on upgrade: the text first, then the index of it.
INSERT INTO search_text (rowid, kind, ref, key, title, body)
SELECT id * 8 + 1, 'story', id, 'US-' || number, title,
       persona || char(10) || want || char(10) || so_that || char(10) || description
       || char(10) || acceptance
FROM stories;
INSERT INTO search_text (rowid, kind, ref, key, title, body)
SELECT id * 8 + 2, 'capture', id, '#' || id, '', text FROM items;
INSERT INTO search_text (rowid, kind, ref, key, title, body)
SELECT id * 8 + 3, 'standup', id, '', '', yesterday || char(10) || today
FROM standup_entries WHERE trim(yesterday || today) <> '';
INSERT INTO search_text (rowid, kind, ref, key, title, body)
SELECT e.id * 8 + 4, 'execution', e.id, coalesce('TC-' || c.number, ''), '', e.comment
FROM executions AS e LEFT JOIN test_cases AS c ON c.id = e.case_id
WHERE trim(e.comment) <> '';
INSERT INTO search_text (rowid, kind, ref, key, title, body)
SELECT m.id * 8 + 5, 'measure', m.id, m.code, m.title,
       m.description || char(10) || coalesce(s.how, '') || char(10)
       || coalesce(s.evidence, '') || char(10) || coalesce(s.comment, '')
FROM measures AS m LEFT JOIN measure_status AS s ON s.measure_id = m.id;
INSERT INTO search_text (rowid, kind, ref, key, title, body)
SELECT id * 8 + 6, 'risk', id, 'R-' || id, title,
       treatment || char(10) || coalesce(owner, '') || char(10)
       || CASE criterion
              WHEN 'availability' THEN 'Disponibilité'
              WHEN 'integrity' THEN 'Intégrité'
              WHEN 'confidentiality' THEN 'Confidentialité'
              WHEN 'traceability' THEN 'Traçabilité'
              ELSE '' END
FROM risks;
INSERT INTO search_index (rowid, key, title, body)
SELECT rowid, replace(replace(replace(replace(key, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
       replace(replace(replace(replace(title, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE'),
       replace(replace(replace(replace(body, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')
FROM search_text;
