import type { ScimLocations } from '../../scim/user-resource.ts';

export function scimBase(publicUrl: string, orgHandle: string): string {
  return `${publicUrl}/t/${orgHandle}/scim2`;
}

export function scimLocations(publicUrl: string, orgHandle: string): ScimLocations {
  return { base: scimBase(publicUrl, orgHandle) };
}
