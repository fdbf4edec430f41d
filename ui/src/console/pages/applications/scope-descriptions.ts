// The API scopes a machine-to-machine application may be granted, described. The UI does not
// import server code, so the list lives here, with no imports (a test reads it beside the
// server's): test/api/ui-scope-list.test.ts fails when it differs from src/oidc/scopes.ts, so a
// scope added there shows up described, not unexplained.

export const SCOPE_DESCRIPTIONS = {
  internal_login: "Read and change the signed-in user's own account (/Me)",
  internal_user_mgt_list: 'List and search users',
  internal_user_mgt_view: 'Read users',
  internal_user_mgt_create: 'Create and invite users',
  internal_user_mgt_update: 'Change users',
  internal_user_mgt_delete: 'Delete users',
  internal_group_mgt_view: 'Read groups and their members',
  internal_group_mgt_create: 'Create groups',
  internal_group_mgt_update: 'Rename groups and change their members',
  internal_group_mgt_delete: 'Delete groups',
  internal_bulk_resource_create: 'Send SCIM bulk requests',
  internal_application_mgt_view: 'Read applications',
  internal_application_mgt_create: 'Register applications',
  internal_application_mgt_update: 'Change applications and rotate their secrets',
  internal_application_mgt_delete: 'Delete applications',
  internal_org_audit_view: 'Read the audit log',
  internal_org_settings_view: "Read the organization's settings",
  internal_org_settings_update: "Change the organization's settings",
  internal_org_admin_mgt_view: 'Read administrators',
  internal_org_admin_mgt_create: 'Invite administrators',
  internal_org_admin_mgt_delete: 'Remove administrators',
} as const satisfies Record<string, string>;

export type ApiScope = keyof typeof SCOPE_DESCRIPTIONS;

/** In the server's order (the test above checks it). */
export const API_SCOPE_LIST = Object.keys(SCOPE_DESCRIPTIONS) as ApiScope[];
