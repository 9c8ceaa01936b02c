/**
 * Walking Block Kit: the interactive elements of a message or view, and the ids Slack fills in
 * (a block without block_id, an element without action_id get generated ones in what Slack stores).
 */
import { randomBytes } from 'node:crypto';
import type { Block } from './types.js';

export interface Located {
  block: Block;
  element: Block;
}

/** Every interactive element with the block it lives in, in display order. */
export function elementsOf(blocks: Block[] | undefined): Located[] {
  const out: Located[] = [];
  for (const block of blocks ?? []) {
    if (block?.type === 'actions' && Array.isArray(block.elements)) {
      for (const element of block.elements) out.push({ block, element });
    } else if (block?.type === 'section' && block.accessory && block.accessory.type !== 'image') {
      out.push({ block, element: block.accessory });
    } else if (block?.type === 'input' && block.element) {
      out.push({ block, element: block.element });
    }
  }
  return out;
}

function shortId(): string {
  return randomBytes(4).toString('base64url').replace(/[-_]/g, 'x');
}

/** A deep copy with generated block_ids/action_ids where the bot left them out, as Slack stores it. */
export function normalizeBlocks<T extends Block[] | undefined>(blocks: T): T {
  if (!Array.isArray(blocks)) return blocks;
  const copy = structuredClone(blocks) as Block[];
  for (const b of copy) if (b && typeof b === 'object' && b.block_id === undefined) b.block_id = shortId();
  for (const { element } of elementsOf(copy)) if (element && typeof element === 'object' && element.action_id === undefined) element.action_id = shortId();
  return copy as T;
}

/** Plain text of a text object, for error messages and `text` fields Slack fills. */
export function textOf(t: unknown): string {
  return t && typeof t === 'object' && typeof (t as Block).text === 'string' ? (t as Block).text : '';
}

/** All options of a select/checkbox/radio element, option_groups flattened. */
export function optionsOf(element: Block): Block[] {
  const direct: Block[] = Array.isArray(element.options) ? element.options : [];
  const grouped: Block[] = Array.isArray(element.option_groups) ? element.option_groups.flatMap((g: Block) => g.options ?? []) : [];
  return [...direct, ...grouped];
}
