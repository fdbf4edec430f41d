// The Console describes each API scope a machine-to-machine application may be granted. It
// keeps its own list (the UI never imports server code), so this test holds the two together:
// a scope the server adds must be described in the Console, in the same order.

import { describe, expect, it } from 'vitest';
import { API_SCOPES } from '../../src/oidc/scopes.ts';
import { API_SCOPE_LIST, SCOPE_DESCRIPTIONS } from '../../ui/src/console/pages/applications/scope-descriptions.ts';

describe("the Console's scope list", () => {
  it("is the server's, in its order, each with a description", () => {
    expect(API_SCOPE_LIST).toEqual([...API_SCOPES]);
    for (const scope of API_SCOPE_LIST) expect(SCOPE_DESCRIPTIONS[scope].length).toBeGreaterThan(5);
  });
});
