// No default credentials: while no organization exists, start-up issues a one-time link to a
// page that creates the first organization and its owner. Each start replaces the previous
// link; the first organization created (by the page or the CLI) makes the page unavailable.

import type { Repos } from '../repos/index.ts';
import type { Clock } from '../lib/clock.ts';
import type { CreatedOrganization, OrganizationService, NewOrganizationInput } from './organization-service.ts';
import { AppError } from '../errors.ts';
import { inspectLink, issueLink, linkError, redeemLink } from './link-service.ts';
import type { RequestContext } from './request-context.ts';
import { DEFAULT_SETTINGS } from '../repos/settings-repo.ts';

export const FIRST_RUN_LINK_TTL_SECONDS = 24 * 60 * 60;

export function createFirstRunService(deps: { repos: Repos; clock: Clock; organizations: OrganizationService }) {
  const { repos, clock, organizations } = deps;

  async function assertNoOrganization(): Promise<void> {
    if ((await repos.organizations.count()) > 0) {
      throw new AppError('setup.unavailable', 'Tessera is already set up; sign in to your organization instead');
    }
  }

  return {
    /** A fresh setup token when the server has no organization yet; undefined otherwise. */
    async issueLinkIfUnset(): Promise<string | undefined> {
      if ((await repos.organizations.count()) > 0) return undefined;
      const now = clock.now();
      const { token } = await repos.transaction((tx) =>
        issueLink(tx, { purpose: 'first_run', orgId: null, userId: null, ttlSeconds: FIRST_RUN_LINK_TTL_SECONDS, now }),
      );
      return token;
    },

    async checkLink(token: string): Promise<void> {
      await assertNoOrganization();
      const status = await inspectLink(repos, 'first_run', token, clock.now());
      if (status.state !== 'valid') throw linkError(status.state);
    },

    async complete(token: string, input: NewOrganizationInput & { ownerPassword: string }, ctx: RequestContext): Promise<CreatedOrganization> {
      await this.checkLink(token);
      const prepared = await organizations.prepare(input);
      return repos.transaction(async (tx) => {
        await redeemLink(tx, 'first_run', token, clock.now());
        const created = await organizations.write(tx, prepared, ctx);
        // The first organization is the one a newcomer tries things with: customers may sign up.
        await tx.settings.save(created.organization.id, { ...DEFAULT_SETTINGS, selfRegistrationEnabled: true }, clock.now());
        return created;
      });
    },
  };
}

export type FirstRunService = ReturnType<typeof createFirstRunService>;
