// Messages as Slack draws them: avatar, name (APP badge for bots), time, (edited), the blocks or the
// mrkdwn text, attachments, the thread's reply count; ephemerals marked "Only visible to you".
import { h, hue, initials, timeOf } from './dom.js';
import { renderBlocks } from './blocks.js';
import { renderMrkdwn } from './mrkdwn.js';

/** A shared file as Slack shows it: a card with its title and name, a preview, and a download link. */
function fileView(f) {
  const kb = f.size < 1024 ? `${f.size} B` : `${(f.size / 1024).toFixed(1)} KB`;
  return h(
    'div',
    { class: 'file', dataset: { fileId: f.id } },
    h('div', { class: 'file-head' }, h('span', { class: 'file-icon', 'aria-hidden': 'true' }, '📄'), h('span', { class: 'file-title' }, f.title || f.name), h('span', { class: 'file-meta' }, `${f.name} · ${kb}`),
      h('a', { class: 'file-download', href: `/ws/files/${encodeURIComponent(f.id)}`, download: f.name }, 'Download')),
    h('details', { class: 'file-preview' }, h('summary', {}, 'Preview'), h('pre', {}, f.preview + (f.preview.length < f.size ? '\n…' : ''))),
  );
}

function author(state, userId, botId) {
  const u = state.users[userId];
  return { name: u?.real_name ?? userId, bot: !!botId || !!u?.is_bot };
}

/**
 * One message as Slack draws it. env: { state, ctx (users, channels, people, act), openThread(ts),
 * dismiss(ts) }; o: { ephemeral, inThread }.
 */
export function messageView(env, m, o = {}) {
  const ctx = env.ctx;
  const who = o.ephemeral ? { name: m.from_slack ? 'Slackbot' : 'DR Bot', bot: true } : author(env.state, m.user, m.bot_id);
  // A click in a message says which message, so the emulator finds the element on it.
  const act = (p, c) => ctx.act({ ...p, messageTs: m.ts }, c);
  const content = m.blocks?.length ? renderBlocks(m.blocks, { ...ctx, act }) : h('div', { class: 'mrkdwn' }, renderMrkdwn(m.text, ctx));
  const avatar = h('div', { class: `avatar${who.bot ? ' bot' : ''}`, 'aria-hidden': 'true' }, who.bot ? '🤖' : initials(who.name));
  if (!who.bot) avatar.style.background = `hsl(${hue(m.user)} 45% 45%)`;
  return h(
    'article',
    { class: `message${o.ephemeral ? ' ephemeral' : ''}`, dataset: { ts: m.ts } },
    avatar,
    h(
      'div',
      { class: 'message-body' },
      h(
        'div',
        { class: 'message-meta' },
        h('span', { class: 'author' }, who.name),
        who.bot ? h('span', { class: 'badge' }, 'APP') : null,
        h('time', { class: 'time', datetime: new Date(Number(m.ts) * 1000).toISOString() }, timeOf(m.ts)),
        m.edited ? h('span', { class: 'edited' }, '(edited)') : null,
        o.ephemeral ? h('span', { class: 'only-you' }, '👁 Only visible to you') : null,
      ),
      content,
      (m.files ?? []).map((f) => fileView(f)),
      (m.attachments ?? []).map((a) =>
        h('div', { class: 'attachment', dataset: { color: a.color ?? '' } }, a.blocks ? renderBlocks(a.blocks, { ...ctx, act }) : renderMrkdwn(a.text ?? a.fallback ?? '', ctx)),
      ),
      !o.inThread && m.reply_count > 0
        ? h(
            'button',
            { type: 'button', class: 'replies', onclick: () => env.openThread(m.ts) },
            h('span', { class: 'reply-count' }, `${m.reply_count} ${m.reply_count === 1 ? 'reply' : 'replies'}`),
            m.latest_reply ? h('span', { class: 'last-reply' }, `Last reply ${timeOf(m.latest_reply)}`) : null,
          )
        : null,
      o.ephemeral ? h('button', { type: 'button', class: 'dismiss', onclick: () => env.dismiss(m.ts) }, 'Dismiss') : null,
    ),
  );
}

