-- A job that kept failing is dead-lettered: done, with the time and the reason kept, never retried again.
ALTER TABLE jobs ADD COLUMN dead_at timestamptz;
-- Finding a job of (kind, key) whatever its state: "was this thread line ever queued?", the last card edit.
CREATE INDEX jobs_kind_key ON jobs (kind, key);
-- Handled requests are only looked up for minutes (Slack retries within ~1 minute); old ones are swept.
CREATE INDEX handled_requests_at ON handled_requests (handled_at);
