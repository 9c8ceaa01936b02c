import type { Clock } from '../core/clock.js';
import { onCallAt, type OnCall } from '../core/oncall.js';
import type { Policy } from '../policy.js';
import type { PageStore } from '../store/pages.js';
import { rotationOf, type PagingTeam } from './schema.js';
import { own } from '../core/own.js';

/** Who is on call now: the policy's rotations plus the overrides recorded with `/oncall override`. */
export class OnCallDirectory {
  constructor(private readonly d: { policy: Policy; pages: PageStore; clock: Clock }) {}

  team(id: string): PagingTeam | undefined {
    return own(this.d.policy.teams, id) as PagingTeam | undefined;
  }

  async now(teamId: string, at = this.d.clock.now()): Promise<OnCall> {
    return (await this.all(at, [teamId]))[teamId]!;
  }

  /** One read of the overrides for any number of teams (an L1 pages all of them at once). */
  async all(at = this.d.clock.now(), teamIds = Object.keys(this.d.policy.teams)): Promise<Record<string, OnCall>> {
    const overrides = await this.d.pages.overrides(at);
    const out: Record<string, OnCall> = {};
    for (const id of teamIds) {
      const team = this.team(id);
      out[id] = team ? onCallAt(id, { members: team.members, rotation: rotationOf(team) }, at, overrides) : { source: 'members' };
    }
    return out;
  }
}
