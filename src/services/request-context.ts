// Who is acting and from where: passed from routes into services for the audit trail, so
// services never see a request object.

import type { AuditEvent } from '../repos/audit-repo.ts';

export interface Actor {
  type: AuditEvent['actorType'];
  id?: string;
}

export interface RequestContext {
  actor: Actor;
  requestId?: string;
  clientIp?: string;
  /**
   * The caller acts on their own account through /Me (which asks for the current password),
   * from the browser session `sessionUid` when their token came from one.
   */
  selfService?: { sessionUid?: string };
}

export const SYSTEM_CONTEXT: RequestContext = { actor: { type: 'system' } };

export function auditFields(ctx: RequestContext) {
  return { actorType: ctx.actor.type, actorId: ctx.actor.id ?? null, requestId: ctx.requestId ?? null, clientIp: ctx.clientIp ?? null };
}
