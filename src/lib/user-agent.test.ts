import { describe, expect, it } from 'vitest';
import { describeUserAgent } from './user-agent.ts';

describe('describeUserAgent', () => {
  it('names the browser with its major version, the system and the kind of device', () => {
    const chrome = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.85 Safari/537.36';
    expect(describeUserAgent(chrome)).toEqual({ browser: 'Chrome 131', os: 'Linux', deviceType: 'desktop' });
    const iphone = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1';
    expect(describeUserAgent(iphone)).toMatchObject({ browser: 'Safari 17', deviceType: 'mobile' });
    expect(describeUserAgent(iphone).os).toMatch(/^iOS/);
  });

  it('says nothing rather than guessing for a missing or unknown header', () => {
    expect(describeUserAgent(undefined)).toEqual({ browser: null, os: null, deviceType: null });
    expect(describeUserAgent('curl-like/1')).toMatchObject({ browser: null });
  });
});
