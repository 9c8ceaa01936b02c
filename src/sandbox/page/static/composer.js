// The message box: sends slash commands, and completes /incident and /dr subcommands (from the bot's
// own registry) and @people as you type. Enter sends; Tab or Enter takes the highlighted completion.
import { h, replace } from './dom.js';

/**
 * o: { input (textarea), list (ul), hint, notice, form, meta: {roots, commands, people},
 *      send(text) → Promise<{ok, error}> }
 */
export function createComposer(o) {
  const { input, list, hint, notice, form, meta } = o;
  let items = [];
  let selected = 0;

  const before = () => input.value.slice(0, input.selectionStart ?? input.value.length);

  function suggestions() {
    const b = before();
    const at = /(^|\s)@([\w.-]*)$/.exec(b);
    if (at) {
      const q = at[2].toLowerCase();
      return meta.people
        .filter((p) => p.name.startsWith(q) || p.real_name.toLowerCase().includes(q))
        .map((p) => ({ label: `@${p.name}`, detail: `${p.real_name} · ${p.title}`, replace: b.length - at[2].length - 1, insert: `@${p.name} `, exact: p.name === q }));
    }
    let m = /^\/([\w-]*)$/.exec(b);
    if (m) {
      return meta.roots
        .filter((r) => r.startsWith(m[1].toLowerCase()))
        .map((r) => ({ label: `/${r}`, detail: `${meta.commands.filter((c) => c.root === r).length} commands`, replace: 0, insert: `/${r} `, exact: r === m[1].toLowerCase() }));
    }
    m = /^\/([\w-]+)\s+([\w-]*)$/.exec(b);
    if (m && meta.roots.includes(m[1].toLowerCase())) {
      const root = m[1].toLowerCase();
      return meta.commands
        .filter((c) => c.root === root && c.name.startsWith(m[2].toLowerCase()))
        .map((c) => ({ label: c.usage, detail: c.summary, replace: 0, insert: `/${root} ${c.name} `, exact: m[2].toLowerCase() === c.name }));
    }
    return [];
  }

  /** The usage line of the subcommand being typed, once its name is complete. */
  function usageHint() {
    const m = /^\/([\w-]+)\s+([\w-]+)\s/.exec(input.value);
    const c = m && meta.commands.find((x) => x.root === m[1].toLowerCase() && x.name === m[2].toLowerCase());
    if (!c) return null;
    return [h('code', {}, c.usage), ' — ', c.summary, c.examples?.[0] ? h('span', { class: 'example' }, ` e.g. ${c.examples[0]}`) : null];
  }

  function draw() {
    items = document.activeElement === input ? suggestions() : [];
    if (selected >= items.length) selected = 0;
    list.hidden = items.length === 0;
    replace(
      list,
      items.map((it, i) =>
        h(
          'li',
          {
            role: 'option',
            class: i === selected ? 'completion selected' : 'completion',
            'aria-selected': i === selected ? 'true' : 'false',
            onmousedown: (e) => {
              e.preventDefault(); // keep the focus in the box
              take(it);
            },
          },
          h('span', { class: 'completion-label' }, it.label),
          h('span', { class: 'completion-detail' }, it.detail),
        ),
      ),
    );
    const u = usageHint();
    hint.hidden = !u;
    replace(hint, u);
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight, 160)}px`;
  }

  function take(it) {
    const b = before();
    const after = input.value.slice(b.length);
    const head = b.slice(0, it.replace) + it.insert;
    input.value = head + after.replace(/^\S*\s?/, '');
    input.setSelectionRange(head.length, head.length);
    selected = 0;
    draw();
  }

  function say(text, kind) {
    notice.className = `composer-notice ${kind ?? ''}`;
    notice.textContent = text;
  }

  async function send() {
    const text = input.value.trim();
    if (!text) return;
    if (!text.startsWith('/')) return say('Only slash commands go to the bot from here: start with /incident or /dr (type / to see them).', 'warn');
    say('');
    input.disabled = true;
    try {
      const r = await o.send(text);
      if (r.ok) {
        input.value = '';
      } else if (r.error) say(r.error, 'error');
    } finally {
      input.disabled = false;
      input.focus();
      draw();
    }
  }

  input.addEventListener('input', () => ((selected = 0), draw()));
  input.addEventListener('click', draw);
  input.addEventListener('focus', draw);
  input.addEventListener('blur', () => ((list.hidden = true), undefined));
  input.addEventListener('keydown', (e) => {
    const open = !list.hidden && items.length > 0;
    if (open && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
      e.preventDefault();
      selected = (selected + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
      return draw();
    }
    if (open && e.key === 'Escape') return void (list.hidden = true);
    if (open && (e.key === 'Tab' || (e.key === 'Enter' && !e.shiftKey && !items[selected].exact))) {
      e.preventDefault();
      return take(items[selected]);
    }
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      void send();
    }
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void send();
  });
  return { say, focus: () => input.focus() };
}
