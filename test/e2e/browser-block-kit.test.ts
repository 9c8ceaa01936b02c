/**
 * How the page draws what the bot sends, in a real browser: mrkdwn (and that user text never becomes
 * markup), Block Kit elements in messages (confirm dialogs, selects, checkboxes) sending the
 * block_actions Slack would, and a modal's inputs: static/multi/users selects, checkboxes, Cancel.
 */
import { EVERYONE } from '../../src/core/authz.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
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
  dir = await mkdtemp(join(tmpdir(), 'dr-browser-kit-'));
  const config = loadConfig({ DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'silent' });
  [ws, b] = await Promise.all([startLocalWorkspace(config, createLogger('silent'), { fresh: false, print: () => undefined }), openBrowser()]);
  await b.page.goto(`${ws.url}?as=alice`);
  await b.page.locator('#connection.live').waitFor();
}, 90_000);

afterAll(async () => {
  await b?.close();
  await ws?.stop();
  await rm(dir, { recursive: true, force: true });
});

const plain = (text: string) => ({ type: 'plain_text', text });
const md = (text: string) => ({ type: 'mrkdwn', text });
const opt = (text: string, value: string) => ({ text: plain(text), value });

/** Renders mrkdwn with the page's own module; answers the text and the tags it made. */
async function render(text: string): Promise<{ text: string; tags: string[]; links: string[] }> {
  return b.page.evaluate(async (t) => {
    const { renderMrkdwn } = await import('/static/mrkdwn.js' as string);
    const users = { U0DBA0001: { name: 'dmitri', real_name: 'Dmitri Petrov' } };
    const channels = [{ id: 'C0INCIDENT', name: 'incident-response' }];
    const div = document.createElement('div');
    div.append(renderMrkdwn(t, { users, channels }));
    return {
      text: div.textContent ?? '',
      tags: [...div.querySelectorAll('*')].map((e) => e.tagName.toLowerCase()),
      links: [...div.querySelectorAll('a')].map((a) => a.getAttribute('href') ?? ''),
    };
  }, text);
}

describe('mrkdwn', () => {
  it.each([
    ['bold, italic, strike, code', '*bold* _italic_ ~gone~ `code`', 'bold italic gone code', ['strong', 'em', 's', 'code']],
    ['a code block', '```\nSELECT 1;\n```', 'SELECT 1;', ['pre']],
    ['a quote', '> quoted line\nplain line', 'quoted lineplain line', ['blockquote']],
    ['no styling inside words', 'snake_case_word and 2*3*4', 'snake_case_word and 2*3*4', []],
    ['mentions, channels, @channel', '<@U0DBA0001> in <#C0INCIDENT|incident-response>, <!channel>', '@dmitri in #incident-response, @channel', []],
    ['emoji codes, unknown ones as text', ':red_circle: :warning: :no_such_emoji:', '🔴 ⚠️ :no_such_emoji:', []],
    ['escaped user text stays text', '&lt;img src=x onerror=alert(1)&gt; &amp; &lt;!channel&gt;', '<img src=x onerror=alert(1)> & <!channel>', []],
    ['a date Slack cannot format shows its fallback', '<!date^1700000000^{nonsense}|the fallback>', 'the fallback', ['time']],
  ])('%s', async (_name, input, text, tags) => {
    const r = await render(input);
    expect(r.text).toBe(text);
    for (const t of tags) expect(r.tags).toContain(t);
    expect(r.tags).not.toContain('img');
  });

  it('makes web links only, and formats dates in the reader\'s time zone', async () => {
    expect((await render('<https://status.boomcard.bg|status page>')).links).toEqual(['https://status.boomcard.bg']);
    const js = await render('<javascript:alert(1)|click me>');
    expect(js).toMatchObject({ text: 'click me', links: [] });
    expect((await render('<!date^1700000000^{date_num}|fallback>')).text).toMatch(/^2023-11-1[45]$/);
  });
});

