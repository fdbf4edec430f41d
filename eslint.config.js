// Lint for the server, the UI, the tests and the benchmarks, and the layer rules of
// docs/architecture.md written as import rules, so that a route reaching for the database, a
// service reaching for Fastify or the UI importing server code fails `npm run lint` (and CI).
// Type-aware (typescript-eslint's project service): floating promises are errors.

import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const KYSELY = { name: 'kysely', message: 'Only src/repos/ and src/db/ use Kysely: hand data (a parsed filter, ids) to a service instead.', allowTypeImports: false };

/** Imports a route or a hosted page may not make: the database and the repositories sit below the services. */
const BELOW_THE_SERVICES = {
  paths: [KYSELY],
  patterns: [
    {
      group: ['**/db/*', '!**/db/availability.ts'],
      message: 'Routes and pages never touch the database: call a service. (db/availability.ts, which classifies outage errors for the 503 answer, is the exception.)',
    },
    { group: ['**/repos/*', '**/repos/**/*'], allowTypeImports: true, message: 'Routes and pages use services, not repositories (type imports are fine).' },
  ],
};

const CREDENTIAL_NAMES = /password_credentials|password_hash|client_secret_hash/;
const credentialMessage = 'Only the credentials repository (src/repos/credential-repo.ts) names credential tables and hash columns.';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'data/**', 'ui/dist/**', 'test/ui/asgardeo-spa-app.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['eslint.config.js', 'ui/vite.config.ts'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // Migrations work on the schema as it was at their step, which no TypeScript type describes
    // (Kysely's own advice is Kysely<any>); tests poke at JSON bodies of every shape.
    files: ['src/db/**', 'test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/repos/**', 'src/db/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [KYSELY] }] },
  },
  {
    files: ['src/routes/**/*.ts', 'src/web/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', BELOW_THE_SERVICES] },
  },
  {
    files: ['src/services/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [KYSELY, { name: 'fastify', message: 'Services never see HTTP: take a RequestContext, not a request.' }], patterns: [{ group: ['@fastify/*'], message: 'Services never see HTTP.' }] },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    // application-repo.ts still writes the client-secret hash at create and rotation (issue 13
    // item 2 moves those writes behind the credentials repository).
    ignores: ['src/repos/credential-repo.ts', 'src/repos/application-repo.ts', 'src/db/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: `Literal[value=${CREDENTIAL_NAMES}]`, message: credentialMessage },
        { selector: `TemplateElement[value.raw=${CREDENTIAL_NAMES}]`, message: credentialMessage },
      ],
    },
  },
  {
    files: ['ui/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(\\.\\./)+src/', message: 'The UI never imports server code: it talks to the server over HTTP.' }] }],
    },
  },
);
