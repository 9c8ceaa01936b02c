// Slack's mrkdwn, rendered into DOM nodes (never HTML strings): *bold*, _italic_, ~strike~, `code`,
// ```blocks```, > quotes, <links|text>, <@U…> mentions, <#C…|name>, <!channel>, <!date^…|fallback>,
// :emoji: codes, and the three entities Slack escapes (&lt; &gt; &amp;).
import { h } from './dom.js';
import { emojiFor } from './emoji.js';

const ENTITIES = { lt: '<', gt: '>', amp: '&' };
export const decodeEntities = (s) => String(s).replace(/&(lt|gt|amp);/g, (_m, e) => ENTITIES[e]);

const WORD = /[\p{L}\p{N}]/u;
const STYLE = { '*': 'strong', _: 'em', '~': 's' };

/** mrkdwn text → DocumentFragment. `ctx.users` {id: {name, real_name}}, `ctx.channels` [{id, name}]. */
export function renderMrkdwn(text, ctx = {}) {
  const out = document.createDocumentFragment();
  const parts = String(text ?? '').split('```');
  parts.forEach((part, i) => {
    // Odd parts sit between ``` fences; a fence left open is plain text, as in Slack.
    const fenced = i % 2 === 1 && i < parts.length - 1;
    if (fenced) out.append(h('pre', { class: 'md-pre' }, decodeEntities(part.replace(/^\n/, '').replace(/\n$/, ''))));
    else renderLines(i % 2 === 1 ? '```' + part : trimAroundFences(part, i, parts.length), ctx, out);
  });
  return out;
}

/** The newline next to a fence only separates it; the <pre> is a block already. */
function trimAroundFences(part, i, n) {
  let s = part;
  if (i > 0) s = s.replace(/^\n/, '');
  if (i < n - 1) s = s.replace(/\n$/, '');
  return s;
}

/** Consecutive lines starting with `>` (or its escaped form) make one quote. */
function renderLines(text, ctx, out) {
  const lines = text.split('\n');
  let run = [];
  let quote = [];
  const flushRun = () => {
    if (run.length) inline(run.join('\n'), ctx, out.appendChild(h('span', { class: 'md-text' })));
    run = [];
  };
  const flushQuote = () => {
    if (quote.length) inline(quote.join('\n'), ctx, out.appendChild(h('blockquote', { class: 'md-quote' })));
    quote = [];
  };
  for (const line of lines) {
    const q = /^(?:>|&gt;) ?(.*)$/.exec(line);
    if (q) {
      flushRun();
      quote.push(q[1]);
    } else {
      flushQuote();
      run.push(line);
    }
  }
  flushRun();
  flushQuote();
}

function opens(s, i) {
  const prev = s[i - 1];
  const next = s[i + 1];
  return (prev === undefined || !WORD.test(prev)) && next !== undefined && !/\s/.test(next) && next !== s[i];
}

function closing(s, i, c) {
  for (let j = i + 2; j < s.length; j++) {
    if (s[j] === '\n') return -1;
    if (s[j] === c && !/\s/.test(s[j - 1]) && (j + 1 >= s.length || !WORD.test(s[j + 1]))) return j;
  }
  return -1;
}

/** Inline spans; none crosses a line break, as in Slack. */
function inline(s, ctx, out) {
  let buf = '';
  const flush = () => {
    if (buf) out.append(decodeEntities(buf));
    buf = '';
  };
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '`' || c === '<') {
      const j = s.indexOf(c === '`' ? '`' : '>', i + 1);
      if (j > i + 1 && !s.slice(i + 1, j).includes('\n')) {
        flush();
        out.append(c === '`' ? h('code', { class: 'md-code' }, decodeEntities(s.slice(i + 1, j))) : token(s.slice(i + 1, j), ctx));
        i = j + 1;
        continue;
      }
    } else if (STYLE[c] && opens(s, i)) {
      const j = closing(s, i, c);
      if (j > 0) {
        flush();
        const el = h(STYLE[c]);
        inline(s.slice(i + 1, j), ctx, el);
        out.append(el);
        i = j + 1;
        continue;
      }
    } else if (c === ':') {
      const m = /^:([a-z0-9_+'-]+):/.exec(s.slice(i, i + 64));
      const e = m && emojiFor(m[1]);
      if (e) {
        flush();
        out.append(h('span', { class: 'emoji', title: m[0], role: 'img', 'aria-label': m[1] }, e));
        i += m[0].length;
        continue;
      }
    }
    buf += c;
    i += 1;
  }
  flush();
}

