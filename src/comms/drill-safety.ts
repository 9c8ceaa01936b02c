/**
 * What keeps a draft from going out by mistake: a drill's drafts carry a DRILL banner in their own text
 * (so a copy pasted elsewhere still says so), and placeholders left from the procedures ("+359 2 XXX
 * XXXX", "[…]") are found before anyone is told a draft is ready to send.
 */
import type { Policy } from '../policy.js';

export const DRILL_BANNER = '*** DRILL: an exercise, not a real outage. Do not send. ***';

/** The draft as it is shown and posted: with the banner on top when it comes from a drill. */
export function withDrillBanner(text: string, drill: boolean): string {
  return drill ? `${DRILL_BANNER}\n\n${text}` : text;
}

export interface Placeholder {
  /** The line it is on, trimmed, as the person sees it. */
  line: string;
  /** The policy key it came from, when a policy value holds it (then that is where to fix it for good). */
  policyKey?: string;
}

// Runs of X (XXX, XXXX), "[…]" / "[...]" and bracketed TBD/TODO/fill-in notes, and unfilled {{fields}}.
const PLACEHOLDER = /\bX{3,}\b|\[(?:…|\.\.\.|\s*(?:TBD|TODO|FIXME|INSERT[^\]]*|FILL[^\]]*)\s*)\]|\{\{[^}]*\}\}/i;

/** The lines of a draft that still hold a placeholder. */
export function findPlaceholders(text: string, policy?: Policy): Placeholder[] {
  const contacts = Object.entries(policy?.contacts ?? {}).filter(([, v]) => typeof v === 'string' && PLACEHOLDER.test(v));
  return text
    .split('\n')
    .filter((l) => PLACEHOLDER.test(l))
    .map((l) => {
      const from = contacts.find(([, v]) => l.includes(v as string));
      return { line: l.trim(), ...(from ? { policyKey: `contacts.${from[0]}` } : {}) };
    });
}

/** One line per placeholder, for a warning: what to fill in, and where it comes from when that is the policy. */
export function placeholderWarnings(found: Placeholder[]): string[] {
  return found.map((p) => `Placeholder to fill in: “${p.line}”${p.policyKey ? ` (from \`${p.policyKey}\` in dr-policy.yml)` : ''}`);
}
