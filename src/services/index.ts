// The service layer, wired once from its dependencies. Routes, the CLI and tests all use it.

import type { Repos } from '../repos/index.ts';
import type { PasswordHasher } from '../security/password-hasher.ts';
import type { Clock } from '../lib/clock.ts';
import type { AttemptLimiter } from '../security/attempt-limiter.ts';
import { createOrganizationService } from './organization-service.ts';
import { createSignInService } from './sign-in-service.ts';
import { createPasswordService } from './password-service.ts';
import { createFirstRunService } from './first-run-service.ts';
import { createApplicationService } from './application-service.ts';
import { createUserService } from './user-service.ts';
import { createGroupService } from './group-service.ts';

export interface ServiceDeps {
  repos: Repos;
  hasher: PasswordHasher;
  clock: Clock;
  limiter: AttemptLimiter;
}

export function createServices(deps: ServiceDeps) {
  const organizations = createOrganizationService(deps);
  return {
    organizations,
    signIn: createSignInService(deps),
    passwords: createPasswordService(deps),
    firstRun: createFirstRunService({ ...deps, organizations }),
    applications: createApplicationService(deps),
    users: createUserService(deps),
    groups: createGroupService(deps),
  };
}

export type Services = ReturnType<typeof createServices>;
