// The route table (docs/routes.md): every method and full path the app answers, with the file
// that registers it, recorded from the app itself as its routes are registered, so the table is
// generated, never written by hand (`npm run routes`; test/api/route-table.test.ts fails when
// the document is stale). Fastify runs onRoute hooks synchronously inside app.get/post/...,
// so the registering file is on the stack at that moment.

import path from 'node:path';
import type { FastifyInstance } from 'fastify';

export interface RouteRecord {
  method: string;
  path: string;
  /** The file under src/ that registered the route, or the package that did. */
  source: string;
}

const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');

/** The first frame of the current stack in this project's src/ (not this file), else the package. */
function registeringSource(): string {
  const frames = (new Error().stack ?? '').split('\n').slice(1);
  for (const frame of frames) {
    const file = /\((?:file:\/\/)?([^():]+):\d+:\d+\)$|at (?:file:\/\/)?([^():]+):\d+:\d+$/.exec(frame.trim());
    const name = file?.[1] ?? file?.[2];
    if (!name || name === import.meta.filename) continue;
    const relative = path.relative(PROJECT_ROOT, name).split(path.sep).join('/');
    if (relative.startsWith('src/') && !relative.startsWith('src/app.ts')) return relative;
  }
  for (const frame of frames) {
    const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(frame);
    if (inPackage && !['fastify', 'avvio', 'find-my-way', 'vitest', '@vitest'].some((p) => inPackage[1] === p || inPackage[1].startsWith(`${p}/`))) return inPackage[1];
  }
  return 'src/app.ts';
}

/** Records every route registered on `app` from now on into `into`. */
export function recordRoutes(app: FastifyInstance, into: RouteRecord[]): void {
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) into.push({ method, path: route.url, source: registeringSource() });
  });
}

/** Registered only while mails go to the development mailbox (never with SMTP_URL). */
const DEV_MAILBOX_SOURCE = 'src/routes/dev-mailbox.ts';

/** The Markdown document of docs/routes.md, sorted by path then method. */
export function routeTableMarkdown(records: readonly RouteRecord[]): string {
  const unique = new Map(records.map((r) => [`${r.path} ${r.method}`, r]));
  // Fastify adds a HEAD route beside every GET; the table says so once instead.
  const kept = [...unique.values()].filter((r) => r.method !== 'HEAD' || !unique.has(`${r.path} GET`));
  // One row per path and file; a path registered for every method (app.all) reads "any".
  const byPath = new Map<string, { path: string; source: string; methods: string[] }>();
  for (const r of kept) {
    const key = `${r.path} ${r.source}`;
    const row = byPath.get(key) ?? { path: r.path, source: r.source, methods: [] };
    row.methods.push(r.method);
    byPath.set(key, row);
  }
  const rows = [...byPath.values()]
    .map((row) => ({ ...row, method: row.methods.length > 5 ? 'any' : row.methods.sort().join(', ') }))
    .sort((a, b) => (a.path === b.path ? a.method.localeCompare(b.method) : a.path.localeCompare(b.path)));
  const lines = [
    '# Routes',
    '',
    'Every method and full path the server answers, with the file that registers it. Generated',
    'from the app by `npm run routes` (`scripts/route-table.ts`, `src/routes/route-table.ts`);',
    '`test/api/route-table.test.ts` fails when this file is stale. Do not edit it by hand.',
    '',
    'Every `GET` also answers `HEAD`. `:org` is an organization handle. The OIDC provider',
    '(oidc-provider) answers everything under `/t/:org/oauth2/*` and `/t/:org/oidc/*`: its',
    'endpoints are in each organization\'s discovery document (`/t/:org/oauth2/token/.well-known/openid-configuration`',
    'and `docs/architecture.md`).',
    '',
    '| method | path | registered in |',
    '| --- | --- | --- |',
    ...rows.map((r) => `| ${r.method} | \`${r.path}\`${r.source === DEV_MAILBOX_SOURCE ? ' (development mailbox only)' : ''} | \`${r.source}\` |`),
    '',
  ];
  return lines.join('\n');
}
