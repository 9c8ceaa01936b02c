/** auth.test, users.* and usergroups.* methods: who the bot is and who is in the workspace. */
import { SlackApiError } from '../types.js';
import type { User } from '../types.js';
import { str } from '../http-util.js';
import type { ApiContext, MethodTable } from './context.js';

/** Seconds east of UTC for an IANA zone now, as Slack's tz_offset. */
function tzOffset(tz: string): number {
  try {
    const name = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' }).formatToParts(new Date()).find((p) => p.type === 'timeZoneName')?.value ?? '';
    const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
    return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60) : 0;
  } catch {
    return 0;
  }
}

export function apiUser(ctx: ApiContext, u: User): Record<string, unknown> {
  const tz = u.tz ?? 'Europe/Sofia';
  const realName = u.real_name ?? u.name;
  return {
    id: u.id,
    team_id: ctx.teamId,
    name: u.name,
    real_name: realName,
    deleted: false,
    is_bot: !!u.is_bot,
    is_admin: false,
    tz,
    tz_offset: tzOffset(tz),
    profile: { real_name: realName, display_name: u.name, email: u.email ?? `${u.name}@example.test`, ...(u.is_bot ? { bot_id: ctx.botId } : {}) },
  };
}

export const userMethods: MethodTable = {
  'auth.test': {
    run: (ctx) => ({
      url: `${ctx.baseUrl}/`,
      team: ctx.teamDomain,
      user: ctx.state.users.get(ctx.botUserId)?.name ?? 'bot',
      team_id: ctx.teamId,
      user_id: ctx.botUserId,
      bot_id: ctx.botId,
      is_enterprise_install: false,
    }),
  },

  'users.info': {
    required: { user: 'user_not_found' },
    run: (ctx, args) => ({ user: apiUser(ctx, ctx.state.user(args.user)) }),
  },

  'users.list': {
    run: (ctx) => ({ members: [...ctx.state.users.values()].map((u) => apiUser(ctx, u)), response_metadata: { next_cursor: '' } }),
  },

  'users.lookupByEmail': {
    required: { email: 'users_not_found' },
    run(ctx, args) {
      const u = [...ctx.state.users.values()].find((x) => (x.email ?? `${x.name}@example.test`) === str(args.email));
      if (!u) throw new SlackApiError('users_not_found');
      return { user: apiUser(ctx, u) };
    },
  },

  'usergroups.list': {
    run: (ctx) => ({
      usergroups: [...ctx.state.usergroups.values()].map((g) => ({ id: g.id, team_id: ctx.teamId, handle: g.handle, name: g.name ?? g.handle, user_count: g.users.length, users: g.users })),
    }),
  },

  'usergroups.users.list': {
    required: { usergroup: 'no_such_subteam' },
    run(ctx, args) {
      const g = ctx.state.usergroups.get(str(args.usergroup) ?? '');
      if (!g) throw new SlackApiError('no_such_subteam');
      return { users: [...g.users] };
    },
  },
};
