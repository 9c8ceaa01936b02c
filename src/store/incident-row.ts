/** An incident as PostgreSQL returns it (its roles aggregated in), and as the rest of the bot knows it. */
import type { Incident, IncidentStatus } from '../core/incident.js';
import { OPEN_STATUSES } from '../core/incident.js';
import type { LevelNumber } from '../core/levels.js';

export interface IncidentRow {
  id: number;
  level: number;
  title: string;
  description: string;
  status: IncidentStatus;
  services: string[];
  drill: boolean;
  declared_by: string;
  declared_at: Date;
  channel_id: string | null;
  card_ts: string | null;
  last_update_at: Date | null;
  last_update_by: string | null;
  last_update_text: string | null;
  resolved_at: Date | null;
  resolved_by: string | null;
  resolution: string | null;
  roles: Record<string, string> | null;
  remind_every_ms: number | null;
  acknowledged_at: Date | null;
  mitigated_at: Date | null;
  closed_at: Date | null;
  closed_by: string | null;
  close_reason: string | null;
  checklist_ts: string | null;
}

// Roles ride along as one JSON object so that every read is one round trip.
export const INCIDENT_SELECT = `
  SELECT i.*, (SELECT jsonb_object_agg(r.role, r.user_id) FROM incident_roles r WHERE r.incident_id = i.id) AS roles
  FROM incidents i`;
/** The open statuses as an SQL list, for `status IN …`. */
export const OPEN = `(${OPEN_STATUSES.map((s) => `'${s}'`).join(', ')})`;

export const toIncident = (r: IncidentRow): Incident => ({
  id: r.id,
  level: r.level as LevelNumber,
  title: r.title,
  description: r.description,
  status: r.status,
  services: r.services,
  drill: r.drill,
  declaredBy: r.declared_by,
  declaredAt: r.declared_at,
  channelId: r.channel_id,
  cardTs: r.card_ts,
  lastUpdateAt: r.last_update_at,
  lastUpdateBy: r.last_update_by,
  lastUpdateText: r.last_update_text,
  resolvedAt: r.resolved_at,
  resolvedBy: r.resolved_by,
  resolution: r.resolution,
  roles: r.roles ?? {},
  remindEveryMs: r.remind_every_ms,
  acknowledgedAt: r.acknowledged_at ?? null,
  mitigatedAt: r.mitigated_at ?? null,
  closedAt: r.closed_at ?? null,
  closedBy: r.closed_by ?? null,
  closeReason: r.close_reason ?? null,
  checklistTs: r.checklist_ts ?? null,
});
