// Queries of the management API's applications, shared by the Applications pages and by the
// group page (which warns when a group it deletes restricts an application).

import { useQuery } from '@tanstack/react-query';
import { applications } from '../../../api/applications.ts';

export const applicationKeys = {
  all: ['applications'] as const,
  list: ['applications', 'list'] as const,
  one: (id: string) => ['applications', 'one', id] as const,
};

export function useApplicationList(enabled = true) {
  return useQuery({ queryKey: applicationKeys.list, queryFn: applications.list, enabled });
}

export function useApplication(id: string) {
  return useQuery({ queryKey: applicationKeys.one(id), queryFn: () => applications.get(id) });
}
