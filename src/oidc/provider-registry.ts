// One Provider per organization, built on first use and kept. Building is the expensive
// part (keys are imported), so concurrent first requests share one build.

import type { Organization } from '../repos/organization-repo.ts';
import { createOrganizationProvider, type OrganizationProvider, type ProviderDeps } from './provider-factory.ts';
import { ensureBuiltInApplications } from '../services/application-service.ts';
import { isUniqueViolation } from '../db/constraint-errors.ts';

export interface ProviderEntry extends OrganizationProvider {
  organization: Organization;
  /** The provider's request handler, composed once. */
  handle: ReturnType<OrganizationProvider['provider']['callback']>;
}

export interface ProviderRegistry {
  /** The organization and its provider, or undefined when no organization has this handle. */
  get(handle: string): Promise<ProviderEntry | undefined>;
}

export function createProviderRegistry(deps: ProviderDeps): ProviderRegistry {
  const built = new Map<string, Promise<ProviderEntry>>();

  // Organizations created before the built-in applications existed get them on first use;
  // another instance doing the same at once loses the race harmlessly (unique index).
  async function ensureBuiltIns(orgId: string): Promise<void> {
    await deps.repos.transaction((tx) => ensureBuiltInApplications(tx, orgId, deps.clock.now())).catch((error) => {
      if (!isUniqueViolation(error)) throw error;
    });
  }

  return {
    async get(handle) {
      const cached = built.get(handle);
      if (cached) return cached;
      const organization = await deps.repos.organizations.findByHandle(handle);
      if (!organization) return undefined;
      if (!built.has(handle)) {
        const building = ensureBuiltIns(organization.id)
          .then(() => createOrganizationProvider(organization, deps))
          .then((entry) => ({
          ...entry,
          organization,
          handle: entry.provider.callback(),
        }));
        building.catch(() => built.delete(handle));
        built.set(handle, building);
      }
      return built.get(handle);
    },
  };
}
