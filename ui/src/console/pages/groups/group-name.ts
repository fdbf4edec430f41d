// What the server requires of a group's name (src/services/group-service.ts), checked before
// sending so the person hears about it at once. Uniqueness only the server can tell.

export const MAX_GROUP_NAME = 256;

export function groupNameError(name: string): string | undefined {
  const trimmed = name.trim();
  if (!trimmed) return 'Enter a name for the group';
  if (trimmed.length > MAX_GROUP_NAME) return `A group name has at most ${MAX_GROUP_NAME} characters`;
  return undefined;
}
