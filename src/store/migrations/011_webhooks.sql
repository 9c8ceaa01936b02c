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
