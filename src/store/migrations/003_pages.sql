-- Pages: who was paged for an incident, and whether they acknowledged. A page belongs to an escalation
-- group (`target`: a team, or one person); acknowledging any page of the group acknowledges the group and
-- stops its escalation. Tiers: 0 = on call, 1 = secondary, 2 = management.
CREATE TABLE pages (
  id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  incident_id integer NOT NULL REFERENCES incidents (id),
  target      text NOT NULL,
  target_kind text NOT NULL CHECK (target_kind IN ('team', 'user')),
  tier        smallint NOT NULL DEFAULT 0 CHECK (tier BETWEEN 0 AND 2),
  -- Whose routes (PagerDuty, Opsgenie) carry the page: the target team, or management at tier 2.
  team        text,
  -- Who gets the Slack DM: on call when paged. NULL = nobody on call (said in the thread).
  user_id     text,
  level       smallint NOT NULL CHECK (level BETWEEN 1 AND 4),
  reason      text NOT NULL CHECK (reason IN ('declared', 'level_raised', 'manual', 'no_ack')),
  message     text,
  drill       boolean NOT NULL DEFAULT false,
  paged_by    text NOT NULL,
  created_at  timestamptz NOT NULL,
  status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'resolved')),
  acked_by    text,
  acked_at    timestamptz,
  -- Time to acknowledge, kept for the postmortem and for measuring the rotation.
  ack_ms      integer,
  resolved_at timestamptz,
  dm_channel  text,
  dm_ts       text,
  dm_error    text
);
-- One open page per group and tier: a level raised twice, or a retried request, never pages twice.
CREATE UNIQUE INDEX pages_one_open ON pages (incident_id, target, tier) WHERE status = 'open';
CREATE INDEX pages_by_incident ON pages (incident_id, id);

-- Each provider call a page needs (trigger, then acknowledge or resolve), with its attempts and last
-- error. `route` is the NAME of the environment variable holding the key, never the key.
CREATE TABLE page_deliveries (
  id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  page_id    integer NOT NULL REFERENCES pages (id),
  provider   text NOT NULL CHECK (provider IN ('pagerduty', 'opsgenie')),
  action     text NOT NULL CHECK (action IN ('trigger', 'acknowledge', 'resolve')),
  route      text NOT NULL,
  dedup_key  text NOT NULL CHECK (length(dedup_key) <= 255),
  status     text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
  attempts   integer NOT NULL DEFAULT 0,
  last_error text,
  sent_at    timestamptz,
  -- A failure is posted in the incident's thread once; this says it was.
  reported   boolean NOT NULL DEFAULT false,
  UNIQUE (page_id, provider, action)
);

-- `/oncall override`: who holds a team's pager instead of the rotation, from when until when, and who said so.
CREATE TABLE oncall_overrides (
  id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  team       text NOT NULL,
  user_id    text NOT NULL,
  starts_at  timestamptz NOT NULL,
  ends_at    timestamptz NOT NULL CHECK (ends_at > starts_at),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX oncall_overrides_by_end ON oncall_overrides (ends_at);
