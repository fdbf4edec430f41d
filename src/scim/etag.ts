// Resource versions as weak ETags (RFC 7644 section 3.14): W/"<version>".

export function weakEtag(version: number): string {
  return `W/"${version}"`;
}

/**
 * The version an If-Match header asks for: undefined when there is no header or it is `*`;
 * NaN when it names no version of ours (so it can never match).
 */
export function versionFromIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return undefined;
  const match = /^(?:W\/)?"(\d+)"$/.exec(value);
  return match ? Number(match[1]) : Number.NaN;
}
