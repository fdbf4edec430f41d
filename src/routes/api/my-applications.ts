// /t/{org}/api/users/v1/me/applications: the applications the signed-in user may sign in to,
// for My Account's Applications page. Only applications people sign in to are listed (spa and
// web, not machine-to-machine ones), never the built-in Console and My Account, and only those
// ApplicationService admits by the rule mayUse applies at sign-in, so the list never disagrees
// with the sign-in page.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { System } from '../../system.ts';
import type { Application } from '../../repos/application-repo.ts';
import { AppError } from '../../errors.ts';
import { authorized } from './principal.ts';
import { API_ERROR_SCHEMA } from './error-schema.ts';

const myApplicationSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', description: 'The OAuth client_id' },
    name: { type: 'string' },
    description: { type: ['string', 'null'] },
    url: {
      type: ['string', 'null'],
      description: "Where to open the application: the origin of its first redirect URI (null when it has none that a browser can open)",
    },
  },
  required: ['id', 'name', 'description', 'url'],
} as const;


/**
 * An application stores no home page, only exact redirect URIs (its callbacks, which fail when
 * opened without a code). Their origin is where the application usually lives; opening it lets
 * the application start its own sign-in with its own state and PKCE.
 */
export function openUrlOf(application: Pick<Application, 'redirectUris'>): string | null {
  const first = application.redirectUris[0];
  if (!first) return null;
  try {
    const url = new URL(first);
    return url.protocol === 'https:' || url.protocol === 'http:' ? `${url.origin}/` : null;
  } catch {
    return null;
  }
}

function me(request: FastifyRequest) {
  const access = authorized(request, 'internal_login');
  if (access.principal.kind !== 'user') throw new AppError('auth.forbidden', "Only a signed-in user has applications: use a user's token");
  return access;
}

export async function myApplicationRoutes(app: FastifyInstance, { system }: { system: System }) {
  app.get(
    '/users/v1/me/applications',
    {
      schema: {
        tags: ['My applications'],
        summary: 'The applications the signed-in user may sign in to',
        description: "Applications people sign in to (spa and web) that the organization's group restrictions allow this user, by name.",
        response: { 200: { type: 'object', properties: { applications: { type: 'array', items: myApplicationSchema } } }, 401: API_ERROR_SCHEMA, 403: API_ERROR_SCHEMA },
      },
    },
    async (request) => {
      const { organization, principal } = me(request);
      const { applications, users } = system.services;
      const { user } = await users.getUser(organization.id, principal.id);
      return {
        applications: (await applications.signInApplicationsFor(user))
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((a) => ({ id: a.id, name: a.name, description: a.description, url: openUrlOf(a) })),
      };
    },
  );
}
