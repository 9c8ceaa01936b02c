-- Timers are rows: a reminder, an escalation or an expiry is a job with a due time that any replica's
-- ticker claims with FOR UPDATE SKIP LOCKED and a lease, so each fires once and survives restarts.
CREATE TABLE jobs (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind         text NOT NULL,
  -- At most one pending job per (kind, key): rescheduling a reminder moves it, never doubles it.
  key          text NOT NULL,
  incident_id  integer REFERENCES incidents (id),
  due_at       timestamptz NOT NULL,
  payload      jsonb NOT NULL DEFAULT '{}',
  -- Bumped by every reschedule, so a runner that claimed an older version cannot overwrite a newer plan.
  version      integer NOT NULL DEFAULT 1,
  attempts     integer NOT NULL DEFAULT 0,
  locked_by    text,
  locked_until timestamptz,
  last_error   text,
  done_at      timestamptz
);
CREATE UNIQUE INDEX jobs_one_pending ON jobs (kind, key) WHERE done_at IS NULL;
CREATE INDEX jobs_due ON jobs (due_at) WHERE done_at IS NULL;

-- Per-incident reminder cadence set with /incident remind: NULL = the level's, 0 = off.
ALTER TABLE incidents ADD COLUMN remind_every_ms integer CHECK (remind_every_ms IS NULL OR remind_every_ms >= 0);
