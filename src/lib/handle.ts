// An organization's handle is the `{org}` in every URL: lower-case letters, digits and single
// hyphens, so it never needs escaping and cannot collide with a path segment by case.

const HANDLE_SHAPE = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){1,38}[a-z0-9]$/;

export function isValidHandle(handle: string): boolean {
  return HANDLE_SHAPE.test(handle);
}

export const HANDLE_RULE = 'a handle is 3 to 40 lower-case letters, digits or single hyphens, starting and ending with a letter or digit';
