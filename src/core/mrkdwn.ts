/**
 * Slack treats `<…>` as mentions and links and `&` as the start of an entity, so user text must be
 * escaped before it is put into mrkdwn: `<!channel>` typed by a user then shows as text and pings nobody.
 */
export { escapeMrkdwn } from './slack-text.js';

/**
 * Slack sends slash-command text with `&`, `<` and `>` typed by the person escaped (mentions it made
 * itself stay as `<@U…|name>`). Decoding once here means the text is stored as typed and escaped once on
 * the way out, instead of showing `&amp;gt;`.
 */
export function unescapeSlackText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Mentions and special links in raw command text, as Slack sends them (`<@U123|bob>`, `<!channel>`, `<!subteam^S1>`). */
export const MENTION = /<[@!#][^>]*>/;

/** Plain text cut to a limit between graphemes, the end shown as an ellipsis (see slack-text.ts). */
export { cutPlain as truncate } from './slack-text.js';

/** Already-escaped text as a Slack blockquote, every line marked. */
export function blockquote(text: string): string {
  return text.split('\n').map((l) => `> ${l}`).join('\n');
}

export const userRef = (id: string): string => `<@${id}>`;

/** Slack renders this in the reader's own time zone; the fallback is for clients that can't. */
export function slackDate(at: Date): string {
  const epoch = Math.floor(at.getTime() / 1000);
  const fallback = at.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  return `<!date^${epoch}^{date_short_pretty} {time}|${fallback}>`;
}
