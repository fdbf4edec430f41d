// docs/routes.md is generated from the app (issue 13 item 6): it must list exactly the routes
// the app registers, so that it cannot drift from the code.

import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateRouteTable, ROUTE_TABLE_FILE } from '../../scripts/route-table.ts';

describe('the route table', () => {
  it('docs/routes.md is the table the app generates (run npm run routes after changing routes)', async () => {
    const generated = await generateRouteTable();
    expect(generated, 'docs/routes.md is stale: run npm run routes').toBe(fs.readFileSync(ROUTE_TABLE_FILE, 'utf8'));
    // A few rows a newcomer would look for, to show the table is the real one.
    expect(generated).toContain('| GET, PATCH | `/t/:org/api/server/v1/settings` | `src/routes/api/onboarding.ts` |');
    expect(generated).toContain('| GET | `/health/live` | `src/routes/health.ts` |');
    expect(generated).toContain('| any | `/t/:org/oauth2/*` | `src/routes/oidc.ts` |');
  });
});
