// oidc-provider's storage adapter, backed by the oidc_payloads table and scoped to one
// organization. Clients are not stored here: they are the organization's applications,
// mapped to client metadata by `client-metadata.ts`.

import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import type { Repos } from '../repos/index.ts';
import type { Clock } from '../lib/clock.ts';
import { clientMetadata, type ClientContext } from './client-metadata.ts';
import { forget, forgetAll, memoized } from './request-cache.ts';
import { currentRequestOrigin } from './request-origin.ts';

/** The request-cache key of a stored model's payload (see request-cache.ts). */
export const payloadCacheKey = (model: string, id: string) => `${model}:${id}`;

export function createAdapterFactory(deps: { repos: Repos; clock: Clock; orgId: string; clientContext: ClientContext }) {
  const { repos, clock, orgId, clientContext } = deps;

  function clientAdapter(): Adapter {
    const unsupported = async () => {
      throw new Error('Clients are managed as applications, not through the OIDC adapter');
    };
    return {
      find: (id: string) =>
        memoized(`client:${id}`, async () => {
          const found = await repos.credentials.findClientForAuthentication(orgId, id);
          if (!found) return undefined;
          return clientMetadata(found.application, found.clientSecretHash ?? undefined, clientContext) as unknown as AdapterPayload;
        }),
      upsert: unsupported,
      findByUid: unsupported,
      findByUserCode: unsupported,
      consume: unsupported,
      destroy: unsupported,
      revokeByGrantId: unsupported,
    };
  }

  function modelAdapter(model: string): Adapter {
    // A copy each time: a memoized read must not share an object the provider may change.
    // An ended session is only a marker (see destroy): to the provider it does not exist, so a
    // browser still carrying its cookie gets a new session with a new id.
    const present = (stored: { payload: Record<string, unknown>; consumed: boolean } | undefined) =>
      stored && !(stored.consumed && model === 'Session')
        ? (structuredClone(stored.consumed ? { ...stored.payload, consumed: true } : stored.payload) as AdapterPayload)
        : undefined;
    return {
      async upsert(id, payload, expiresIn) {
        forget(payloadCacheKey(model, id));
        if (payload.uid) forget(`${model}:uid:${payload.uid}`);
        // The provider saves a session on every browser request that carries it: the moment
        // and the place it was last used.
        const origin = model === 'Session' ? currentRequestOrigin() : undefined;
        await repos.oidcPayloads.upsert(orgId, model, id, {
          payload: payload as Record<string, unknown>,
          grantId: payload.grantId,
          userCode: payload.userCode,
          uid: payload.uid,
          accountId: payload.accountId,
          clientId: payload.clientId,
          expiresAt: expiresIn ? new Date(clock.now().getTime() + expiresIn * 1000) : null,
          seen: origin && { ...origin, at: clock.now() },
        });
      },
      // A request often reads the same session or interaction more than once; writes forget it.
      find: async (id) => present(await memoized(payloadCacheKey(model, id), () => repos.oidcPayloads.find(orgId, model, id, clock.now()))),
      findByUid: async (uid) => present(await memoized(`${model}:uid:${uid}`, () => repos.oidcPayloads.findByUid(orgId, model, uid, clock.now()))),
      findByUserCode: async (userCode) => present(await repos.oidcPayloads.findByUserCode(orgId, model, userCode, clock.now())),
      // The provider reads a code or refresh token, checks it is unused, then consumes it: two
      // parallel requests can both pass the check. Only the one whose conditional write wins
      // goes on; the other is a reuse, and reuse revokes the whole grant (RFC 6749 4.1.2,
      // RFC 9700 4.14.2), so the winner's tokens die with it.
      async consume(id) {
        forget(payloadCacheKey(model, id));
        if (await repos.oidcPayloads.consume(orgId, model, id, clock.now())) return;
        const grantId = await repos.oidcPayloads.findGrantId(orgId, model, id);
        forgetAll();
        if (grantId) await repos.oidcPayloads.revokeGrant(orgId, grantId);
        throw new errors.InvalidGrant(`${model === 'RefreshToken' ? 'refresh token' : 'authorization code'} already used`);
      },
      // A destroyed session's uid entry may be memoized too: forget everything. A session is
      // ended, not deleted, so that a request that read it before cannot save it back.
      destroy: (id) => (forgetAll(), model === 'Session' ? repos.oidcPayloads.endSession(orgId, id, clock.now()) : repos.oidcPayloads.destroy(orgId, model, id)),
      revokeByGrantId: (grantId) => (forgetAll(), repos.oidcPayloads.revokeByGrantId(orgId, grantId)),
    };
  }

  return (model: string): Adapter => (model === 'Client' ? clientAdapter() : modelAdapter(model));
}
