import type { LevelPolicy } from './levels.js';

interface Team {
  members: string[];
  usergroup?: string;
}

/**
 * The mentions that reach a level's escalation group: each notified team's user group when it has one,
 * otherwise its members. `all-teams` means every team.
 */
export function escalationMentions(level: LevelPolicy, teams: Record<string, Team>, max = 40): string {
  const ids = level.notify.includes('all-teams') ? Object.keys(teams) : level.notify.filter((t) => Object.hasOwn(teams, t));
  const out: string[] = [];
  for (const id of ids) {
    const t = teams[id]!;
    if (t.usergroup) out.push(`<!subteam^${t.usergroup}>`);
    else for (const m of t.members) out.push(`<@${m}>`);
  }
  const unique = [...new Set(out)];
  return unique.length > max ? `${unique.slice(0, max).join(' ')} …` : unique.join(' ');
}
