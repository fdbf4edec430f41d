// A User-Agent header told as a person reads it ("Chrome 131 on Linux, desktop"), through bowser
// (MIT; ua-parser-js 2 is AGPL). Parsed when shown, from the header recorded at use, so a better
// bowser release improves old sessions too.

import Bowser from 'bowser';

export interface DeviceDescription {
  /** "Chrome 131", or null when the header names no known browser. */
  browser: string | null;
  /** "Linux", "macOS 14.2", ... */
  os: string | null;
  /** desktop, mobile, tablet, tv, bot, or null when unknown. */
  deviceType: string | null;
}

const UNKNOWN: DeviceDescription = { browser: null, os: null, deviceType: null };

function joined(...parts: Array<string | undefined>): string | null {
  const text = parts.filter((p) => p && p.trim()).join(' ').trim();
  return text || null;
}

export function describeUserAgent(userAgent: string | null | undefined): DeviceDescription {
  if (!userAgent) return UNKNOWN;
  const parsed = Bowser.parse(userAgent);
  const major = parsed.browser.version?.split('.')[0];
  return {
    browser: parsed.browser.name ? joined(parsed.browser.name, major) : null,
    os: parsed.os.name ? joined(parsed.os.name, parsed.os.versionName ?? parsed.os.version) : null,
    deviceType: parsed.platform.type ?? null,
  };
}
