-- Evidence files: a fourth result of a check, 'unreadable' (the file is there but cannot be
-- read: a permission, a read error), told apart from 'missing'. SQLite cannot change a
-- CHECK constraint in place: the table is rebuilt, rows and ids kept.
CREATE TABLE measure_evidence_files_new (
    id INTEGER PRIMARY KEY,
    measure_status_id INTEGER NOT NULL REFERENCES measure_status (id) ON DELETE CASCADE,
    path TEXT NOT NULL CHECK (path <> ''),
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    size INTEGER NOT NULL CHECK (size >= 0),
    recorded_at TEXT NOT NULL,
    last_check TEXT CHECK (last_check IN ('unchanged', 'changed', 'missing', 'unreadable')),
    checked_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (measure_status_id, path)
);
INSERT INTO measure_evidence_files_new SELECT * FROM measure_evidence_files;
DROP TABLE measure_evidence_files;
ALTER TABLE measure_evidence_files_new RENAME TO measure_evidence_files;
