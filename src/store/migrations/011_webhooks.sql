-- Webhooks in (PagerDuty V3, Opsgenie): each event the bot acted on, by the provider's own event id, so a
-- replayed or re-delivered event is recognised and changes nothing the second time.
CREATE TABLE webhook_events (
  provider    text NOT NULL,
  event_id    text NOT NULL CHECK (length(event_id) <= 512),
  kind        text NOT NULL,
  received_at timestamptz NOT NULL,
  incident_id integer REFERENCES incidents (id),
  -- What the event did here: acknowledged, noted, ignored (not one of our pages)…
  outcome     text NOT NULL,
  PRIMARY KEY (provider, event_id)
);
CREATE INDEX webhook_events_at ON webhook_events (received_at);

-- An acknowledgement made in the pager app: through which provider, and the name the provider gave the
-- person (acked_by then holds the Slack user the policy maps them to, or the provider's user id).
ALTER TABLE pages ADD COLUMN acked_via text CHECK (acked_via IN ('pagerduty', 'opsgenie'));
ALTER TABLE pages ADD COLUMN acked_by_name text;

-- Finding our pages by the dedup key / alias a provider's event names.
CREATE INDEX page_deliveries_by_dedup ON page_deliveries (provider, dedup_key);

-- Alerts in (Alertmanager): one proposal per alert group episode, found again by the group's key, so a
-- group notified again (repeat_interval, a new alert in it) never posts a second proposal. An episode ends
-- (closed_at) when the whole group resolves; the group firing after that is a new proposal.
CREATE TABLE alert_proposals (
  id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  group_key   text NOT NULL,
  status      text NOT NULL CHECK (status IN ('proposed', 'declared', 'dismissed', 'resolved')),
  rule_index  integer NOT NULL,
  level       smallint NOT NULL CHECK (level BETWEEN 1 AND 4),
  services    text[] NOT NULL DEFAULT '{}',
  title       text NOT NULL,
  auto        boolean NOT NULL DEFAULT false,
  -- The latest notification's alerts: fingerprint → {status, labels, summary, startsAt, endsAt}.
  alerts      jsonb NOT NULL DEFAULT '{}',
  link        text,
  created_at  timestamptz NOT NULL,
  decided_by  text,
  decided_at  timestamptz,
  incident_id integer REFERENCES incidents (id),
  channel_id  text,
  ts          text,
  closed_at   timestamptz
);
CREATE UNIQUE INDEX alert_proposals_open_group ON alert_proposals (group_key) WHERE closed_at IS NULL;

-- Follow-ups: action items of an incident with an owner, a due date and a state; listed in the postmortem and
-- on the card after resolve. Checklist items still unticked when an incident is closed become follow-ups
-- (source 'checklist', one per item). An export to an issue tracker keeps the issue's link and number.
CREATE TABLE follow_ups (
  id           integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  incident_id  integer NOT NULL REFERENCES incidents (id),
  text         text NOT NULL,
  owner        text,
  due          date,
  state        text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done')),
  source       text NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'checklist')),
  source_key   text,
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL,
  issue_url    text,
  issue_number integer,
  synced_at    timestamptz
);
CREATE INDEX follow_ups_by_incident ON follow_ups (incident_id, id);
CREATE UNIQUE INDEX follow_ups_from_checklist ON follow_ups (incident_id, source_key) WHERE source = 'checklist';

-- Status page out (Atlassian Statuspage v1): our incident's public incident, and what was last published
-- (a fingerprint), so an unchanged state is not sent again. `requested_by`: L3–L4 publish only when asked.
CREATE TABLE statuspage_incidents (
  incident_id      integer PRIMARY KEY REFERENCES incidents (id),
  requested_by     text,
  requested_at     timestamptz,
  page_incident_id text,
  shortlink        text,
  published_hash   text,
  published_status text,
  published_at     timestamptz
);

-- Shared request pacing (≤ 1 request/s per API token), by the database's clock, across every replica.
CREATE TABLE rate_slots (
  name    text PRIMARY KEY,
  next_at timestamptz NOT NULL
);
