import { own } from './own.js';
/** Incident levels as the procedures define them ("Incident Classification"); the policy file can retune them. */
export type LevelNumber = 1 | 2 | 3 | 4;
export const LEVEL_NUMBERS: readonly LevelNumber[] = [1, 2, 3, 4];

export interface LevelPolicy {
  name: string;
  emoji: string;
  /** The seed's headline for the level, e.g. "Complete System Failure". */
  summary: string;
  respondWithinMs: number;
  /** Who is escalated to, as the procedures say it ("Core team + Management"). */
  escalation: string;
  /** Team ids from the policy that are notified; `all-teams` means every team. */
  notify: string[];
  page: boolean;
  updateEveryMs: number;
  twoPersonRule: boolean;
  ackTimeoutMs: number;
  /** Recovery time objectives; an unset one is simply not reported against. */
  objectives: { acknowledgeMs?: number; mitigateMs?: number; resolveMs?: number; rpoMs?: number; rtoMs?: number };
}

const ALIASES: Record<string, LevelNumber> = {
  l1: 1, '1': 1, critical: 1, sev1: 1, p1: 1,
  l2: 2, '2': 2, high: 2, sev2: 2, p2: 2,
  l3: 3, '3': 3, medium: 3, sev3: 3, p3: 3,
  l4: 4, '4': 4, low: 4, sev4: 4, p4: 4,
};

/** `L1`, `1`, `critical`, `sev1`… → 1; anything else → undefined. */
export function parseLevel(text: string): LevelNumber | undefined {
  return own(ALIASES, text.trim().toLowerCase());
}

export const levelLabel = (n: LevelNumber, p: LevelPolicy): string => `L${n} ${p.name}`;
