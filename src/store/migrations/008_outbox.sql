-- A job that kept failing is dead-lettered: done, with the time and the reason kept, never retried again.
ALTER TABLE jobs ADD COLUMN dead_at timestamptz;
-- Finding a job of (kind, key) whatever its state: "was this thread line ever queued?", the last card edit.
CREATE INDEX jobs_kind_key ON jobs (kind, key);
-- Handled requests are only looked up for minutes (Slack retries within ~1 minute); old ones are swept.
CREATE INDEX handled_requests_at ON handled_requests (handled_at);
-- A request key claimed at the door is not done until its handler finished: a copy of a request whose
-- first delivery died mid-way (the process was killed) may take it over; in-transaction claims are done at once.
ALTER TABLE handled_requests ADD COLUMN done boolean NOT NULL DEFAULT true;
