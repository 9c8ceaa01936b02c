/**
 * Worker: the load sender. Builds and signs every request of a phase before its clock starts, then
 * drives them open-loop (fixed rate) or closed-loop (N concurrent) over keep-alive sockets.
 */
import http from 'node:http';
import { closedLoop, openLoop, type Sample } from './load.js';
import { postSigned, signedCommand, type CommandFields, type SignedRequest } from './signed-command.js';
import { serve } from './workers.js';

export interface PhaseSpec {
  url: string;
  /** Passed in rather than imported, so this thread does not load the bot's module graph. */
  signingSecret: string;
  /** Titles are `Bench incident <tag>-<i>`, unique per request so cards can be matched. */
  tag: string;
  /** `/incident` text before the title, e.g. `declare L3`. */
  textPrefix: string;
  fields: Omit<CommandFields, 'text' | 'responseUrl' | 'triggerId'>;
  responseUrls: string[];
  triggerIds: string[];
  load: { kind: 'open'; ratePerS: number; durationMs: number } | { kind: 'closed'; concurrency: number; durationMs: number; max: number };
  timeoutMs?: number;
}

export interface PhaseResult {
  samples: Array<Sample & { tag: string }>;
  elapsedMs: number;
  maxLagMs?: number;
}

// No socket limit: an open-loop burst must never queue behind the agent. Sockets are reused across phases
// against the same app; `closeSockets` drops them before that app stops.
let agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

async function runPhase(p: PhaseSpec): Promise<PhaseResult> {
  const count = p.load.kind === 'open' ? Math.round((p.load.ratePerS * p.load.durationMs) / 1000) : p.load.max;
  const tags: string[] = [];
  const requests: SignedRequest[] = [];
  for (let i = 0; i < count; i++) {
    const tag = `${p.tag}-${i}`;
    tags.push(tag);
    requests.push(
      signedCommand(p.signingSecret, {
        ...p.fields,
        text: `${p.textPrefix} Bench incident ${tag}`,
        responseUrl: p.responseUrls[i % p.responseUrls.length]!,
        triggerId: p.triggerIds[i % p.triggerIds.length]!,
      }),
    );
  }
  const target = new URL(p.url);
  const timeoutMs = p.timeoutMs ?? 10_000;
  const fire = (i: number) => postSigned(agent, target, requests[i]!, timeoutMs);
  const r = p.load.kind === 'open' ? await openLoop(fire, p.load) : await closedLoop(fire, p.load);
  return { ...r, samples: r.samples.map((s) => ({ ...s, tag: tags[s.i]! })) };
}

serve({
  run: runPhase,
  closeSockets: () => {
    agent.destroy();
    agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  },
});
