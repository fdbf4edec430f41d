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
import { createSessionService } from './session-service.ts';
import { createAdministratorService } from './administrator-service.ts';
import { createMailer } from '../mail/mailer.ts';
import { createSettingsService } from './settings-service.ts';
import { createOnboardingService } from './onboarding-service.ts';
import { createRegistrationService } from './registration-service.ts';
import { createRecoveryService } from './recovery-service.ts';
import { createTemporaryPasswordService } from './temporary-password-service.ts';
import { createSecurityNotifications } from './security-notifications.ts';
import { createBrowserOrigins } from './browser-origins.ts';
import { createAccountSupportService } from './account-support-service.ts';
import { createIdempotencyService } from './idempotency-service.ts';
import { createExportService } from './export-service.ts';
import { createImportService } from './import-service.ts';
import { createBackgroundJobs } from './background-jobs.ts';
import { createBulkActionService } from './bulk-action-service.ts';

export interface ServiceDeps {
  repos: Repos;
  hasher: PasswordHasher;
  clock: Clock;
  limiter: AttemptLimiter;
  /** PUBLIC_URL: the links in mails start with it. */
  publicUrl?: string;
}

export function createServices(deps: ServiceDeps) {
  const organizations = createOrganizationService(deps);
  const publicUrl = deps.publicUrl ?? 'http://localhost:3000';
  const mailer = createMailer(deps);
  const notifications = createSecurityNotifications({ mailer, publicUrl });
  const onboarding = createOnboardingService({ ...deps, mailer, publicUrl });
  const passwords = createPasswordService({ ...deps, mailer, notifications });
  const users = createUserService({ ...deps, onboarding, notifications });
  const jobs = createBackgroundJobs(deps);
  const groups = createGroupService(deps);
  const browserOrigins = createBrowserOrigins(deps);
  return {
    organizations,
    signIn: createSignInService(deps),
    passwords,
    firstRun: createFirstRunService({ ...deps, organizations }),
    applications: createApplicationService({ ...deps, onChange: browserOrigins.invalidate }),
    browserOrigins,
    users,
    administrators: createAdministratorService({ ...deps, users }),
    groups,
    sessions: createSessionService(deps),
    accountSupport: createAccountSupportService({ ...deps, onboarding }),
    mailer,
    settings: createSettingsService(deps),
    onboarding,
    registration: createRegistrationService({ ...deps, mailer, publicUrl, onboarding, passwords }),
    recovery: createRecoveryService({ ...deps, onboarding, passwords }),
    temporaryPasswords: createTemporaryPasswordService({ ...deps, notifications }),
    idempotency: createIdempotencyService(deps),
    exports: createExportService({ ...deps, users }),
    jobs,
    imports: createImportService({ ...deps, users, onboarding, jobs }),
    bulkActions: createBulkActionService({ ...deps, users, groups, onboarding, jobs }),
  };
}

export type Services = ReturnType<typeof createServices>;
