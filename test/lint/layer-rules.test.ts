// The layer rules of docs/architecture.md, as eslint.config.js writes them, refuse a planted
// violation of each kind (and accept the same code where the layer allows it).

import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

// Type information is not needed for import rules; without it a planted file need not exist.
const eslint = new ESLint({
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false, project: null } },
    rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-unused-vars': 'off' },
  },
});

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.map((message) => `${message.ruleId}: ${message.message}`);
}

describe('layer rules', () => {
  it('a route may not import Kysely, the database or a repository value', async () => {
    expect(await problems('src/routes/api/planted.ts', "import { sql } from 'kysely';\nexport const x = sql`1`;\n")).toEqual([expect.stringContaining('Only src/repos/ and src/db/ use Kysely')]);
    expect(await problems('src/routes/api/planted.ts', "import { openDatabase } from '../../db/database.ts';\nexport const x = openDatabase;\n")).toEqual([expect.stringContaining('Routes and pages never touch the database')]);
    expect(await problems('src/web/planted.ts', "import { createUserRepo } from '../repos/user-repo.ts';\nexport const x = createUserRepo;\n")).toEqual([expect.stringContaining('Routes and pages use services, not repositories')]);
    // A repository's type is fine, and so is the outage classifier.
    expect(await problems('src/routes/api/planted.ts', "import type { User } from '../../repos/user-repo.ts';\nimport { isDatabaseUnavailable } from '../../db/availability.ts';\nexport type X = User;\nexport const y = isDatabaseUnavailable;\n")).toEqual([]);
  });

  it('a service may not import Fastify or Kysely; a repository may import Kysely', async () => {
    expect(await problems('src/services/planted.ts', "import type { FastifyRequest } from 'fastify';\nexport type X = FastifyRequest;\n")).toEqual([expect.stringContaining('Services never see HTTP')]);
    expect(await problems('src/services/planted.ts', "import type { Expression } from 'kysely';\nexport type X = Expression<boolean>;\n")).toEqual([expect.stringContaining('Only src/repos/ and src/db/ use Kysely')]);
    expect(await problems('src/repos/planted.ts', "import { sql } from 'kysely';\nexport const x = sql`1`;\n")).toEqual([]);
  });

  it('only the credentials repository names credential tables and hash columns', async () => {
    expect(await problems('src/repos/planted.ts', "export const q = 'select password_hash from password_credentials';\n")).toEqual([expect.stringContaining('Only the credentials repository'), ]);
    expect(await problems('src/services/planted.ts', 'export const q = `delete from password_credentials where user_id = ${1}`;\n')).toEqual([expect.stringContaining('Only the credentials repository')]);
    expect(await problems('src/repos/credential-repo.ts', "export const q = 'select password_hash from password_credentials';\n")).toEqual([]);
  });

  it('the UI may not import server code', async () => {
    expect(await problems('ui/src/console/planted.ts', "import { API_SCOPES } from '../../../src/oidc/scopes.ts';\nexport const x = API_SCOPES;\n")).toEqual([expect.stringContaining('The UI never imports server code')]);
    expect(await problems('ui/src/console/planted.ts', "import { config } from '../config.ts';\nexport const x = config;\n")).toEqual([]);
  });
});
