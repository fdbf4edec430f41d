// Registering an organization's applications as OAuth clients. Redirect URIs are stored
// exactly as given and compared exactly by the provider. A client secret is returned once
// and only its SHA-256 is kept.

import type { Repos } from '../repos/index.ts';
import type { Application, ApplicationType } from '../repos/application-repo.ts';
import type { Clock } from '../lib/clock.ts';
import { AppError } from '../errors.ts';
import { randomToken, sha256Hex } from '../security/tokens.ts';
import { isApiScope } from '../oidc/scopes.ts';
import { auditFields, type RequestContext } from './request-context.ts';

export const APPLICATION_TYPES: readonly ApplicationType[] = ['spa', 'web', 'm2m'];

export interface NewApplicationInput {
  name: string;
  type: string;
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
  scopes?: string[];
}

export interface CreatedApplication {
  application: Application;
  /** Only for confidential clients (web, m2m); shown once. */
  clientSecret?: string;
}

function invalid(message: string, field: string): AppError {
  return new AppError('application.invalid', message, { details: { field } });
}

/** Absolute http(s) URI with no fragment and no userinfo, as OAuth 2.0 requires. */
export function redirectUriProblem(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `"${uri}" is not an absolute URI`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `"${uri}" must use http or https`;
  if (url.hash || uri.includes('#')) return `"${uri}" must not contain a fragment`;
  if (url.username || url.password) return `"${uri}" must not contain a user name or password`;
  return undefined;
}

function checkUris(uris: string[], field: string): string[] {
  for (const uri of uris) {
    const problem = redirectUriProblem(uri);
    if (problem) throw invalid(`Invalid ${field === 'redirectUris' ? 'redirect' : 'post-logout redirect'} URI: ${problem}`, field);
  }
  return [...new Set(uris)];
}

export function createApplicationService(deps: { repos: Repos; clock: Clock }) {
  const { repos, clock } = deps;

  return {
    async createApplication(orgId: string, input: NewApplicationInput, ctx: RequestContext): Promise<CreatedApplication> {
      const name = input.name.trim();
      if (!name || name.length > 100) throw invalid('Application name must be 1 to 100 characters', 'name');
      if (!APPLICATION_TYPES.includes(input.type as ApplicationType)) {
        throw invalid(`Application type must be one of ${APPLICATION_TYPES.join(', ')} (got "${input.type}")`, 'type');
      }
      const type = input.type as ApplicationType;
      const redirectUris = checkUris(input.redirectUris ?? [], 'redirectUris');
      const postLogoutRedirectUris = checkUris(input.postLogoutRedirectUris ?? [], 'postLogoutRedirectUris');
      const scopes = [...new Set(input.scopes ?? [])];

      if (type === 'm2m') {
        if (redirectUris.length > 0) throw invalid('A machine-to-machine application has no redirect URIs', 'redirectUris');
        const unknown = scopes.filter((s) => !isApiScope(s));
        if (unknown.length > 0) throw invalid(`Unknown API scope(s): ${unknown.join(', ')}`, 'scopes');
      } else {
        if (redirectUris.length === 0) throw invalid('At least one redirect URI is required', 'redirectUris');
        if (scopes.length > 0) throw invalid('Scopes are granted to machine-to-machine applications only', 'scopes');
      }

      const clientSecret = type === 'spa' ? undefined : randomToken(32);
      const now = clock.now();
      const application: Application = {
        id: randomToken(18),
        orgId,
        name,
        type,
        hasSecret: clientSecret !== undefined,
        redirectUris,
        postLogoutRedirectUris,
        scopes,
        createdAt: now,
        updatedAt: now,
      };
      await repos.transaction(async (tx) => {
        await tx.applications.insert({ ...application, clientSecretHash: clientSecret ? sha256Hex(clientSecret) : null });
        await tx.audit.record({
          ...auditFields(ctx),
          orgId,
          occurredAt: now,
          action: 'application.created',
          targetType: 'application',
          targetId: application.id,
          after: { name, type, redirectUris, postLogoutRedirectUris, scopes },
        });
      });
      return { application, clientSecret };
    },
  };
}

export type ApplicationService = ReturnType<typeof createApplicationService>;
