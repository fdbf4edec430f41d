// Scopes use the hosted service's names so its clients and scripts work unchanged.

/** Scopes of Tessera's own APIs, granted to applications (client credentials) and users. */
export const API_SCOPES = [
  'internal_login',
  'internal_user_mgt_list',
  'internal_user_mgt_view',
  'internal_user_mgt_create',
  'internal_user_mgt_update',
  'internal_user_mgt_delete',
  'internal_group_mgt_view',
  'internal_group_mgt_create',
  'internal_group_mgt_update',
  'internal_group_mgt_delete',
  'internal_bulk_resource_create',
  'internal_application_mgt_view',
  'internal_application_mgt_create',
  'internal_application_mgt_update',
  'internal_application_mgt_delete',
  'internal_org_audit_view',
  'internal_org_settings_view',
  'internal_org_settings_update',
  'internal_org_admin_mgt_view',
  'internal_org_admin_mgt_create',
  'internal_org_admin_mgt_delete',
] as const;

/** OpenID Connect scopes for sign-in. */
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'groups', 'offline_access'] as const;

export function isApiScope(scope: string): boolean {
  return (API_SCOPES as readonly string[]).includes(scope);
}
