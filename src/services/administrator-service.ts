// An organization's administrators: the owner invites them (with the same invitation rules as
// customers) and may remove them; nobody removes the owner.

import type { Repos } from '../repos/index.ts';
import type { Organization } from '../repos/organization-repo.ts';
import type { User } from '../repos/user-repo.ts';
import type { InvitationDelivery } from './onboarding-service.ts';
import type { UserService, UserView } from './user-service.ts';
import { AppError } from '../errors.ts';
import type { RequestContext } from './request-context.ts';

export interface AdministratorInvitation {
  email: string;
  givenName?: string | null;
  familyName?: string | null;
  delivery?: InvitationDelivery;
}

export function createAdministratorService(deps: { repos: Repos; users: UserService }) {
  const { repos, users } = deps;

  async function requireOwner(orgId: string, actorId: string): Promise<User> {
    const actor = await repos.users.findById(orgId, actorId);
    if (!actor || actor.adminRole !== 'owner') throw new AppError('auth.forbidden', "Only the organization's owner manages administrators");
    return actor;
  }

  return {
    async listAdministrators(orgId: string): Promise<User[]> {
      return repos.users.listAdministrators(orgId);
    },

    async inviteAdministrator(organization: Organization, actorId: string, invitation: AdministratorInvitation, ctx: RequestContext): Promise<UserView> {
      await requireOwner(organization.id, actorId);
      return users.createUser(
        organization,
        {
          userName: invitation.email,
          givenName: invitation.givenName ?? null,
          familyName: invitation.familyName ?? null,
          askPassword: true,
          administrator: true,
          invitationDelivery: invitation.delivery ?? 'email',
        },
        ctx,
      );
    },

    /** Removes an administrator's account (irreversibly, like any user deletion). */
    async removeAdministrator(orgId: string, actorId: string, administratorId: string, ctx: RequestContext): Promise<void> {
      await requireOwner(orgId, actorId);
      const target = await repos.users.findById(orgId, administratorId);
      if (!target || target.userType !== 'administrator') throw new AppError('user.not_found', `No administrator with id "${administratorId}"`);
      if (target.adminRole === 'owner') throw new AppError('auth.forbidden', "The organization's owner cannot be removed");
      await users.deleteUser(orgId, administratorId, ctx);
    },
  };
}

export type AdministratorService = ReturnType<typeof createAdministratorService>;
