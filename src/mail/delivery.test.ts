// Attack pinned (issue 10 item 6): a node started without SMTP_URL on a shared PostgreSQL
// published every organization's mails at /dev/mailbox. The development mailbox is now used only
// on purpose, and a server on PostgreSQL without SMTP_URL refuses to start.

import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { isLoopbackUrl, mailDelivery, mailStartupProblem } from './delivery.ts';

const config = (env: Record<string, string>) => loadConfig(env, '/tmp');

describe('mail delivery', () => {
  it('uses SMTP whenever SMTP_URL is a server', () => {
    expect(mailDelivery(config({ SMTP_URL: 'smtp://mail:25', DATABASE_URL: 'postgres://db/x' }))).toBe('smtp');
  });

  it('uses the development mailbox unasked only on the embedded database, a loopback URL, outside production', () => {
    expect(mailDelivery(config({}))).toBe('development');
    expect(mailDelivery(config({ PUBLIC_URL: 'http://127.0.0.1:3000' }))).toBe('development');
    expect(mailDelivery(config({ PUBLIC_URL: 'https://id.example.com' }))).toBe('none');
    expect(mailDelivery(config({ NODE_ENV: 'production' }))).toBe('none');
    expect(mailDelivery(config({ DATABASE_URL: 'postgres://db/x' }))).toBe('none');
  });

  it('uses the development mailbox anywhere when SMTP_URL=dev: asks for it', () => {
    expect(mailDelivery(config({ SMTP_URL: 'dev:', DATABASE_URL: 'postgres://db/x', PUBLIC_URL: 'https://id.example.com' }))).toBe('development');
  });

  it('refuses to start on PostgreSQL without SMTP_URL, saying what to set', () => {
    expect(mailStartupProblem(config({ DATABASE_URL: 'postgres://db/x' }))).toMatch(/SMTP_URL is not set.*smtp:\/\/.*SMTP_URL=dev:/);
    expect(mailStartupProblem(config({ DATABASE_URL: 'postgres://db/x', SMTP_URL: 'dev:' }))).toBeUndefined();
    expect(mailStartupProblem(config({ PUBLIC_URL: 'https://id.example.com' }))).toBeUndefined();
  });

  it('knows loopback hosts', () => {
    expect(['http://localhost:3000', 'http://127.0.0.1', 'http://127.5.0.1:8', 'http://[::1]:3000'].map(isLoopbackUrl)).toEqual([true, true, true, true]);
    expect(['http://10.0.0.1', 'https://localhost.example.com', 'http://0.0.0.0'].map(isLoopbackUrl)).toEqual([false, false, false]);
  });
});
