-- An approval is bound to what was shown when the action was requested: the incident's level and its
-- two-person rule then, the roles that could approve then, and the fingerprint of the plan's facts (target
-- state, lag band, image, replicas, snapshot id). Confirm applies the stricter of then and now, and re-runs
-- the read-only preflight: a different fingerprint means a fresh plan and a new confirmation.
ALTER TABLE actions
  ADD COLUMN requested_level  smallint,
  ADD COLUMN two_person_rule  boolean,
  ADD COLUMN approve_roles    jsonb,
  ADD COLUMN fingerprint      jsonb;
