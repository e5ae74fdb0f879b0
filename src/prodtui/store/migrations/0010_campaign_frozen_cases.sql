-- A finished or archived campaign keeps the cases it had when it was closed: cases written
-- later change neither its scope nor its counts ("terminée 14/19" stays 14/19). A JSON
-- list of case ids, NULL while the campaign is open.
ALTER TABLE campaigns ADD COLUMN frozen_cases TEXT;

-- Campaigns closed before: the cases of their pass written by the time they were closed
-- (their last move to finished or archived in the audit log; else the end of their end
-- date; else their last change), and every case with a result in that pass. The same rule
-- as `CampaignRepository.freeze_closed` (store/recette.py).
UPDATE campaigns SET frozen_cases = (
    SELECT json_group_array(id) FROM (
        SELECT tc.id FROM test_cases AS tc
        WHERE (campaigns.pass_cases IS NULL
               OR tc.id IN (SELECT value FROM json_each(campaigns.pass_cases)))
          AND (tc.created_at <= coalesce(
                  (SELECT max(a.at) FROM audit_log AS a
                   WHERE a.entity = 'campaigns' AND a.entity_id = campaigns.id
                     AND a.field = 'state' AND a.new IN ('finished', 'archived')
                     AND coalesce(a.old, '') NOT IN ('finished', 'archived')),
                  campaigns.end_date || 'T23:59:59.999',
                  campaigns.updated_at)
               OR tc.id IN (SELECT e.case_id FROM executions AS e
                            WHERE e.campaign_id = campaigns.id
                              AND e.pass_number = campaigns.pass_number))
        ORDER BY tc.number
    )
)
WHERE state IN ('finished', 'archived') AND frozen_cases IS NULL;
