// The simulated estate on the page: its status in the sidebar, and the "Break something" menu that runs
// the procedures' scenarios (primary down, bad deploy, corrupted cache, replica lag) against it.
import { h, replace } from './dom.js';

export function createEstate({ menuButton, menu, panel, faults, api, toast }) {
  if (faults.length === 0) {
    menuButton.hidden = true;
    panel.hidden = true;
    return { refresh: async () => undefined };
  }
  const close = () => {
    menu.hidden = true;
    menuButton.setAttribute('aria-expanded', 'false');
  };
  menuButton.addEventListener('click', () => {
    menu.hidden = !menu.hidden;
    menuButton.setAttribute('aria-expanded', String(!menu.hidden));
  });
  document.addEventListener('click', (e) => {
    if (!menu.hidden && !menu.contains(e.target) && e.target !== menuButton) close();
  });
  replace(
    menu,
    faults.map((f) =>
      h('li', { role: 'none' }, h('button', { type: 'button', role: 'menuitem', class: 'break-item', 'data-fault': f.id, onclick: () => breakIt(f) }, f.label)),
    ),
  );
  async function breakIt(f) {
    close();
    const r = await api('/ws/break', { fault: f.id });
    if (r.error) toast(`Could not break it: ${r.error}`);
    await refresh();
  }
  const list = panel.querySelector('ul');
  async function refresh() {
    const s = await api('/ws/estate');
    if (s.error) return;
    replace(
      list,
      s.lines.map((l) => h('li', { class: l.ok ? 'estate-line ok' : 'estate-line bad', title: l.state }, h('span', { class: 'estate-what' }, `${l.ok ? '●' : '▲'} ${l.what}`), h('span', { class: 'estate-state' }, l.state))),
    );
  }
  setInterval(() => void refresh(), 3000);
  void refresh();
  return { refresh };
}
