-- Post-recovery: the System Verification Checklist per incident, and the milestones measured against the
-- recovery time objectives (acknowledged, mitigated) next to resolved_at; closed after the checklist.
ALTER TABLE incidents
  ADD COLUMN acknowledged_at timestamptz,
  ADD COLUMN mitigated_at    timestamptz,
  ADD COLUMN closed_at       timestamptz,
  ADD COLUMN closed_by       text,
  ADD COLUMN close_reason    text,
  ADD COLUMN checklist_ts    text;

CREATE TABLE checklist_items (
  incident_id integer NOT NULL REFERENCES incidents (id),
  item_id     text NOT NULL,
  position    integer NOT NULL,
  text        text NOT NULL,
  probe       text,
  checked_by  text,
  checked_at  timestamptz,
  evidence    text,
  PRIMARY KEY (incident_id, item_id)
);
