// Builds the Console and My Account (ui/) into dist/ui, unless the build there is newer than
// every source file: `npm start` and `npm test` run this first, and a rebuild takes a while.
// `--force` always builds.

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { build } from 'vite';

const root = path.resolve(import.meta.dirname, '..');
const stamp = path.join(root, 'dist/ui/index.html');
const sources = [path.join(root, 'ui'), path.join(root, 'package-lock.json')];

function newestModification(entry: string): number {
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...fs.readdirSync(entry).map((name) => newestModification(path.join(entry, name))));
}

/**
 * Brotli and gzip copies beside each script and stylesheet, served by @fastify/static's
 * `preCompressed` to clients that accept them: the Console's main bundle shrinks about fourfold,
 * and compressing once here costs nothing per request (issue 17: static files under load).
 */
function precompress(directory: string): void {
  for (const name of fs.readdirSync(directory)) {
    const file = path.join(directory, name);
    if (fs.statSync(file).isDirectory()) {
      precompress(file);
      continue;
    }
    if (!/\.(js|css|svg)$/.test(name)) continue;
    const content = fs.readFileSync(file);
    fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(content, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }));
    fs.writeFileSync(`${file}.gz`, zlib.gzipSync(content, { level: 9 }));
  }
}

function isCurrent(): boolean {
  if (!fs.existsSync(stamp)) return false;
  const built = fs.statSync(stamp).mtimeMs;
  return sources.every((source) => newestModification(source) <= built);
}

if (process.argv.includes('--force') || !isCurrent()) {
  console.log('Building the Console and My Account into dist/ui …');
  // Built aside and swapped in, so a server starting meanwhile never reads half a bundle.
  const target = path.join(root, 'dist/ui');
  const staging = path.join(root, `dist/.ui-build-${process.pid}`);
  const retired = path.join(root, `dist/.ui-old-${process.pid}`);
  await build({ configFile: path.join(root, 'ui/vite.config.ts'), logLevel: 'warn', build: { outDir: staging, emptyOutDir: true } });
  precompress(staging);
  if (fs.existsSync(target)) fs.renameSync(target, retired);
  fs.renameSync(staging, target);
  fs.rmSync(retired, { recursive: true, force: true });
} else {
  console.log('The Console and My Account are built and current (dist/ui).');
}
