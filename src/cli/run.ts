// Command dispatch, separate from process handling so tests can run commands in-process.

import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import { isAppError } from '../errors.ts';
import { openSystem, type System } from '../system.ts';
import { SYSTEM_CONTEXT } from '../services/request-context.ts';
import { issuerFor } from '../oidc/routes.ts';
import { setPasswordPath } from '../routes/set-password.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { createDatabase } from '../db/database.ts';

export interface CliIo {
  config: () => Config;
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
  /** Tests pass an open system so commands share its database. */
  system?: System;
}

export const USAGE = `Usage:
  tessera org create --handle HANDLE --name NAME --owner-email EMAIL [--owner-password PASSWORD] [--json]
  tessera app create --org HANDLE --name NAME --type spa|web|m2m [--redirect-uri URI]... [--post-logout-redirect-uri URI]... [--scopes "SCOPE ..."] [--json]
  tessera migrate`;

class UsageError extends Error {}

function required(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} is required`);
  return value;
}

async function orgCreate(args: string[], system: System, io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      handle: { type: 'string' },
      name: { type: 'string' },
      'owner-email': { type: 'string' },
      'owner-password': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const { organization, owner, setPasswordLink } = await system.services.organizations.createOrganization(
    {
      handle: required(values, 'handle'),
      displayName: required(values, 'name'),
      ownerEmail: required(values, 'owner-email'),
      ownerPassword: values['owner-password'],
    },
    SYSTEM_CONTEXT,
  );
  const publicUrl = system.config.publicUrl;
  const link = setPasswordLink && `${publicUrl}${setPasswordPath(organization.handle)}?token=${setPasswordLink.token}`;
  const result = {
    id: organization.id,
    handle: organization.handle,
    name: organization.displayName,
    issuer: issuerFor(publicUrl, organization.handle),
    ownerId: owner.id,
    ownerEmail: owner.userName,
    ...(link && { setPasswordLink: link, setPasswordLinkExpiresAt: setPasswordLink.expiresAt.toISOString() }),
  };
  if (values.json) io.out.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    io.out.write(`Created organization ${result.handle} (${result.name}); owner ${result.ownerEmail}\nIssuer: ${result.issuer}\n`);
    if (link) io.out.write(`The owner sets a password with this one-time link (expires ${result.setPasswordLinkExpiresAt}):\n${link}\n`);
  }
  return 0;
}

async function appCreate(args: string[], system: System, io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      org: { type: 'string' },
      name: { type: 'string' },
      type: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'post-logout-redirect-uri': { type: 'string', multiple: true },
      scopes: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const organization = await system.services.organizations.requireByHandle(required(values, 'org'));
  const { application, clientSecret } = await system.services.applications.createApplication(
    organization.id,
    {
      name: required(values, 'name'),
      type: required(values, 'type'),
      redirectUris: values['redirect-uri'] ?? [],
      postLogoutRedirectUris: values['post-logout-redirect-uri'] ?? [],
      scopes: (values.scopes ?? '').split(/[\s,]+/).filter(Boolean),
    },
    SYSTEM_CONTEXT,
  );
  const result = {
    client_id: application.id,
    ...(clientSecret && { client_secret: clientSecret }),
    name: application.name,
    type: application.type,
    redirect_uris: application.redirectUris,
    post_logout_redirect_uris: application.postLogoutRedirectUris,
    scopes: application.scopes,
    issuer: issuerFor(system.config.publicUrl, organization.handle),
  };
  if (values.json) io.out.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    io.out.write(`Created ${result.type} application ${result.name} in ${organization.handle}\nclient_id: ${result.client_id}\n`);
    if (clientSecret) io.out.write(`client_secret: ${clientSecret}\n(Store it now: it is not shown again.)\n`);
  }
  return 0;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [group, action, ...rest] = argv;
  const command = group === 'migrate' ? 'migrate' : `${group ?? ''} ${action ?? ''}`.trim();
  const handlers: Record<string, (args: string[], system: System, io: CliIo) => Promise<number>> = {
    'org create': orgCreate,
    'app create': appCreate,
  };
  if (command !== 'migrate' && !handlers[command]) {
    io.err.write(`tessera: ${command ? `unknown command "${command}"` : 'no command given'}\n${USAGE}\n`);
    return 2;
  }

  let system = io.system;
  try {
    if (command === 'migrate') {
      const config = io.config();
      const db = system?.db ?? createDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, unboundedStatements: true });
      try {
        const result = await migrateToLatest(db);
        const applied = result.results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? [];
        io.out.write(applied.length ? `Applied ${applied.join(', ')}\n` : 'Database is up to date\n');
      } finally {
        if (!system) await db.destroy();
      }
      return 0;
    }
    system ??= await openSystem(io.config());
    return await handlers[command](rest, system, io);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err.write(`tessera: ${(error as Error).message}\n${USAGE}\n`);
      return 2;
    }
    if (isAppError(error)) {
      io.err.write(`tessera: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    if (system && !io.system) await system.close();
  }
}
