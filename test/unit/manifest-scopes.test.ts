/**
 * manifest.yml asks for exactly the scopes the bot uses: the Web API methods found in the source are the
 * ones src/slack/scopes.ts declares, and the scopes those methods need (from Slack's docs, in the same
 * table) are the manifest's — nothing missing, nothing extra.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { BOT_METHODS, manifestBotScopes, METHOD_SCOPES, neededScopes } from '../../src/slack/scopes.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return p.endsWith('sandbox') ? [] : sources(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

/** `x.chat.postMessage(`, `slack.conversations.history(`, `filesUploadV2(` … in the bot's code (the emulator is Slack, not the bot). */
function methodsCalled(): Set<string> {
  const found = new Set<string>();
  const call = /\.(auth|chat|conversations|users|usergroups|views|files|reactions|pins|team|bots|dnd|emoji|reminders|search|stars|apps)\.([a-zA-Z]+(?:\.[a-zA-Z]+)?)\(/g;
  for (const file of [...sources('src'), ...sources('commands')]) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(call)) found.add(`${m[1]}.${m[2]}`);
    // WebClient.filesUploadV2 is these two calls (plus a POST of the bytes to the URL the first answers).
    if (text.includes('filesUploadV2(')) ['files.getUploadURLExternal', 'files.completeUploadExternal'].forEach((m) => found.add(m));
  }
  return found;
}

/** Which manifest scopes are missing for `needed`, and which it asks for that nothing needs. */
function compare(manifest: readonly string[], needed: ReadonlySet<string>): { missing: string[]; unused: string[] } {
  return { missing: [...needed].filter((s) => !manifest.includes(s)).sort(), unused: manifest.filter((s) => !needed.has(s)).sort() };
}

describe('the Slack app manifest asks only for what the bot uses', () => {
  const declared = new Set(BOT_METHODS.map((m) => m.method));

  it('every Web API method the source calls is in the method → scope table and declared, and nothing else is declared', () => {
    const called = methodsCalled();
    // Called but undeclared: add it to BOT_METHODS (and to METHOD_SCOPES from its page on docs.slack.dev).
    expect([...called].filter((m) => !declared.has(m)).sort()).toEqual([]);
    // Declared but never called: its scopes would be asked for nothing.
    expect([...declared].filter((m) => !called.has(m)).sort()).toEqual([]);
    for (const m of declared) expect(METHOD_SCOPES[m]).toBeDefined();
  });

  it('manifest.yml = the scopes those methods need, for public and private incident channels and DMs', () => {
    const manifest = manifestBotScopes();
    expect(compare(manifest, neededScopes())).toEqual({ missing: [], unused: [] });
    expect(manifest).toEqual(expect.arrayContaining(['groups:history', 'groups:read', 'channels:history', 'channels:read']));
    for (const unused of ['chat:write.public', 'channels:manage', 'usergroups:read']) expect(manifest).not.toContain(unused);
    // im:write and im:history: after a crash, the IM with a paged person is read back for a DM that landed.
    expect(manifest).toEqual(expect.arrayContaining(['im:history', 'im:write']));
  });

  it('removing any scope from the manifest fails the comparison, naming that scope', () => {
    const manifest = manifestBotScopes();
    for (const scope of manifest) {
      expect(compare(manifest.filter((s) => s !== scope), neededScopes()).missing).toEqual([scope]);
    }
    expect(compare([...manifest, 'channels:manage'], neededScopes()).unused).toEqual(['channels:manage']);
  });

  it('a private incident channel needs the groups:* scopes, a public one the channels:* ones', () => {
    const priv = neededScopes(['private', 'im']);
    const pub = neededScopes(['public', 'im']);
    expect([...priv].filter((s) => !pub.has(s)).sort()).toEqual(['groups:history', 'groups:read']);
    expect([...pub].filter((s) => !priv.has(s)).sort()).toEqual(['channels:history', 'channels:read']);
  });
});
