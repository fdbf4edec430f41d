// Whether a filter selects by user type and nothing else (`userType eq "Customer"`, the
// Console's Users list): such a list's total is the database's per-type counter, not a count.

import type { FilterNode } from './ast.ts';

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:user';

export function onlyUserType(filter: FilterNode | undefined): 'customer' | 'administrator' | undefined {
  if (filter?.kind !== 'compare' || filter.op !== 'eq' || typeof filter.value !== 'string') return undefined;
  const { uri, attribute, subAttribute } = filter.path;
  if (attribute.toLowerCase() !== 'usertype' || subAttribute !== undefined) return undefined;
  if (uri !== undefined && uri.toLowerCase() !== CORE_USER) return undefined;
  const type = filter.value.toLowerCase();
  return type === 'customer' || type === 'administrator' ? type : undefined;
}
