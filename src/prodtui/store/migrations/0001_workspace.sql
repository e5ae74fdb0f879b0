-- The first schema: every table of the workspace, so the demo fills every panel.
-- Editable rows carry id, created_at, updated_at and version (optimistic concurrency).

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT 'other'
        CHECK (role IN ('dev', 'design', 'metier', 'rssi', 'product', 'other')),
    active INTEGER NOT NULL DEFAULT 1,
    position INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE items (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL DEFAULT 'note'
        CHECK (kind IN ('note', 'action', 'blocker', 'decision', 'question', 'idea', 'risk')),
    text TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
    owner TEXT,
    due_date TEXT,
    story_key TEXT,
    triaged INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL DEFAULT 'tui',
    resolved_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX items_inbox ON items (triaged, created_at);
CREATE INDEX items_open ON items (status, kind, due_date);

CREATE TABLE standups (
    id INTEGER PRIMARY KEY,
    day TEXT NOT NULL UNIQUE,
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE standup_entries (
    id INTEGER PRIMARY KEY,
    standup_id INTEGER NOT NULL REFERENCES standups (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people (id),
    yesterday TEXT NOT NULL DEFAULT '',
    today TEXT NOT NULL DEFAULT '',
    blockers TEXT NOT NULL DEFAULT '',
    mood INTEGER CHECK (mood BETWEEN 1 AND 5),
    absent INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (standup_id, person_id)
);
CREATE INDEX standup_entries_person ON standup_entries (person_id, standup_id);

CREATE TABLE epics (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE sprints (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    capacity INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CHECK (end_date >= start_date)
);

CREATE TABLE stories (
    id INTEGER PRIMARY KEY,
    number INTEGER NOT NULL UNIQUE,
    title TEXT NOT NULL,
    persona TEXT NOT NULL DEFAULT '',
    want TEXT NOT NULL DEFAULT '',
    so_that TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    acceptance TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'idea'
        CHECK (status IN ('idea', 'refining', 'ready', 'in_progress', 'in_recette', 'done', 'abandoned')),
    priority TEXT CHECK (priority IN ('must', 'should', 'could', 'wont')),
    points INTEGER,
    epic_id INTEGER REFERENCES epics (id) ON DELETE SET NULL,
    sprint_id INTEGER REFERENCES sprints (id) ON DELETE SET NULL,
    rank INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX stories_rank ON stories (rank);
CREATE INDEX stories_sprint ON stories (sprint_id);

CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    release TEXT NOT NULL DEFAULT '',
    sprint_id INTEGER REFERENCES sprints (id) ON DELETE SET NULL,
    start_date TEXT,
    end_date TEXT,
    state TEXT NOT NULL DEFAULT 'planned'
        CHECK (state IN ('planned', 'in_progress', 'finished', 'archived')),
    command TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE test_cases (
    id INTEGER PRIMARY KEY,
    number INTEGER NOT NULL UNIQUE,
    title TEXT NOT NULL,
    steps TEXT NOT NULL DEFAULT '',
    expected TEXT NOT NULL DEFAULT '',
    story_id INTEGER REFERENCES stories (id) ON DELETE SET NULL,
    tags TEXT NOT NULL DEFAULT '',
    importance TEXT NOT NULL DEFAULT 'medium' CHECK (importance IN ('high', 'medium', 'low')),
    automated INTEGER NOT NULL DEFAULT 0,
    needs_review INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX test_cases_story ON test_cases (story_id);

-- Append-only: each result freezes the case as it was run.
CREATE TABLE executions (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    case_id INTEGER NOT NULL REFERENCES test_cases (id),
    status TEXT NOT NULL
        CHECK (status IN ('pass', 'fail', 'blocked', 'skipped', 'not_testable', 'settled', 'not_run')),
    comment TEXT NOT NULL DEFAULT '',
    tester TEXT NOT NULL DEFAULT '',
    duration_s REAL,
    automated INTEGER NOT NULL DEFAULT 0,
    case_snapshot TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX executions_campaign ON executions (campaign_id, case_id, id);
CREATE INDEX executions_case ON executions (case_id, id);
CREATE TRIGGER executions_no_update BEFORE UPDATE ON executions
BEGIN
    SELECT RAISE(ABORT, 'executions are append-only');
END;
CREATE TRIGGER executions_no_delete BEFORE DELETE ON executions
BEGIN
    SELECT RAISE(ABORT, 'executions are append-only');
END;

CREATE TABLE command_runs (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    command TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    exit_code INTEGER,
    output_tail TEXT NOT NULL DEFAULT ''
);

CREATE TABLE measures (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    category TEXT NOT NULL CHECK (category IN ('gouvernance', 'protection', 'defense', 'resilience')),
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    priority TEXT NOT NULL DEFAULT 'P2' CHECK (priority IN ('P1', 'P2', 'P3')),
    indispensable INTEGER NOT NULL DEFAULT 0,
    custom INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE measure_status (
    id INTEGER PRIMARY KEY,
    measure_id INTEGER NOT NULL UNIQUE REFERENCES measures (id) ON DELETE CASCADE,
    status TEXT NOT NULL DEFAULT 'todo'
        CHECK (status IN ('todo', 'ignored', 'partial', 'done', 'not_applicable')),
    owner TEXT,
    due_date TEXT,
    how TEXT NOT NULL DEFAULT '',
    evidence TEXT NOT NULL DEFAULT '',
    comment TEXT NOT NULL DEFAULT '',
    justification TEXT NOT NULL DEFAULT '',
    story_id INTEGER REFERENCES stories (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CHECK (status <> 'not_applicable' OR justification <> '')
);

CREATE TABLE risks (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    criterion TEXT NOT NULL
        CHECK (criterion IN ('availability', 'integrity', 'confidentiality', 'traceability')),
    likelihood INTEGER NOT NULL CHECK (likelihood BETWEEN 1 AND 4),
    severity INTEGER NOT NULL CHECK (severity BETWEEN 1 AND 4),
    treatment TEXT NOT NULL DEFAULT '',
    owner TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE homologation_steps (
    id INTEGER PRIMARY KEY,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'todo' CHECK (status IN ('todo', 'in_progress', 'done')),
    date TEXT,
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE homologation_decisions (
    id INTEGER PRIMARY KEY,
    authority_name TEXT NOT NULL,
    authority_role TEXT NOT NULL DEFAULT '',
    opinion TEXT NOT NULL CHECK (opinion IN ('favourable', 'reservations', 'unfavourable')),
    decided_on TEXT NOT NULL,
    validity_months INTEGER NOT NULL CHECK (validity_months IN (6, 12, 24, 36)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE health_reviews (
    id INTEGER PRIMARY KEY,
    week TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL CHECK (answer IN ('yes', 'partly', 'no')),
    comment TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (week, question)
);

CREATE TABLE drafts (
    key TEXT PRIMARY KEY,
    label TEXT NOT NULL DEFAULT '',
    content TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    author TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER,
    field TEXT NOT NULL,
    old TEXT,
    new TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, id);
