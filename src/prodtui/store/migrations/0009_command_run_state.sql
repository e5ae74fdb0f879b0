-- A run of an automated suite says where it stands, so that the next start can tell
-- what happened to one cut short: its state, the file holding its whole output, the
-- process id of the prodtui that ran it (a run left 'running' by a process that is gone
-- was interrupted) and whether the user still has to be told how it ended.
ALTER TABLE command_runs ADD COLUMN state TEXT NOT NULL DEFAULT 'finished'
    CHECK (state IN ('running', 'stopped', 'finished', 'imported', 'interrupted'));
ALTER TABLE command_runs ADD COLUMN log_path TEXT;
ALTER TABLE command_runs ADD COLUMN owner_pid INTEGER;
ALTER TABLE command_runs ADD COLUMN notice_pending INTEGER NOT NULL DEFAULT 0
    CHECK (notice_pending IN (0, 1));
-- Runs never ended were cut short by an older prodtui: the next start reports them.
UPDATE command_runs SET state = 'running' WHERE ended_at IS NULL;
CREATE INDEX command_runs_state ON command_runs (state) WHERE state = 'running' OR notice_pending = 1;
