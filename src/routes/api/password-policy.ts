// /t/{org}/api/server/v1/password-policy/check: the organization's password policy asked about one
// password before it is used, so the Console's New User wizard can say "too easy to guess" when the
// field is left instead of at Finish. The same rules as every place that sets a password
// (services/password-policy.ts); those places still check again, this answer decides nothing.
// Nothing is looked up: `userName` is only a word the password must not be built on, so the answer
// says nothing about whether such a user exists. Scoped like creating a user, its only use.

import type { FastifyInstance } from 'fastify';
import type { System } from '../../system.ts';
import { passwordProblems } from '../../services/password-policy.ts';
import { authorized } from './principal.ts';
import { API_ERROR_SCHEMA } from './error-schema.ts';

// Well past the policy's 256 characters (an overlong password gets its own problem), yet small
// enough that nobody sends the scorer megabytes.
const MAX_CHECKED_LENGTH = 4096;

export async function passwordPolicyRoutes(app: FastifyInstance, { system }: { system: System }) {
  app.post<{ Body: { password: string; userName?: string } }>(
    '/server/v1/password-policy/check',
    {
      schema: {
        tags: ['Users: password policy'],
        summary: "Check a password against the organization's password policy",
        description:
          'Says whether the password would be accepted for a user with this userName (email), and if not every rule it breaks, in words for people. Nothing is stored and no user is looked up: the answer is the same whether or not such a user exists. Setting the password checks again.',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['password'],
          properties: {
            password: { type: 'string', maxLength: MAX_CHECKED_LENGTH },
            userName: { type: 'string', maxLength: 320, description: 'The email the password is for: a password built on it is refused' },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['acceptable', 'problems'],
            properties: {
              acceptable: { type: 'boolean' },
              problems: { type: 'array', items: { type: 'string' }, description: 'Every rule the password breaks; empty when acceptable' },
            },
          },
          400: API_ERROR_SCHEMA,
          401: API_ERROR_SCHEMA,
          403: API_ERROR_SCHEMA,
        },
      },
    },
    async (request) => {
      const { organization } = authorized(request, 'internal_user_mgt_create');
      const settings = await system.services.settings.get(organization.id);
      const problems = passwordProblems(request.body.password, {
        email: (request.body.userName ?? '').trim().toLowerCase(),
        organizationName: organization.displayName,
        minLength: settings.passwordMinLength,
      });
      return { acceptable: problems.length === 0, problems };
    },
  );
}
