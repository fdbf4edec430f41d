// One Provider per organization, built on first use and kept. Building is the expensive
// part (keys are imported), so concurrent first requests share one build.

import type { Organization } from '../repos/organization-repo.ts';
import { createOrganizationProvider, type OrganizationProvider, type ProviderDeps } from './provider-factory.ts';

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

  return {
    async get(handle) {
      const cached = built.get(handle);
      if (cached) return cached;
      const organization = await deps.repos.organizations.findByHandle(handle);
      if (!organization) return undefined;
      if (!built.has(handle)) {
        const building = createOrganizationProvider(organization, deps).then((entry) => ({
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
