/**
 * Slack's documented limits, written out here from the Block Kit reference and the doc comments of
 * `@slack/types` (block-kit/blocks.d.ts, block-elements.d.ts, composition-objects.d.ts, views.d.ts) and
 * chat.postMessage's "keep text under 4,000 characters". Deliberately independent of the bot's own table
 * (src/core/slack-text.ts) and of the emulator's checks (src/sandbox/block-kit-limits.ts): a test that
 * measured the bot with its own ruler would share its blind spots.
 */
type Json = Record<string, any>;

export type Surface = 'message' | 'modal' | 'home';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** In mrkdwn, `&` starts an entity and `<…>` is a mention, link or date: anything else must be escaped. */
function mrkdwnProblems(text: string): string[] {
  const out: string[] = [];
  if (/&(?!amp;|lt;|gt;)/.test(text)) out.push('a raw & (not &amp; &lt; &gt;)');
  const tokens = text.match(/<[^<>]*>/g) ?? [];
  for (const t of tokens) if (!/^<(?:[@#][UWCGS][A-Z0-9]+(?:\|[^>]*)?|!(?:channel|here|everyone|subteam\^[A-Z0-9]+|date\^\d+\^[^|>]+\|[^>]*)|https?:\/\/[^|>\s]+(?:\|[^>]*)?)>$/.test(t)) out.push(`an unexpected token ${t.slice(0, 40)}`);
  // `>` opening a line is mrkdwn's quote marker.
  const rest = text.replace(/<[^<>]*>/g, '').replace(/^>/gm, '');
  if (/[<>]/.test(rest)) out.push('a raw < or > outside a mention or link');
  return out;
}

export class DocumentedLimits {
  readonly problems: string[] = [];

  private fail(path: string, what: string): void {
    this.problems.push(`${path}: ${what}`);
  }

  private max(path: string, s: unknown, n: number): void {
    if (typeof s !== 'string') return this.fail(path, `expected a string, got ${typeof s}`);
    if (s.length > n) this.fail(path, `${s.length} characters, documented maximum ${n}`);
    if (LONE_SURROGATE.test(s)) this.fail(path, 'half of a UTF-16 surrogate pair (a cut emoji)');
  }

  /** A text object: type, "minimum length 1, maximum length 3000" unless the field says less. */
  private text(path: string, t: Json | undefined, n: number, plainOnly = false): void {
    if (!t || typeof t !== 'object') return this.fail(path, 'missing text object');
    if (t.type !== 'plain_text' && (plainOnly || t.type !== 'mrkdwn')) this.fail(path, `type ${t.type}`);
    if (typeof t.text === 'string' && t.text.length === 0) this.fail(path, 'empty text (minimum 1)');
    this.max(`${path}.text`, t.text, Math.min(n, 3000));
    if (t.type === 'mrkdwn' && typeof t.text === 'string') for (const p of mrkdwnProblems(t.text)) this.fail(path, p);
  }

  /** A message's `text` (notification fallback or the whole message). */
  messageText(path: string, text: string, mrkdwn = true): void {
    this.max(path, text, 4000);
    if (mrkdwn) for (const p of mrkdwnProblems(text)) this.fail(path, p);
  }

  message(path: string, m: { text: string; blocks?: Json[] }): void {
    this.messageText(`${path}.text`, m.text);
    if (m.blocks) this.blocks(path, m.blocks, 50);
  }

  view(path: string, v: Json): void {
    if (v.type === 'modal') {
      this.text(`${path}.title`, v.title, 24, true);
      if (v.submit) this.text(`${path}.submit`, v.submit, 24, true);
      if (v.close) this.text(`${path}.close`, v.close, 24, true);
    }
    if (v.private_metadata !== undefined) this.max(`${path}.private_metadata`, v.private_metadata, 3000);
    if (v.callback_id !== undefined) this.max(`${path}.callback_id`, v.callback_id, 255);
    this.blocks(path, v.blocks, 100);
  }

  private blocks(path: string, blocks: Json[], maxBlocks: number): void {
    if (blocks.length > maxBlocks) this.fail(path, `${blocks.length} blocks, maximum ${maxBlocks}`);
    blocks.forEach((b, i) => this.block(`${path}.blocks[${i}]`, b));
  }

  private block(path: string, b: Json): void {
    if (b.block_id !== undefined) this.max(`${path}.block_id`, b.block_id, 255);
    switch (b.type) {
      case 'section':
        if (!b.text && !b.fields) this.fail(path, 'section without text or fields');
        if (b.text) this.text(`${path}.text`, b.text, 3000);
        if (b.fields) {
          if (b.fields.length > 10) this.fail(path, `${b.fields.length} fields, maximum 10`);
          b.fields.forEach((f: Json, i: number) => this.text(`${path}.fields[${i}]`, f, 2000));
        }
        if (b.accessory) this.element(`${path}.accessory`, b.accessory);
        return;
      case 'header':
        return this.text(`${path}.text`, b.text, 150, true);
      case 'context':
        if (b.elements.length > 10) this.fail(path, `${b.elements.length} elements, maximum 10`);
        return b.elements.forEach((e: Json, i: number) => (e.type === 'image' ? undefined : this.text(`${path}.elements[${i}]`, e, 3000)));
      case 'actions':
        if (b.elements.length > 25) this.fail(path, `${b.elements.length} elements, maximum 25`);
        return b.elements.forEach((e: Json, i: number) => this.element(`${path}.elements[${i}]`, e));
      case 'input':
        this.text(`${path}.label`, b.label, 2000, true);
        if (b.hint) this.text(`${path}.hint`, b.hint, 2000, true);
        return this.element(`${path}.element`, b.element);
      case 'divider':
        return;
      default:
        this.fail(path, `block type ${b.type} not walked`);
    }
  }

  private option(path: string, o: Json): void {
    this.text(`${path}.text`, o.text, 75);
    this.max(`${path}.value`, o.value, 150);
    if (o.description) this.text(`${path}.description`, o.description, 75);
  }

  private element(path: string, e: Json): void {
    if (e.action_id !== undefined) this.max(`${path}.action_id`, e.action_id, 255);
    if (e.placeholder) this.text(`${path}.placeholder`, e.placeholder, 150, true);
    if (e.confirm) {
      this.text(`${path}.confirm.title`, e.confirm.title, 100, true);
      this.text(`${path}.confirm.text`, e.confirm.text, 300);
      this.text(`${path}.confirm.confirm`, e.confirm.confirm, 30, true);
      this.text(`${path}.confirm.deny`, e.confirm.deny, 30, true);
    }
    switch (e.type) {
      case 'button':
        this.text(`${path}.text`, e.text, 75, true);
        if (e.value !== undefined) this.max(`${path}.value`, e.value, 2000);
        if (e.url !== undefined) this.max(`${path}.url`, e.url, 3000);
        return;
      case 'checkboxes':
      case 'radio_buttons':
        if (e.options.length > 10) this.fail(path, `${e.options.length} options, maximum 10`);
        e.options.forEach((o: Json, i: number) => this.option(`${path}.options[${i}]`, o));
        (e.initial_options ?? []).forEach((o: Json, i: number) => this.option(`${path}.initial_options[${i}]`, o));
        return;
      case 'static_select':
      case 'multi_static_select':
        if (e.options.length > 100) this.fail(path, `${e.options.length} options, maximum 100`);
        e.options.forEach((o: Json, i: number) => {
          this.option(`${path}.options[${i}]`, o);
          if (o.text?.type !== 'plain_text') this.fail(`${path}.options[${i}]`, 'select options are plain_text only');
        });
        if (e.initial_option) this.option(`${path}.initial_option`, e.initial_option);
        return;
      case 'plain_text_input':
        if (e.max_length !== undefined && (e.max_length < 1 || e.max_length > 3000)) this.fail(path, `max_length ${e.max_length} outside 1–3000`);
        if (e.initial_value !== undefined) this.max(`${path}.initial_value`, e.initial_value, e.max_length ?? 3000);
        return;
      case 'users_select':
        return;
      default:
        this.fail(path, `element type ${e.type} not walked`);
    }
  }
}
