// Building DOM without innerHTML: everything shown here may be text a person typed (XSS), so it only
// ever becomes text nodes and attribute values.

/** h('button', { class: 'btn', onclick }, 'Text', child…) */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'innerHTML' || k === 'outerHTML') throw new Error('h(): no HTML strings here');
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (typeof v !== 'string' && k in el) el[k] = v; // value, checked, multiple, selected…
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function frag(...children) {
  return append(document.createDocumentFragment(), children);
}

/** Replaces an element's content (children only, never markup). */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

export function initials(name) {
  const parts = String(name ?? '?').trim().split(/\s+/);
  return ((parts[0]?.[0] ?? '?') + (parts[1]?.[0] ?? '')).toUpperCase();
}

/** A stable hue per person, as Slack gives everyone a coloured avatar. */
export function hue(id) {
  let n = 0;
  for (const ch of String(id)) n = (n * 31 + ch.charCodeAt(0)) % 360;
  return n;
}

export function timeOf(ts) {
  return new Date(Number(ts) * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}
