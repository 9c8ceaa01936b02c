import pg from 'pg';
import { startBot } from '../apps.js';
import { startRig } from '../rig.js';
const log: string[] = [];
let on = false;
const orig = pg.Client.prototype.query;
// eslint-disable-next-line
(pg.Client.prototype as any).query = function (this: unknown, ...args: any[]) {
  if (on) { const a = args[0]; const t = typeof a === 'string' ? a : a?.text; log.push(String(t).replace(/\s+/g, ' ').slice(0, 110)); }
  return (orig as any).apply(this, args);
};
const rig = await startRig();
const bot = await startBot(rig.apiUrl);
await rig.run(bot.url, 'w', { kind: 'closed', concurrency: 1, durationMs: 2000, max: 3 }, { distinctResponseUrls: true });
await rig.drain(3);
await new Promise((r) => setTimeout(r, 1500));
on = true;
await rig.run(bot.url, 'x', { kind: 'closed', concurrency: 1, durationMs: 2000, max: 1 }, { distinctResponseUrls: true });
await rig.drain(1);
await new Promise((r) => setTimeout(r, 3000));
on = false;
console.log(log.length, 'queries'); for (const l of log) console.log(' ', l);
await rig.closeSockets(); await bot.stop(); await rig.stop();
