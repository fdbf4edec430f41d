// Bulk imports of customers: POST /t/{org}/api/server/v1/imports takes a CSV or JSON Lines file
// as the request body (streamed, never held whole), stores its rows and answers 202 with the
// queued import; GET .../imports/{id} reports its progress, GET .../imports/{id}/results
// downloads the per-row outcomes, POST .../imports/{id}/cancel stops it. The work is done by the
// background-job runner (services/import-service.ts, services/background-jobs.ts).

import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { System } from '../../system.ts';
import type { Job } from '../../repos/job-repo.ts';
import { importParams, type ImportDelivery, type ImportResultRow } from '../../services/import-service.ts';
import type { FirebaseScryptParameters } from '../../security/imported-hash.ts';
import { AppError } from '../../errors.ts';
import { exportStream, type ExportFormat, type ExportShape } from '../../lib/export-formats.ts';
import { JOB_ERRORS as ERRORS, JOB_ID_PARAMS as ID_PARAMS, RESULTS_QUERYSTRING, RESULTS_RESPONSE, jobSchema, presentJob, sendResults } from './job-responses.ts';
import type { ImportFormat } from '../../lib/import-file.ts';
import { authorized } from './principal.ts';
import { API_ERROR_SCHEMA } from './error-schema.ts';

const IMPORT_MEDIA_TYPES: Record<string, ImportFormat> = {
  'text/csv': 'csv',
  'application/jsonl': 'jsonl',
  'application/x-ndjson': 'jsonl',
};

/** The header that carries a Firebase project's password-hash parameters (never the URL, which is logged). */
export const FIREBASE_SCRYPT_HEADER = 'tessera-firebase-scrypt';

const JOB_SCHEMA = jobSchema(
  {
    dryRun: { type: 'boolean' },
    delivery: { type: 'string', enum: ['email', 'link', 'none'] },
    fileName: { type: ['string', 'null'] },
  },
  'Rows by outcome: created, invited, skipped, invalid (a dry run: would_create, would_invite, skipped, invalid)',
);

function presentImport(job: Job) {
  const { dryRun, delivery, fileName } = importParams(job);
  return presentJob(job, { dryRun, delivery, fileName });
}

const RESULT_SHAPE: ExportShape<ImportResultRow> = {
  columns: [
    { header: 'row', cell: (r) => r.rowNumber },
    { header: 'username', cell: (r) => r.userName },
    { header: 'givenname', cell: (r) => r.givenName },
    { header: 'familyname', cell: (r) => r.familyName },
    { header: 'groups', cell: (r) => r.groups.join('|') },
    { header: 'outcome', cell: (r) => r.outcome },
    { header: 'detail', cell: (r) => r.detail },
    { header: 'user_id', cell: (r) => r.userId },
    { header: 'invitation_link', cell: (r) => r.invitationLink ?? null },
    { header: 'invitation_expires_at', cell: (r) => r.invitationExpiresAt?.toISOString() ?? null },
  ],
  record: (r) => ({
    row: r.rowNumber,
    userName: r.userName,
    givenName: r.givenName,
    familyName: r.familyName,
    groups: r.groups,
    outcome: r.outcome,
    detail: r.detail,
    userId: r.userId,
    ...(r.invitationLink && { invitationLink: r.invitationLink, invitationExpiresAt: r.invitationExpiresAt?.toISOString() }),
  }),
};

