import { describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATES, MAIL_PURPOSES, assertHeaderSafeAddress, headerText, renderTemplate, validateTemplate } from './templates.ts';
import { backoffDelay } from './dispatcher.ts';

describe('mail templates', () => {
  it('has a default subject, text and HTML for every purpose, each naming the organization', () => {
    for (const purpose of MAIL_PURPOSES) {
      const template = DEFAULT_TEMPLATES[purpose];
      expect(template.subject).toContain('{{organizationName}}');
      expect(template.text.length).toBeGreaterThan(20);
      expect(template.html).toContain('<html>');
    }
  });

  it('substitutes values as they are into text and escaped into HTML', () => {
    const rendered = renderTemplate(DEFAULT_TEMPLATES.invitation, {
      organizationName: 'Acme & <Co>',
      name: '"Ann" <b>',
      email: 'ann@acme.test',
      link: 'https://id.acme.test/t/acme/password/set?token=abc&x="y"',
      expiresAt: '2026-11-28 10:00 UTC',
    });
    expect(rendered.text).toContain('Hello "Ann" <b>,');
    expect(rendered.text).toContain('https://id.acme.test/t/acme/password/set?token=abc&x="y"');
    expect(rendered.html).toContain('Hello &quot;Ann&quot; &lt;b&gt;,');
    expect(rendered.html).toContain('href="https://id.acme.test/t/acme/password/set?token=abc&amp;x=&quot;y&quot;"');
    expect(rendered.html).not.toContain('<b>');
    expect(rendered.subject).toBe('You are invited to Acme & <Co>');
  });

  it('keeps subjects on one line whatever the values hold', () => {
    const rendered = renderTemplate({ subject: 'Hi {{name}}', text: '', html: '' }, { name: 'Eve\r\nBcc: evil@x.test\u2028X: y' });
    expect(rendered.subject).toBe('Hi Eve Bcc: evil@x.test X: y');
    expect(headerText('a\n\n\tb')).toBe('a b');
  });

  it('refuses recipients that are not one plain address', () => {
    expect(() => assertHeaderSafeAddress('ann@acme.test')).not.toThrow();
    for (const bad of ['ann@acme.test\r\nBcc: x@y.test', 'ann@acme.test, x@y.test', '<ann@acme.test>', 'ann acme.test']) {
      expect(() => assertHeaderSafeAddress(bad), bad).toThrow();
    }
  });

  it('validates overrides: single-line subject, known placeholders, sizes', () => {
    expect(validateTemplate({ subject: 'Welcome to {{organizationName}}', text: '{{link}}', html: '<p>{{link}}</p>' })).toMatchObject({ subject: 'Welcome to {{organizationName}}' });
    expect(() => validateTemplate({ subject: 'a\nb', text: 'x', html: 'y' })).toThrow(/single line/);
    expect(() => validateTemplate({ subject: 'a', text: '{{password}}', html: 'y' })).toThrow(/unknown placeholder \{\{password\}\}/);
    expect(() => validateTemplate({ subject: 'a', text: 'x'.repeat(20_001), html: 'y' })).toThrow(/at most/);
    expect(() => validateTemplate({ subject: 'a' })).toThrow(/text is required; html is required/);
  });
});

describe('dispatcher backoff', () => {
  it('doubles from the first delay up to the cap', () => {
    const options = { backoffMs: 30_000, maxBackoffMs: 3_600_000 };
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, options))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(backoffDelay(20, options)).toBe(3_600_000);
  });
});
