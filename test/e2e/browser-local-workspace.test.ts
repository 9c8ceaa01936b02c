/**
 * The local workspace in a real browser (Debian's chromium via playwright-core): declare an L1 through
 * the command box, post an update through the card's modal, assign a role as another person, resolve.
 * The final page is kept as test-artifacts/local-workspace.png.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { CHANNELS, PEOPLE } from '../../src/sandbox/demo-workspace.js';
import { startLocalWorkspace, type LocalWorkspace } from '../../src/sandbox/local-workspace.js';
import { openBrowser, type Browser } from '../helpers/browser.js';

let dir: string;
let ws: LocalWorkspace;
let b: Browser;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dr-browser-'));
  const config = loadConfig({ DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'silent' });
  [ws, b] = await Promise.all([startLocalWorkspace(config, createLogger('silent'), { fresh: false, print: () => undefined }), openBrowser()]);
}, 90_000);

afterAll(async () => {
  await b?.close();
  await ws?.stop();
  await rm(dir, { recursive: true, force: true });
});

const TITLE = 'Payments failing at checkout <img src=x onerror=alert(1)> & co';
const card = () => b.page.locator('#messages article.message', { hasText: 'INC-1' }).first();
const modal = (callbackId: string) => b.page.locator(`.modal[data-callback-id="${callbackId}"]`);
// The page acts as whoever the switch says from the moment it changes.
const asPerson = (id: string) => b.page.selectOption('#person', id);

describe('the local workspace page', () => {
  it('opens with the banner, the channel and the person switch', async () => {
    await b.page.goto(`${ws.url}?as=alice`);
    await b.page.locator('#connection.live').waitFor();
    expect(await b.page.locator('#banner').innerText()).toContain('Nothing here reaches Slack');
    expect(await b.page.locator('#channel-name').innerText()).toBe('# incident-response');
    expect(await b.page.locator('#person').inputValue()).toBe(PEOPLE.alice);
    const people = await b.page.locator('#person option').allInnerTexts();
    expect(people.join('\n')).toMatch(/Alice Ivanova[\s\S]*Dmitri Petrov[\s\S]*Georgi Georgiev[\s\S]*Maria Dimitrova/);
  });

  it('completes /incident subcommands from the registry and declares an L1 from the command box', async () => {
    const box = b.page.locator('#command');
    await box.click();
    await box.pressSequentially('/inc');
    await b.page.locator('#completions .completion', { hasText: '/incident' }).waitFor();
    await box.press('Tab');
    expect(await box.inputValue()).toBe('/incident ');
    await box.pressSequentially('dec');
    expect(await b.page.locator('#completions .completion').first().innerText()).toContain('/incident declare');
    await box.press('Tab');
    expect(await box.inputValue()).toBe('/incident declare ');
    expect(await b.page.locator('#composer-hint').innerText()).toContain('/incident declare');
    await box.pressSequentially(`L1 ${TITLE}`);
    await box.press('Enter');

    await card().locator('.b-header', { hasText: 'INC-1 · L1 Critical' }).waitFor();
    // What people typed is shown as text, never run as markup.
    expect(await card().locator('.b-header').innerText()).toContain('<img src=x onerror=alert(1)> & co');
    expect(await b.page.locator('#messages img').count()).toBe(0);
    expect(await card().innerText()).toContain('@alice');
    expect(await box.inputValue()).toBe('');

    // Answers only for the person who asked are marked as such.
    await box.fill('/incident list');
    await box.press('Enter');
    const listed = b.page.locator('article.message.ephemeral', { hasText: 'INC-1' });
    await listed.waitFor();
    expect(await listed.innerText()).toContain('Only visible to you');

    // The emulator's permalinks (chat.getPermalink) open the page at that message.
    const ts = await card().getAttribute('data-ts');
    const { permalink } = await ws.bot.app.client.chat.getPermalink({ channel: CHANNELS.incidents, message_ts: ts! });
    const other = await b.context.newPage();
    await other.goto(permalink!);
    expect(await other.locator('article.message.linked').innerText()).toContain('INC-1 · L1 Critical');
    await other.close();
  });

  it('posts an update through the card\'s modal; the bot\'s field errors show in the modal', async () => {
    await card().getByRole('button', { name: 'Post update' }).click();
    const m = modal('incident_update');
    await m.locator('[data-block-id="text"] textarea').fill('   ');
    await m.locator('button.submit').click();
    await m.locator('[data-block-id="text"] .b-error', { hasText: 'The update is empty.' }).waitFor();

    await m.locator('[data-block-id="status"] select').selectOption('identified');
    await m.locator('[data-block-id="text"] textarea').fill('Replica lag 0.4 s; promoting the replica now.');
    await m.locator('button.submit').click();
    await m.waitFor({ state: 'detached' });
    await card().locator('.b-field', { hasText: 'Identified' }).waitFor();
    await card().locator('.replies', { hasText: /repl(y|ies)/ }).click();
    await b.page.locator('#thread', { hasText: 'Replica lag 0.4 s; promoting the replica now.' }).waitFor();
    expect(await b.page.locator('#thread .md-quote').first().innerText()).toContain('Replica lag');
  });

  it('assigns a role as another person, who picks themselves in a users select', async () => {
    await asPerson(PEOPLE.dmitri);
    await card().getByRole('button', { name: 'Assign role' }).click();
    const m = modal('incident_assign');
    await m.locator('[data-block-id="role"] select').selectOption('dba');
    await m.locator('[data-block-id="user"] select').selectOption(PEOPLE.dmitri);
    await m.locator('button.submit').click();
    await m.waitFor({ state: 'detached' });
    await card().locator('.b-section', { hasText: 'Database Administrator' }).locator('.mention', { hasText: '@dmitri' }).waitFor();
    await b.page.locator('#thread', { hasText: 'is now Database Administrator' }).waitFor();
  });

  it('resolves, and the card loses its buttons', async () => {
    await asPerson(PEOPLE.alice);
    await card().getByRole('button', { name: 'Resolve' }).click();
    const m = modal('incident_resolve');
    await m.locator('[data-block-id="summary"] textarea').fill('Promoted the replica; error rate back to 0.02%.');
    await m.locator('button.submit').click();
    await m.waitFor({ state: 'detached' });
    await card().locator('.b-field', { hasText: 'Resolved after' }).waitFor();
    expect(await card().getByRole('button', { name: 'Resolve' }).count()).toBe(0);
    expect(await card().innerText()).toContain('Promoted the replica; error rate back to 0.02%.');
    await b.page.locator('#thread', { hasText: 'Resolved by' }).waitFor();

    await mkdir('test-artifacts', { recursive: true });
    await b.page.screenshot({ path: join('test-artifacts', 'local-workspace.png') });
    expect(b.problems).toEqual([]);
  });
});
