import type { Clock } from '../core/clock.js';
import { isOpen } from '../core/incident.js';
import type { Logger } from '../observability/logger.js';
import type { OnCallDirectory } from '../paging/oncall.js';
import type { Paging } from '../paging/service.js';
import type { Policy } from '../policy.js';
import { escalationLine } from '../slack/blocks/page.js';
import type { Store } from '../store/index.js';
import type { NewPage, PageStore } from '../store/pages.js';
import type { JobHandler } from './ticker.js';

/** The team paged last when nobody acknowledges: `paging.management`, else a team called `management`. */
export function managementTeam(policy: Policy): string | undefined {
  return policy.paging.management ?? (Object.hasOwn(policy.teams, 'management') ? 'management' : undefined);
}

/**
 * The `page_escalation` job of one group (incident + team or person), due one ack timeout after its
 * page. Acknowledging cancels it; otherwise the next tier is paged — the team's secondary (next in the
 * rotation), then management — and the thread says so. Each tier waits the level's ack timeout again.
 */
export function pageEscalationHandler(d: { store: Store; pages: PageStore; oncall: OnCallDirectory; policy: Policy; clock: Clock; log: Logger; paging: Paging }): JobHandler {
  return async (job, ctx) => {
    const target = String(job.payload.target ?? job.key.slice(job.key.indexOf(':') + 1));
    const inc = job.incidentId === null ? undefined : await d.store.incidents.get(job.incidentId);
    if (!inc || !isOpen(inc.status)) return {};
    const group = await d.pages.group(inc.id, target);
    // Acknowledged or resolved meanwhile: nothing to do (the acknowledgement normally cancels this job).
    if (group.length === 0 || group.some((p) => p.status !== 'open')) return {};
    const first = group[0]!;
    const level = d.policy.levels[inc.level];
    // Lowered to a level that pages nobody: its automatic pages stop escalating; manual ones go on.
    if (first.reason !== 'manual' && !level.page) return {};
    const now = d.clock.now();
    const paged = new Set(group.map((p) => p.userId).filter((u): u is string => Boolean(u)));
    const top = Math.max(...group.map((p) => p.tier));
    const mgmt = managementTeam(d.policy);
    let next: NewPage | undefined;
    if (top < 1 && first.targetKind === 'team') {
      const secondary = (await d.oncall.now(target, now)).secondary;
      if (secondary && !paged.has(secondary)) next = d.paging.teamPage(inc, target, 1, secondary, { reason: 'no_ack', actor: 'dr-bot' });
    }
    if (!next && top < 2 && mgmt && mgmt !== target) {
      const boss = (await d.oncall.now(mgmt, now)).primary;
      if (boss && !paged.has(boss)) next = d.paging.teamPage(inc, target, 2, boss, { reason: 'no_ack', actor: 'dr-bot', routesTeam: mgmt });
    }
    if (!next) {
      d.log.info({ incident: inc.id, target }, 'page not acknowledged and nobody left to escalate to');
      return {};
    }
    await ctx.checkpoint({ tier: next.tier });
    const { created, existing } = await d.pages.create(inc.id, [next], now);
    d.paging.nudge();
    const page = created[0] ?? existing[0]!;
    const lastPagedAt = Math.max(...group.map((p) => p.createdAt.getTime()));
    const to = d.paging.item(page, [next]);
    await d.paging.thread(
      inc,
      `escalated:${page.id}`,
      escalationLine(inc, { forWhom: d.paging.forWhom(first), was: [...paged], afterMs: now.getTime() - lastPagedAt, tier: next.tier, to }),
    );
    d.log.info({ incident: inc.id, target, tier: next.tier, user: next.userId }, 'page escalated');
    return next.tier < 2 ? { next: new Date(now.getTime() + level.ackTimeoutMs) } : {};
  };
}
