/** A short picture of the workspace for timeout messages: what the test was waiting on didn't happen, but this did. */
import type { WorkspaceState } from './state.js';
import type { CallRecord } from './types.js';

const cut = (s: string, n = 80): string => (s.length > n ? `${s.slice(0, n)}…` : s).replace(/\n/g, ' ');

export function describeState(state: WorkspaceState, calls: CallRecord[]): string {
  const name = (id: string): string => state.channels.get(id)?.name ?? id;
  const lines: string[] = [];
  const msgs = state.messageLog.slice(-6);
  lines.push(`messages (${state.messageLog.length}, last ${msgs.length}):`);
  for (const m of msgs) lines.push(`  #${name(m.channel)} ${m.ts}${m.thread_ts && m.thread_ts !== m.ts ? ` (thread ${m.thread_ts})` : ''} ${m.user}: ${cut(m.text)}`);
  const eph = state.ephemeralLog.slice(-4);
  lines.push(`ephemerals (${state.ephemeralLog.length}, last ${eph.length}):`);
  for (const e of eph) lines.push(`  #${name(e.channel)} to ${e.user} [${e.source}]: ${cut(e.text)}`);
  lines.push(`open views: ${state.views.openFor().map((v) => `${v.id}(${v.callback_id || '-'}) for ${v.user}`).join(', ') || 'none'}`);
  const recent = calls.slice(-8);
  lines.push(`web api calls (${calls.length}, last ${recent.length}): ${recent.map((c) => `${c.method}${c.ok ? '' : `→${c.error}`}`).join(', ') || 'none'}`);
  return lines.join('\n');
}