/** `<…>`: a mention, a channel, a special command (!channel, !date…) or a link. */
function token(inner, ctx) {
  const bar = inner.indexOf('|');
  const target = bar < 0 ? inner : inner.slice(0, bar);
  const label = bar < 0 ? undefined : decodeEntities(inner.slice(bar + 1));
  if (target.startsWith('@')) {
    const id = target.slice(1);
    const u = ctx.users?.[id];
    return h('span', { class: 'mention', title: u?.real_name ?? id, dataset: { user: id } }, `@${u?.name ?? label ?? id}`);
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    const c = (ctx.channels ?? []).find((x) => x.id === id);
    return h('span', { class: 'mention channel' }, `#${label ?? c?.name ?? id}`);
  }
  if (target.startsWith('!')) {
    const cmd = target.slice(1);
    if (cmd.startsWith('date^')) return dateToken(cmd, label);
    if (cmd.startsWith('subteam^')) return h('span', { class: 'mention' }, label ?? '@group');
    if (['channel', 'here', 'everyone'].includes(cmd)) return h('span', { class: 'mention special' }, `@${cmd}`);
    return document.createTextNode(label ?? '');
  }
  const url = decodeEntities(target);
  // Only web and mail links become links: a javascript: URL stays text.
  if (/^(https?:\/\/|mailto:)/i.test(url)) return h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, label ?? url);
  return document.createTextNode(label ?? url);
}

/** `<!date^epoch^{date_short_pretty} {time}^link|fallback>`, in the reader's time zone like Slack. */
function dateToken(cmd, fallback) {
  const [, epochText, format = '', link] = cmd.split('^');
  const d = new Date(Number(epochText) * 1000);
  let unknown = Number.isNaN(d.getTime());
  const text = format.replace(/\{(\w+)\}/g, (m, t) => {
    const v = unknown ? undefined : dateTokenText(t, d);
    if (v === undefined) unknown = true;
    return v ?? m;
  });
  const shown = unknown ? (fallback ?? format) : text;
  const title = unknown ? undefined : d.toString();
  if (link && /^https?:\/\//i.test(link)) return h('a', { class: 'date', href: link, title, target: '_blank', rel: 'noopener noreferrer' }, shown);
  return h('time', { class: 'date', title, datetime: unknown ? undefined : d.toISOString() }, shown);
}

const dayDiff = (d) => {
  const a = new Date();
  const b = new Date(d);
  a.setHours(0, 0, 0, 0);
  b.setHours(0, 0, 0, 0);
  return Math.round((b - a) / 86_400_000);
};

function pretty(d, plain) {
  const n = dayDiff(d);
  return n === 0 ? 'Today' : n === -1 ? 'Yesterday' : n === 1 ? 'Tomorrow' : plain;
}

function dateTokenText(t, d) {
  const fmt = (o) => d.toLocaleDateString('en-US', o);
  const date = fmt({ month: 'long', day: 'numeric', year: 'numeric' });
  const short = fmt({ month: 'short', day: 'numeric', year: 'numeric' });
  const long = fmt({ weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' });
  switch (t) {
    case 'date_num':
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    case 'date':
      return date;
    case 'date_short':
      return short;
    case 'date_long':
      return long;
    case 'date_pretty':
      return pretty(d, date);
    case 'date_short_pretty':
      return pretty(d, short);
    case 'date_long_pretty':
      return pretty(d, long);
    case 'time':
      return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    case 'time_secs':
      return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
    case 'ago': {
      const s = Math.round((d.getTime() - Date.now()) / 1000);
      const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
      const a = Math.abs(s);
      return a < 60 ? rtf.format(s, 'second') : a < 3600 ? rtf.format(Math.round(s / 60), 'minute') : a < 86400 ? rtf.format(Math.round(s / 3600), 'hour') : rtf.format(Math.round(s / 86400), 'day');
    }
    default:
      return undefined;
  }
}

/** plain_text: shown as typed, only :emoji: codes turned into emoji (when `emoji` is not false). */
export function renderPlain(text, emoji = true) {
  const out = document.createDocumentFragment();
  const s = String(text ?? '');
  if (!emoji) return out.appendChild(document.createTextNode(s)).parentNode;
  let last = 0;
  for (const m of s.matchAll(/:([a-z0-9_+'-]+):/g)) {
    const e = emojiFor(m[1]);
    if (!e) continue;
    out.append(s.slice(last, m.index), h('span', { class: 'emoji', title: m[0], role: 'img', 'aria-label': m[1] }, e));
    last = m.index + m[0].length;
  }
  out.append(s.slice(last));
  return out;
}

/** A Block Kit text object, plain or mrkdwn. */
export function renderText(t, ctx) {
  if (!t) return document.createDocumentFragment();
  if (typeof t === 'string') return renderPlain(t);
  return t.type === 'mrkdwn' ? renderMrkdwn(t.text, ctx) : renderPlain(t.text, t.emoji !== false);
}

/** Plain text of a text object, for labels, titles and option names. */
export function textOf(t) {
  return typeof t === 'string' ? t : (t?.text ?? '');
}
