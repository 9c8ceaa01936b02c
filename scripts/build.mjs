#!/usr/bin/env node
/**
 * `npm run build`: TypeScript → dist/ (tsc, tsconfig.build.json), plus the files the code reads at run time
 * next to itself (SQL migrations, the local workspace's static page), and the local workspace's embedded
 * database template (dist/embedded-template.tar.gz). `--if-stale` (npm start's prestart)
 * builds only when a source is newer than the last build, so a fresh clone builds once and an edit rebuilds.
 * Plain JavaScript on purpose: it must run before anything is compiled.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
const STAMP = join(ROOT, 'dist', '.build-stamp');
const SOURCES = ['src', 'commands', 'manifest.yml', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];
/**
 * Read at run time relative to the compiled module (`new URL(…, import.meta.url)`), so they sit at the same
 * place in dist/: the SQL migrations, the local workspace page, and manifest.yml (src/slack/scopes.ts reads
 * its scopes from ../../manifest.yml). The compiled-build test checks every such URL resolves in dist/.
 */
const ASSETS = ['src/store/migrations', 'src/sandbox/page/static', 'manifest.yml'];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newestMtime(join(path, name))), st.mtimeMs);
}

if (process.argv.includes('--if-stale') && existsSync(STAMP)) {
  const built = statSync(STAMP).mtimeMs;
  if (SOURCES.every((s) => newestMtime(join(ROOT, s)) <= built)) process.exit(0);
}

const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
if (!existsSync(tsc)) {
  console.error('npm run build needs the dev dependencies (typescript): run `npm install` first');
  process.exit(1);
}
console.error('building dist/ …');
const r = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
for (const dir of ASSETS) cpSync(join(ROOT, dir), join(ROOT, 'dist', dir), { recursive: true });
// The local workspace's embedded database, initialised once here rather than at every fresh DATA_DIR's
// first start (src/sandbox/embedded-database.ts). The image has no local workspace: --no-embedded-template.
if (!process.argv.includes('--no-embedded-template') && existsSync(join(ROOT, 'node_modules', '@electric-sql', 'pglite'))) {
  const { writeEmbeddedTemplate } = await import(join(ROOT, 'dist', 'src', 'sandbox', 'embedded-database.js'));
  await writeEmbeddedTemplate();
}
writeFileSync(STAMP, `${new Date().toISOString()}\n`);
