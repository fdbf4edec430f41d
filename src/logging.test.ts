import { describe, expect, it } from 'vitest';
import { loggerOptions, redactUrl } from './logging.ts';

describe('redactUrl', () => {
  it('passes through empty and missing values', () => {
    expect(redactUrl(undefined)).toBeUndefined();
    expect(redactUrl('')).toBe('');
  });

  it('leaves a URL without a query alone', () => {
    expect(redactUrl('/t/acme/oauth2/authorize')).toBe('/t/acme/oauth2/authorize');
  });

  it('keeps parameter names and hides every value', () => {
    expect(redactUrl('/t/acme/password/set?token=abc')).toBe('/t/acme/password/set?token=[redacted]');
    expect(redactUrl('/t/acme/oauth2/callback?code=s3cret&state=xyz&iss=https%3A%2F%2Fa')).toBe(
      '/t/acme/oauth2/callback?code=[redacted]&state=[redacted]&iss=[redacted]',
    );
  });

  it('handles values containing "=", bare names, empty pairs and an empty query', () => {
    expect(redactUrl('/x?jwt=a.b=c==')).toBe('/x?jwt=[redacted]');
    expect(redactUrl('/x?flag&b=2')).toBe('/x?flag=[redacted]&b=[redacted]');
    expect(redactUrl('/x?&&a=1&')).toBe('/x?a=[redacted]');
    expect(redactUrl('/x?')).toBe('/x?');
  });

  it('never lets a value through', () => {
    const secret = 'Zm9vYmFyYmF6cXV4';
    const out = redactUrl(`/t/acme/verify?a=1&token=${secret}&b=${secret}&token=${secret}`)!;
    expect(out).not.toContain(secret);
    expect(out).not.toContain('=1');
  });
});

describe('loggerOptions', () => {
  it('sets the level and redacts credential headers and password/token fields', () => {
    const options = loggerOptions('warn') as { level: string; redact: { paths: string[]; censor: string } };
    expect(options.level).toBe('warn');
    expect(options.redact.censor).toBe('[redacted]');
    expect(options.redact.paths).toEqual(
      expect.arrayContaining(['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', 'password', 'token']),
    );
  });

  it('serializes a request with its URL redacted and without headers beyond the user agent', () => {
    const options = loggerOptions('info') as { serializers: { req: (r: unknown) => Record<string, unknown> } };
    const logged = options.serializers.req({
      method: 'GET',
      url: '/t/acme/password/set?token=abc',
      ip: '203.0.113.5',
      headers: { 'user-agent': 'curl/8', authorization: 'Bearer abc', cookie: 'sid=abc' },
    });
    expect(logged).toEqual({ method: 'GET', url: '/t/acme/password/set?token=[redacted]', remoteAddress: '203.0.113.5', userAgent: 'curl/8' });
    expect(JSON.stringify(logged)).not.toContain('abc');
  });
});