/** `signerKey=...; saltSeparator=...; rounds=8; memCost=14`, as Firebase's console shows them. */
function firebaseParameters(header: string | string[] | undefined): FirebaseScryptParameters | undefined {
  if (header === undefined) return undefined;
  const fields = new Map<string, string>();
  for (const part of String(header).split(';')) {
    const at = part.indexOf('=');
    if (at > 0) fields.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  const rounds = Number(fields.get('rounds'));
  const memCost = Number(fields.get('memCost'));
  const signerKey = fields.get('signerKey');
  const saltSeparator = fields.get('saltSeparator');
  if (!signerKey || saltSeparator === undefined || !Number.isInteger(rounds) || !Number.isInteger(memCost)) {
    throw new AppError('request.invalid', `${FIREBASE_SCRYPT_HEADER} must be "signerKey=...; saltSeparator=...; rounds=N; memCost=N" (base64 keys, as the Firebase console shows them)`, {
      details: { field: FIREBASE_SCRYPT_HEADER },
    });
  }
  return { signerKey, saltSeparator, rounds, memCost };
}

interface UploadQuerystring {
  dryRun?: boolean;
  delivery?: ImportDelivery;
  fileName?: string;
}

export async function importRoutes(app: FastifyInstance, { system }: { system: System }) {
  // The file is the body, handed to the service as a stream: no size limit of Fastify's own
  // applies, lib/import-file.ts bounds it while reading.
  app.addContentTypeParser(Object.keys(IMPORT_MEDIA_TYPES), (_request, payload, done) => done(null, payload));

  app.post<{ Querystring: UploadQuerystring }>(
    '/server/v1/imports',
    {
      schema: {
        tags: ['Imports'],
        summary: 'Import customers from a CSV or JSON Lines file (a dry run, or the real run)',
        description: [
          'The body is the file: `text/csv` with a header line (`username,givenname,familyname,groups`, groups separated by `|`; optional `passwordhash,passwordhashscheme,passwordsalt`), or `application/jsonl` with an object per line (`userName`, `givenName`, `familyName`, `groups` as an array, `passwordHash` as `{scheme, hash, salt}`).',
          'The rows are stored and the import is queued (202); `GET /server/v1/imports/{id}` reports its progress and `GET /server/v1/imports/{id}/results` the outcome of every row.',
          'A dry run writes no user and sends no mail: it reports what the real run would do. `delivery`: `email` mails each new customer an invitation, `link` issues the invitation links into the results file instead, `none` creates the customers without an invitation (they set a password with "Forgot password"). A row with a password hash is created with that password, permanent, and is never invited.',
          `Password-hash schemes: \`bcrypt\`, \`pbkdf2-sha256\`, \`scrypt\`, \`firebase-scrypt\` (the project's parameters in the \`${FIREBASE_SCRYPT_HEADER}\` header), \`argon2id\`. Up to 1,000,000 rows or 256 MiB.`,
        ].join('\n\n'),
        querystring: {
          type: 'object',
          properties: {
            dryRun: { type: 'boolean', default: false },
            delivery: { type: 'string', enum: ['email', 'link', 'none'], default: 'email' },
            fileName: { type: 'string', maxLength: 255 },
          },
        },
        headers: { type: 'object', properties: { [FIREBASE_SCRYPT_HEADER]: { type: 'string', maxLength: 2000 } } },
        response: { 202: { description: 'The import, queued', ...JOB_SCHEMA }, ...ERRORS, 413: API_ERROR_SCHEMA, 415: API_ERROR_SCHEMA },
      },
    },
    async (request, reply) => {
      const { organization, ctx } = authorized(request, 'internal_user_mgt_create');
      const mediaType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      const format = IMPORT_MEDIA_TYPES[mediaType];
      if (!format) throw new AppError('request.invalid', 'Send the file as the body, with Content-Type text/csv or application/jsonl', { details: { field: 'content-type' } });
      const firebase = firebaseParameters(request.headers[FIREBASE_SCRYPT_HEADER]);
      const { dryRun = false, delivery = 'email', fileName } = request.query;
      const job = await system.services.imports.upload(organization, request.body as Readable, format, { dryRun, delivery, fileName, firebase }, ctx);
      return reply.code(202).header('location', `${request.url.split('?')[0]}/${job.id}`).send(presentImport(job));
    },
  );

  app.get(
    '/server/v1/imports',
    {
      schema: {
        tags: ['Imports'],
        summary: "The organization's 50 most recent imports, newest first",
        response: { 200: { type: 'object', properties: { imports: { type: 'array', items: JOB_SCHEMA } } }, ...ERRORS },
      },
    },
    async (request) => {
      const { organization } = authorized(request, 'internal_user_mgt_list');
      return { imports: (await system.services.imports.list(organization.id)).map(presentImport) };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/server/v1/imports/:id',
    { schema: { tags: ['Imports'], summary: "An import's state and progress", params: ID_PARAMS, response: { 200: JOB_SCHEMA, ...ERRORS } } },
    async (request) => {
      const { organization } = authorized(request, 'internal_user_mgt_list');
      return presentImport(await system.services.imports.get(organization.id, request.params.id));
    },
  );

  app.post<{ Params: { id: string } }>(
    '/server/v1/imports/:id/cancel',
    {
      schema: {
        tags: ['Imports'],
        summary: 'Stop an import that has not finished; the rows already done stay done',
        params: ID_PARAMS,
        response: { 200: JOB_SCHEMA, ...ERRORS, 409: API_ERROR_SCHEMA },
      },
    },
    async (request) => {
      const { organization, ctx } = authorized(request, 'internal_user_mgt_create');
      return presentImport(await system.services.imports.cancel(organization.id, request.params.id, ctx));
    },
  );

  app.get<{ Params: { id: string }; Querystring: { format?: ExportFormat } }>(
    '/server/v1/imports/:id/results',
    {
      schema: {
        tags: ['Imports'],
        summary: 'Download the outcome of every row, as CSV or JSON Lines',
        description:
          'In file order: the row as read, its outcome and why. For an import with `delivery=link`, each invited customer who has not yet set a password gets a new invitation link in this download; downloading again issues new links and the earlier ones stop working.',
        params: ID_PARAMS,
        querystring: RESULTS_QUERYSTRING,
        response: { 200: RESULTS_RESPONSE, ...ERRORS },
      },
    },
    async (request, reply) => {
      // The results can hold invitation links: as much a secret as creating the users.
      const { organization, ctx } = authorized(request, 'internal_user_mgt_create');
      const { format = 'csv' } = request.query;
      const pages = await system.services.imports.results(organization, request.params.id, ctx);
      return sendResults(reply, `import-${request.params.id}`, format, await exportStream(pages, format, RESULT_SHAPE));
    },
  );
}
