-- Security: evidence files, score history, homologation step keys (filled in by the security work).

-- A file given as evidence of a measure: its path as recorded (absolute, `~` expanded),
-- its SHA-256 and size at the time, and the result of the last check (NULL before the
-- first one). A check writes `last_check` and `checked_at` only; re-recording accepts
-- the file as it is now (new hash and size, audited like any edit).
CREATE TABLE measure_evidence_files (
    id INTEGER PRIMARY KEY,
    measure_status_id INTEGER NOT NULL REFERENCES measure_status (id) ON DELETE CASCADE,
    path TEXT NOT NULL CHECK (path <> ''),
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    size INTEGER NOT NULL CHECK (size >= 0),
    recorded_at TEXT NOT NULL,
    last_check TEXT CHECK (last_check IN ('unchanged', 'changed', 'missing')),
    checked_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (measure_status_id, path)
);

-- The security score, one row per day it changed (upserted when a status changes):
-- the overall index and the index per category as a JSON object (null when nothing
-- applies). Derived data, so no version: the latest computation of the day wins.
CREATE TABLE security_score_history (
    day TEXT PRIMARY KEY,
    overall REAL CHECK (overall BETWEEN 0 AND 5),
    categories TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(categories)),
    updated_at TEXT NOT NULL
);

-- The key of a homologation step in its referential (`sample_data/homologation_steps.toml`),
-- so a step can be matched again when the referential is reloaded.
ALTER TABLE homologation_steps ADD COLUMN key TEXT;

-- Steps copied from the referential before the key existed get their key back, matched
-- on the shipped title (a step renamed since stays the team's own); the first step of a
-- title takes the key, so a duplicated title cannot break the unique index below.
UPDATE homologation_steps
SET key = CASE title
        WHEN 'Stratégie d''homologation' THEN 'strategie'
        WHEN 'Description du service' THEN 'contexte'
        WHEN 'Mise en œuvre des mesures' THEN 'mesures'
        WHEN 'Analyse de risque' THEN 'analyse_risque'
        WHEN 'Audit de sécurité' THEN 'audit'
        WHEN 'Plan d''action' THEN 'plan_action'
        WHEN 'Dossier d''homologation' THEN 'dossier'
        WHEN 'Commission d''homologation' THEN 'commission'
        WHEN 'Décision d''homologation' THEN 'decision'
        WHEN 'Suivi et renouvellement' THEN 'suivi'
    END
WHERE id = (SELECT min(s.id) FROM homologation_steps AS s WHERE s.title = homologation_steps.title);
CREATE UNIQUE INDEX homologation_steps_key ON homologation_steps (key) WHERE key IS NOT NULL;
