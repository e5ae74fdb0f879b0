-- Recette: a campaign is run in passes, and automated cases are found again by their test.

-- Pass 1 covers every case; "re-run failed only" starts the next pass over the cases listed
-- in pass_cases (a JSON array of case ids; NULL means every case).
ALTER TABLE campaigns ADD COLUMN pass_number INTEGER NOT NULL DEFAULT 1 CHECK (pass_number >= 1);
ALTER TABLE campaigns ADD COLUMN pass_cases TEXT;

-- Each result belongs to the pass it was recorded in (the append-only triggers still hold).
ALTER TABLE executions ADD COLUMN pass_number INTEGER NOT NULL DEFAULT 1;

-- A case created from a JUnit report remembers its test (classname::name), so the next
-- import of the same test reuses it instead of creating another.
ALTER TABLE test_cases ADD COLUMN automation_key TEXT;
CREATE UNIQUE INDEX test_cases_automation_key ON test_cases (automation_key)
    WHERE automation_key IS NOT NULL;
