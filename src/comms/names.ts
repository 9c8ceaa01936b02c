/**
 * A postmortem read outside Slack (the CLI, a downloaded file) shows `@U0IC00001` where Slack would show
 * a name: these replace each user id with the person's handle, from whatever directory is at hand.
 */
const USER_ID = /@([UW][A-Z0-9]{2,})\b/g;

export function userIdsIn(text: string): string[] {
  return [...new Set([...text.matchAll(USER_ID)].map((m) => m[1]!))];
}

/** `@U0IC00001` → `@alice` for every id the directory knows; unknown ids stay as they are. */
export function withNames(text: string, names: ReadonlyMap<string, string>): string {
  return text.replace(USER_ID, (whole, id: string) => (names.has(id) ? `@${names.get(id)}` : whole));
}
