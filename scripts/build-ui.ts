// Builds the Console and My Account (ui/) into dist/ui, unless the build there is newer than
// every source file: `npm start` and `npm test` run this first, and a rebuild takes a while.
// `--force` always builds.

import fs from 'node:fs';
import path from 'node:path';
import { build } from 'vite';

const root = path.resolve(import.meta.dirname, '..');
const stamp = path.join(root, 'dist/ui/index.html');
const sources = [path.join(root, 'ui'), path.join(root, 'package-lock.json')];

function newestModification(entry: string): number {
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...fs.readdirSync(entry).map((name) => newestModification(path.join(entry, name))));
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
  if (fs.existsSync(target)) fs.renameSync(target, retired);
  fs.renameSync(staging, target);
  fs.rmSync(retired, { recursive: true, force: true });
} else {
  console.log('The Console and My Account are built and current (dist/ui).');
}
