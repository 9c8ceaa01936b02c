/**
 * A small reader for the XML the SDK clients send (elements, text, attributes ignored but `xmlns` kept): a
 * repeated element becomes an array, an element with children an object, a leaf its text. Strict: anything
 * not well-formed throws, as the services refuse malformed XML.
 */
const unescape = (s: string) =>
  s.replace(/&(lt|gt|amp|quot|apos|#x[0-9a-f]+|#\d+);/gi, (_, e: string) =>
    e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'amp' ? '&' : e === 'quot' ? '"' : e === 'apos' ? "'" : String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1))),
  );

export function parseXml(xml: string): Record<string, any> {
  let i = 0;
  const s = xml.replace(/^\uFEFF/, '').replace(/<\?xml[^?]*\?>/, '');
  const skip = () => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };
  function element(): [string, any] {
    const open = /^<([A-Za-z_][\w.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/.exec(s.slice(i));
    if (!open) throw new Error(`malformed XML at ${i}`);
    i += open[0].length;
    const name = open[1]!;
    const ns = /xmlns\s*=\s*"([^"]*)"/.exec(open[2] ?? '')?.[1];
    if (open[3]) return [name, ns ? { xmlns: ns } : ''];
    const kids: Record<string, any> = ns ? { xmlns: ns } : {};
    let text = '';
    let hasKids = false;
    for (;;) {
      if (s.startsWith(`</${name}`, i)) {
        const close = /^<\/[\w.-]+\s*>/.exec(s.slice(i));
        if (!close) throw new Error(`malformed close tag at ${i}`);
        i += close[0].length;
        return [name, hasKids ? kids : ns ? { ...kids, '#text': unescape(text) } : unescape(text)];
      }
      if (i >= s.length) throw new Error(`unclosed <${name}>`);
      if (s[i] === '<') {
        const [k, v] = element();
        hasKids = true;
        kids[k] = k in kids ? [...(Array.isArray(kids[k]) ? kids[k] : [kids[k]]), v] : v;
      } else {
        const next = s.indexOf('<', i);
        text += s.slice(i, next < 0 ? s.length : next);
        i = next < 0 ? s.length : next;
      }
    }
  }
  skip();
  const [root, value] = element();
  skip();
  if (i !== s.length) throw new Error('content after the root element');
  return { [root]: value };
}