describe('Block Kit in messages', () => {
  it('asks the confirm dialog first, and sends block_actions for buttons, selects, checkboxes and radio buttons', async () => {
    const got: Array<Record<string, any>> = [];
    // The bot fails closed on interactions nothing declares: this test's own listener declares itself.
    ws.bot.declareInteraction({ kind: 'button', id: /^kit_/, name: 'Block Kit test elements', allowedRoles: [EVERYONE] });
    ws.bot.app.action(/^kit_/, async ({ ack, action, body }) => {
      await ack();
      got.push({ ...action, user: body.user.id });
    });
    await ws.bot.app.client.chat.postMessage({
      channel: CHANNELS.incidents,
      text: 'Failover plan',
      blocks: [
        { type: 'header', text: plain(':rotating_light: Failover plan') },
        { type: 'section', text: md('Promote *production-replica-1*?'), accessory: { type: 'static_select', action_id: 'kit_pick', placeholder: plain('Replica'), options: [opt('replica 1', 'r1'), opt('replica 2', 'r2')] } },
        { type: 'divider' },
        {
          type: 'actions',
          block_id: 'kit_actions',
          elements: [
            { type: 'button', action_id: 'kit_confirm', style: 'danger', value: 'action-42', text: plain('Confirm'), confirm: { title: plain('Promote the replica?'), text: md('This *cannot* be undone.'), confirm: plain('Promote'), deny: plain('Not now'), style: 'danger' } },
            { type: 'checkboxes', action_id: 'kit_checks', options: [opt('Apps repointed', 'apps'), opt('Backups verified', 'backups')] },
            { type: 'users_select', action_id: 'kit_user', placeholder: plain('Approver') },
            { type: 'radio_buttons', action_id: 'kit_radio', options: [opt('Fail over', 'failover'), opt('Restore', 'restore')] },
          ],
        },
        { type: 'context', elements: [md(':information_source: Expires in 10 min')] },
      ] as never,
    });
    const msg = b.page.locator('article.message', { hasText: 'Failover plan' });
    await msg.locator('.b-header', { hasText: '🚨 Failover plan' }).waitFor();

    await msg.getByRole('button', { name: 'Confirm' }).click();
    const dialog = b.page.getByRole('alertdialog', { name: 'Promote the replica?' });
    expect(await dialog.innerText()).toContain('This cannot be undone.');
    await dialog.getByRole('button', { name: 'Not now' }).click();
    await msg.getByRole('button', { name: 'Confirm' }).click();
    await b.page.getByRole('alertdialog').getByRole('button', { name: 'Promote' }).click();
    await msg.locator('.b-accessory select').selectOption('r2');
    await msg.getByLabel('Backups verified').check();
    await msg.locator('[data-action-id="kit_user"]').selectOption(PEOPLE.dmitri);
    await msg.getByLabel('Restore').check();

    await ws.emulator.waitFor(() => got.length >= 5);
    expect(got.map((a) => a.action_id)).toEqual(['kit_confirm', 'kit_pick', 'kit_checks', 'kit_user', 'kit_radio']);
    expect(got[0]).toMatchObject({ value: 'action-42', block_id: 'kit_actions', user: PEOPLE.alice });
    expect(got[1]!.selected_option.value).toBe('r2');
    expect(got[2]!.selected_options.map((o: { value: string }) => o.value)).toEqual(['backups']);
    expect(got[3]!.selected_user).toBe(PEOPLE.dmitri);
    expect(got[4]!.selected_option.value).toBe('restore');
  });
});

describe('a modal with every kind of input', () => {
  it('Cancel closes it; Declare sends the selects, the users select and the checkbox as Slack would', async () => {
    const box = b.page.locator('#command');
    await box.fill('/incident declare');
    await box.press('Enter');
    const m = b.page.locator('.modal[data-callback-id="incident_declare"]');
    await m.waitFor();
    await m.getByRole('button', { name: 'Cancel' }).click();
    await m.waitFor({ state: 'detached' });
    expect(ws.emulator.openViews(PEOPLE.alice)).toHaveLength(0);

    await box.fill('/incident declare');
    await box.press('Enter');
    await m.locator('button.submit').click();
    // Slack's client refuses to submit an empty required input; so does the page.
    await m.locator('[data-block-id="level"] .b-error', { hasText: 'required' }).waitFor();
    await m.locator('[data-block-id="level"] select').selectOption('2');
    await m.locator('[data-block-id="title"] input').fill('Partner dashboard inaccessible');
    await m.locator('[data-block-id="services"] select').selectOption(['partner-dashboard', 'api-gateway']);
    expect(await m.locator('[data-block-id="commander"] select').inputValue()).toBe(PEOPLE.alice);
    await m.locator('[data-block-id="commander"] select').selectOption(PEOPLE.maria);
    await m.getByLabel('This is a drill').check();
    await m.locator('button.submit').click();
    await m.waitFor({ state: 'detached' });

    const card = b.page.locator('article.message', { hasText: 'Partner dashboard inaccessible' }).first();
    await card.locator('.b-header', { hasText: '[DRILL]' }).waitFor();
    const text = await card.innerText();
    expect(text).toContain('L2 High');
    expect(text).toContain('API Gateway & POS Integrations');
    expect(text).toMatch(/Incident Commander\s+@maria/);
  });

  it('completes @people in the command box and sends them as Slack escapes mentions', async () => {
    const box = b.page.locator('#command');
    await box.fill('/incident assign comms @geo');
    await b.page.locator('#completions .completion', { hasText: '@georgi' }).waitFor();
    await box.press('Tab');
    expect(await box.inputValue()).toBe('/incident assign comms @georgi ');
    await box.press('Enter');
    const card = b.page.locator('article.message', { hasText: 'Partner dashboard inaccessible' }).first();
    await card.locator('.b-section', { hasText: 'Communications Coordinator' }).locator('.mention', { hasText: '@georgi' }).waitFor();
    expect(b.problems).toEqual([]);
  });
});
