import type { LevelNumber } from './levels.js';

/** Status names follow the status-page template (Investigating | Identified | Monitoring | Resolved). */
export const OPEN_STATUSES = ['investigating', 'identified', 'monitoring'] as const;
export type OpenStatus = (typeof OPEN_STATUSES)[number];
export type IncidentStatus = OpenStatus | 'resolved' | 'closed';

export interface Incident {
  id: number;
  level: LevelNumber;
  title: string;
  description: string;
  status: IncidentStatus;
  services: string[];
  drill: boolean;
  declaredBy: string;
  declaredAt: Date;
  channelId: string | null;
  cardTs: string | null;
  lastUpdateAt: Date | null;
  lastUpdateBy: string | null;
  lastUpdateText: string | null;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  resolution: string | null;
  roles: Record<string, string>;
  /** Reminder cadence set for this incident: null = the level's, 0 = off. */
  remindEveryMs: number | null;
  /** Milestones against the recovery time objectives. */
  acknowledgedAt: Date | null;
  mitigatedAt: Date | null;
  closedAt: Date | null;
  closedBy: string | null;
  closeReason: string | null;
  checklistTs: string | null;
}

export const incidentRef = (id: number): string => `INC-${id}`;

/** `INC-12`, `inc-12`, `#12`, `12` → 12. */
export function parseIncidentRef(text: string): number | undefined {
  const m = /^(?:inc-?|#)?(\d{1,9})$/i.exec(text.trim());
  return m ? Number(m[1]) : undefined;
}

export const isOpen = (s: IncidentStatus): s is OpenStatus => (OPEN_STATUSES as readonly string[]).includes(s);

export function parseStatus(text: string): OpenStatus | undefined {
  const t = text.trim().toLowerCase();
  return (OPEN_STATUSES as readonly string[]).includes(t) ? (t as OpenStatus) : undefined;
}

export const statusLabel = (s: IncidentStatus): string => s.charAt(0).toUpperCase() + s.slice(1);

export const TITLE_MAX = 150;
export const TEXT_MAX = 2_900;
