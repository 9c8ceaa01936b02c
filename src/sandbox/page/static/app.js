// The local workspace page: #incident-response as Slack shows it to the person you act as, kept live
// by server-sent events. Everything is rendered with DOM APIs from the state the server sends.
import { createComposer } from './composer.js';
import { createEstate } from './estate.js';
import { h, replace } from './dom.js';
import { messageView as drawMessage } from './messages.js';
import { confirmDialog, renderModal } from './modal.js';

const $ = (id) => document.getElementById(id);
const ui = {
  person: $('person'),
  channels: $('channels'),
  dms: $('dms'),
  channelName: $('channel-name'),
  connection: $('connection'),
  messages: $('messages'),
  thread: $('thread'),
  threadBody: $('thread-body'),
  modalRoot: $('modal-root'),
  toasts: $('toasts'),
};

const page = {
  meta: null,
  me: null,
  channel: null,
  state: null,
  threadTs: null,
  drafts: new Map(), // view id → Map of typed values, kept across refreshes
  shown: { messages: '', thread: '', modal: '' },
  linked: null, // the ts a permalink asked for
  fetching: null,
  again: false,
};

async function api(path, body) {
  const res = await fetch(path, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const data = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
  return res.ok ? data : { ok: false, status: res.status, error: data.error ?? `HTTP ${res.status}` };
}

function toast(text) {
  const t = h('div', { class: 'toast', role: 'alert' }, text);
  ui.toasts.append(t);
  setTimeout(() => t.remove(), 6000);
}

/** Who you are: ?as=alice (or an id) in the address, else the last choice, else the first person. */
function pickPerson() {
  const q = new URLSearchParams(location.search).get('as') ?? localStorage.getItem('dr-local-as');
  const p = page.meta.people.find((x) => x.id === q || x.name === q) ?? page.meta.people[0];
  return p.id;
}

function setPerson(id) {
  page.me = id;
  localStorage.setItem('dr-local-as', id);
  const url = new URL(location.href);
  url.searchParams.set('as', page.meta.people.find((p) => p.id === id)?.name ?? id);
  history.replaceState(null, '', url);
  ui.person.value = id;
  page.shown = { messages: '', thread: '', modal: '' };
  void refresh();
}

/** Refetches what the person sees; changes during a fetch cause exactly one more fetch. */
async function refresh() {
  if (page.fetching) {
    page.again = true;
    return page.fetching;
  }
  page.fetching = (async () => {
    do {
      page.again = false;
      const q = new URLSearchParams({ user: page.me, channel: page.channel });
      const s = await api(`/ws/state?${q}`);
      if (s.error) toast(`Could not load the workspace: ${s.error}`);
      else {
        page.state = s;
        render();
      }
    } while (page.again);
  })().finally(() => (page.fetching = null));
  return page.fetching;
}

function ctx() {
  const s = page.state;
  return {
    users: s.users,
    channels: s.channels,
    people: page.meta.people,
    act: async (payload, confirm) => {
      if (confirm && !(await confirmDialog(confirm, ctx(), ui.modalRoot))) return;
      const r = await api('/ws/click', { user: page.me, channel: s.channel.id, ...payload });
      if (!r.ok) toast(`That did not work: ${r.error ?? `HTTP ${r.status}`}`);
    },
  };
}

function render() {
  const s = page.state;
  document.title = `${s.channel.is_im ? 'DR Bot' : `#${s.channel.name}`} · DR bot local workspace`;
  markRead(s.channel);
  const link = (c, label) => {
    const unread = c.id !== s.channel.id && isUnread(c);
    const cls = ['channel-link', c.id === s.channel.id && 'active', unread && 'unread'].filter(Boolean).join(' ');
    return h('li', {}, h('button', { type: 'button', class: cls, 'data-channel': c.id, 'aria-label': unread ? `${label} (unread)` : label, onclick: () => openChannel(c.id) }, label, unread ? h('span', { class: 'unread-dot', 'aria-hidden': 'true' }) : null));
  };
  replace(ui.channels, s.channels.filter((c) => !c.is_im).map((c) => link(c, `# ${c.name}`)));
  // The bot's DMs to whoever you act as: pages (with Acknowledge), reminders meant for one person.
  const dms = s.channels.filter((c) => c.is_im);
  replace(ui.dms, dms.length ? dms.map((c) => link(c, 'DR Bot')) : h('li', { class: 'sidebar-empty' }, 'No messages yet'));
  replace(ui.channelName, s.channel.is_im ? 'DR Bot' : `# ${s.channel.name}`);
  renderMessages();
  renderThread();
  renderView();
}

/** Read marks are this browser's, per person: the newest message seen in each conversation. */
const readKey = (c) => `dr-local-read:${page.me}:${c.id}`;
function isUnread(c) {
  const seen = localStorage.getItem(readKey(c));
  return !!c.latest && (!seen || Number(c.latest) > Number(seen));
}
function markRead(c) {
  const latest = page.state.channels.find((x) => x.id === c.id)?.latest;
  if (latest) localStorage.setItem(readKey(c), latest);
}

function openChannel(id) {
  page.channel = id;
  page.threadTs = null;
  page.shown = { messages: '', thread: '', modal: '' };
  void refresh();
}

const messageView = (m, o) => drawMessage({ state: page.state, ctx: ctx(), openThread, dismiss }, m, o);

const dismissed = new Set(JSON.parse(sessionStorage.getItem('dr-local-dismissed') ?? '[]'));
function dismiss(ts) {
  dismissed.add(ts);
  sessionStorage.setItem('dr-local-dismissed', JSON.stringify([...dismissed]));
  page.shown.messages = page.shown.thread = '';
  render();
}

function renderMessages() {
  const s = page.state;
  const ephemerals = s.ephemerals.filter((e) => !e.thread_ts && !dismissed.has(e.ts));
  const key = JSON.stringify([s.messages, ephemerals, s.users]);
  if (key === page.shown.messages) return;
  page.shown.messages = key;
  const box = ui.messages;
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  const items = [...s.messages.map((m) => ({ ts: m.ts, el: () => messageView(m) })), ...ephemerals.map((e) => ({ ts: e.ts, el: () => messageView(e, { ephemeral: true }) }))];
  items.sort((a, b) => Number(a.ts) - Number(b.ts));
  const intro = h(
    'div',
    { class: 'channel-intro' },
    h('h2', {}, s.channel.is_im ? 'This is your conversation with DR Bot' : `This is the very beginning of #${s.channel.name}`),
    h('p', {}, 'Type ', h('code', {}, '/incident declare L2 Partner dashboard down'), ' below, or ', h('code', {}, '/incident help'), ' for every command.'),
  );
  replace(box, intro, items.map((i) => i.el()));
  if (atBottom || !box.dataset.scrolled) box.scrollTop = box.scrollHeight;
  box.dataset.scrolled = '1';
  if (page.linked) showLinked();
}

/** A permalink (/archives/C…/p…) lands here with ?msg=ts: show that message, or the thread it is in. */
function showLinked() {
  const ts = page.linked;
  page.linked = null;
  const parent = page.state.messages.find((m) => m.ts === ts || m.replies.some((r) => r.ts === ts));
  if (!parent) return toast('That message is not in this channel any more.');
  const el = ui.messages.querySelector(`article[data-ts="${CSS.escape(parent.ts)}"]`);
  el?.classList.add('linked');
  el?.scrollIntoView({ block: 'center' });
  if (parent.ts !== ts) openThread(parent.ts);
}

function openThread(ts) {
  page.threadTs = ts;
  page.shown.thread = '';
  renderThread();
}

function renderThread() {
  const s = page.state;
  const parent = page.threadTs && s.messages.find((m) => m.ts === page.threadTs);
  ui.thread.hidden = !parent;
  if (!parent) return void (page.shown.thread = '');
  const ephemerals = s.ephemerals.filter((e) => e.thread_ts === parent.ts && !dismissed.has(e.ts));
  const key = JSON.stringify([parent, ephemerals, s.users]);
  if (key === page.shown.thread) return;
  page.shown.thread = key;
  const replies = [...parent.replies.map((m) => ({ ts: m.ts, el: messageView(m, { inThread: true }) })), ...ephemerals.map((e) => ({ ts: e.ts, el: messageView(e, { ephemeral: true, inThread: true }) }))];
  replies.sort((a, b) => Number(a.ts) - Number(b.ts));
  replace(
    ui.threadBody,
    messageView(parent, { inThread: true }),
    h('div', { class: 'thread-divider' }, `${parent.reply_count} ${parent.reply_count === 1 ? 'reply' : 'replies'}`),
    replies.map((r) => r.el),
  );
  ui.threadBody.scrollTop = ui.threadBody.scrollHeight;
}

function renderView() {
  const v = page.state.view;
  const key = v ? JSON.stringify([v.id, v.hash, v.errors, page.me]) : '';
  if (key === page.shown.modal) return;
  page.shown.modal = key;
  replace(ui.modalRoot);
  if (!v) return;
  if (!page.drafts.has(v.id)) page.drafts.set(v.id, new Map());
  const modal = renderModal({
    view: v,
    drafts: page.drafts.get(v.id),
    ctx: ctx(),
    act: (payload, confirm) => ctx().act(payload, confirm),
    submit: (values) => api('/ws/submit', { user: page.me, viewId: v.id, values }),
    close: async () => {
      const r = await api('/ws/close', { user: page.me, viewId: v.id });
      if (r.error && r.status >= 400) toast(r.error);
    },
  });
  ui.modalRoot.append(modal);
  modal.querySelector('input, textarea, select')?.focus();
}

function listen() {
  const events = new EventSource('/ws/events');
  events.addEventListener('change', () => {
    void refresh();
    page.onChange?.();
  });
  events.addEventListener('open', () => {
    ui.connection.textContent = '● live';
    ui.connection.className = 'live';
  });
  events.addEventListener('error', () => {
    ui.connection.textContent = '○ reconnecting…';
    ui.connection.className = 'offline';
  });
}

async function main() {
  page.meta = await api('/ws/meta');
  if (page.meta.error) return toast(`The local workspace is not answering: ${page.meta.error}`);
  const params = new URLSearchParams(location.search);
  page.channel = params.get('channel') ?? page.meta.defaultChannel;
  page.linked = params.get('msg');
  replace(ui.person, page.meta.people.map((p) => h('option', { value: p.id }, `${p.real_name} — ${p.title}`)));
  ui.person.addEventListener('change', () => setPerson(ui.person.value));
  $('thread-close').addEventListener('click', () => {
    page.threadTs = null;
    renderThread();
  });
  createComposer({
    input: $('command'),
    list: $('completions'),
    hint: $('composer-hint'),
    notice: $('composer-notice'),
    form: $('composer'),
    meta: page.meta,
    send: (text) => api('/ws/command', { user: page.me, channel: page.channel, text }),
  });
  const estate = createEstate({ menuButton: $('break-button'), menu: $('break-list'), panel: $('estate'), faults: page.meta.faults ?? [], api, toast });
  page.onChange = () => estate.refresh();
  setPerson(pickPerson());
  listen();
}

void main();
