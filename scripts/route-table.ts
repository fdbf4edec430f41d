// Writes docs/routes.md from the app's own routes (src/routes/route-table.ts).
//
//   npm run routes
//
// The app is built over a throwaway SQLite database with the development mailbox on, so that
// every route any configuration registers is in the table (those of the mailbox are marked).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openSystem } from '../src/system.ts';
import { routeTableMarkdown, type RouteRecord } from '../src/routes/route-table.ts';

export const ROUTE_TABLE_FILE = path.resolve(import.meta.dirname, '../docs/routes.md');

export async function generateRouteTable(): Promise<string> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-routes-'));
  try {
    const system = await openSystem(loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: 'http://localhost:3000', LOG_LEVEL: 'silent', SMTP_URL: 'dev:' }));
    const routes: RouteRecord[] = [];
    const app = await buildApp(system, { logger: false, routeTable: routes });
    await app.ready();
    await app.close();
    await system.close();
    return routeTableMarkdown(routes);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  fs.writeFileSync(ROUTE_TABLE_FILE, await generateRouteTable());
  console.log(`wrote ${path.relative(process.cwd(), ROUTE_TABLE_FILE)}`);
}
