import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const CWD = path.resolve('/srv/tessera');

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, CWD);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('has working defaults for an empty environment', () => {
    expect(loadConfig({}, CWD)).toEqual({
      port: 3000,
      publicUrl: 'http://localhost:3000',
      dataDir: path.join(CWD, 'data'),
      databaseUrl: undefined,
      smtpUrl: undefined,
      devMailbox: false,
      nodeEnv: undefined,
      redisUrl: undefined,
      logLevel: 'info',
      trustProxy: false,
    });
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ PORT: '', PUBLIC_URL: '', DATA_DIR: '', DATABASE_URL: '', SMTP_URL: '', REDIS_URL: '', LOG_LEVEL: '', TRUST_PROXY: '' }, CWD)).toEqual(
      loadConfig({}, CWD),
    );
  });

  it('reads every variable when valid', () => {
    const config = loadConfig(
      {
        PORT: '8080',
        PUBLIC_URL: 'https://id.example.com',
        DATA_DIR: '/var/lib/tessera',
        DATABASE_URL: 'postgres://tessera:pw@db:5432/tessera',
        SMTP_URL: 'smtps://mailer:pw@smtp.example.com:465',
        REDIS_URL: 'rediss://cache:6380',
        LOG_LEVEL: 'warn',
        TRUST_PROXY: '10.0.0.0/8,127.0.0.1',
      },
      CWD,
    );
    expect(config).toEqual({
      port: 8080,
      publicUrl: 'https://id.example.com',
      dataDir: path.resolve('/var/lib/tessera'),
      databaseUrl: 'postgres://tessera:pw@db:5432/tessera',
      smtpUrl: 'smtps://mailer:pw@smtp.example.com:465',
      devMailbox: false,
      nodeEnv: undefined,
      redisUrl: 'rediss://cache:6380',
      logLevel: 'warn',
      trustProxy: ['10.0.0.0/8', '127.0.0.1'],
    });
  });

  describe('PORT', () => {
    it('derives the default PUBLIC_URL from the port', () => {
      expect(loadConfig({ PORT: '4000' }, CWD)).toMatchObject({ port: 4000, publicUrl: 'http://localhost:4000' });
    });

    it('accepts the bounds 0 and 65535', () => {
      expect(loadConfig({ PORT: '0' }, CWD).port).toBe(0);
      expect(loadConfig({ PORT: '65535' }, CWD).port).toBe(65535);
    });

    it.each(['abc', '-1', '65536', '3.5', ' 80', '80 ', '1e3', '0x50'])('refuses %j with a message that says the range', (value) => {
      expect(problemsOf({ PORT: value })).toEqual([`PORT must be a whole number from 0 to 65535 (got "${value}")`]);
    });
  });

  describe('PUBLIC_URL', () => {
    it('drops trailing slashes and keeps a path', () => {
      expect(loadConfig({ PUBLIC_URL: 'https://id.example.com/' }, CWD).publicUrl).toBe('https://id.example.com');
      expect(loadConfig({ PUBLIC_URL: 'https://example.com/tessera//' }, CWD).publicUrl).toBe('https://example.com/tessera');
      expect(loadConfig({ PUBLIC_URL: 'http://127.0.0.1:3000' }, CWD).publicUrl).toBe('http://127.0.0.1:3000');
    });

    it('refuses a relative or malformed URL', () => {
      expect(problemsOf({ PUBLIC_URL: 'id.example.com' })).toEqual(['PUBLIC_URL must be an absolute URL (got "id.example.com")']);
    });

    it('refuses a scheme other than http or https', () => {
      expect(problemsOf({ PUBLIC_URL: 'ftp://id.example.com' })).toEqual(['PUBLIC_URL must use http or https (got "ftp")']);
    });

    it('refuses a query or fragment', () => {
      expect(problemsOf({ PUBLIC_URL: 'https://id.example.com/?a=1' })).toEqual(['PUBLIC_URL must not have a query or fragment']);
      expect(problemsOf({ PUBLIC_URL: 'https://id.example.com/#top' })).toEqual(['PUBLIC_URL must not have a query or fragment']);
    });

    it('refuses credentials', () => {
      expect(problemsOf({ PUBLIC_URL: 'https://user:pw@id.example.com' })).toEqual(['PUBLIC_URL must not contain credentials']);
    });
  });

  describe('DATA_DIR', () => {
    it('resolves a relative directory against the working directory', () => {
      expect(loadConfig({ DATA_DIR: 'state/db' }, CWD).dataDir).toBe(path.join(CWD, 'state/db'));
    });
  });

  describe('DATABASE_URL', () => {
    it('accepts postgres and postgresql', () => {
      expect(loadConfig({ DATABASE_URL: 'postgresql://db/x' }, CWD).databaseUrl).toBe('postgresql://db/x');
    });

    it('refuses other schemes and malformed values', () => {
      expect(problemsOf({ DATABASE_URL: 'mysql://db/x' })).toEqual(['DATABASE_URL must use postgres or postgresql (got "mysql")']);
      expect(problemsOf({ DATABASE_URL: 'db:5432' })).toEqual(['DATABASE_URL must use postgres or postgresql (got "db")']);
      expect(problemsOf({ DATABASE_URL: 'not a url' })).toEqual(['DATABASE_URL must be an absolute URL (got a value that is not a URL)']);
    });

    it('never echoes a connection string that fails to parse: it may hold a password', () => {
      const problems = problemsOf({ DATABASE_URL: 'postgres://tessera:s3cret@[db', SMTP_URL: 'smtp://u:hunter2@[mail', REDIS_URL: 'redis://:pw0rd@[r' });
      expect(problems.join(' ')).not.toMatch(/s3cret|hunter2|pw0rd/);
      expect(problems).toHaveLength(3);
    });
  });

  describe('SMTP_URL', () => {
    it('accepts smtp and smtps', () => {
      expect(loadConfig({ SMTP_URL: 'smtp://localhost:1025' }, CWD).smtpUrl).toBe('smtp://localhost:1025');
    });

    it('refuses other schemes', () => {
      expect(problemsOf({ SMTP_URL: 'http://mail' })).toEqual(['SMTP_URL must use smtp or smtps (got "http")']);
    });

    it('takes dev: as the development mailbox chosen on purpose', () => {
      expect(loadConfig({ SMTP_URL: 'dev:' }, CWD)).toMatchObject({ smtpUrl: undefined, devMailbox: true });
    });
  });

  describe('REDIS_URL', () => {
    it('accepts redis and rediss', () => {
      expect(loadConfig({ REDIS_URL: 'redis://localhost:6379/0' }, CWD).redisUrl).toBe('redis://localhost:6379/0');
    });

    it('refuses other schemes', () => {
      expect(problemsOf({ REDIS_URL: 'memcached://cache' })).toEqual(['REDIS_URL must use redis or rediss (got "memcached")']);
    });
  });

  describe('LOG_LEVEL', () => {
    it('accepts every level, in any case', () => {
      for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) {
        expect(loadConfig({ LOG_LEVEL: level.toUpperCase() }, CWD).logLevel).toBe(level);
      }
    });

    it('refuses an unknown level, listing the allowed ones', () => {
      expect(problemsOf({ LOG_LEVEL: 'verbose' })).toEqual([
        'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "verbose")',
      ]);
    });
  });

  describe('TRUST_PROXY', () => {
    const ACCEPTED = 'a hop count (a positive whole number) or a comma-separated list of IP addresses or CIDR ranges, e.g. "10.0.0.0/8,127.0.0.1"';

    it('trusts no proxy when unset', () => {
      expect(loadConfig({}, CWD).trustProxy).toBe(false);
    });

    it('reads a hop count', () => {
      expect(loadConfig({ TRUST_PROXY: '1' }, CWD).trustProxy).toBe(1);
      expect(loadConfig({ TRUST_PROXY: '3' }, CWD).trustProxy).toBe(3);
    });

    it('reads addresses and CIDR ranges of both families, spaces around commas allowed', () => {
      expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1 ,::1,fd00::/8,192.168.1.7/32' }, CWD).trustProxy).toEqual([
        '10.0.0.0/8',
        '127.0.0.1',
        '::1',
        'fd00::/8',
        '192.168.1.7/32',
      ]);
    });

    it.each(['0', '00'])('refuses the hop count %j, saying that unset trusts nobody', (value) => {
      expect(problemsOf({ TRUST_PROXY: value })).toEqual([`TRUST_PROXY must be ${ACCEPTED}; leave it unset to trust no proxy (got "${value}")`]);
    });

    it.each([
      ['true', '"true"'],
      ['-1', '"-1"'],
      ['1.5', '"1.5"'],
      ['proxy.internal', '"proxy.internal"'],
      ['10.0.0.0/33', '"10.0.0.0/33"'],
      ['::1/129', '"::1/129"'],
      ['10.0.0.0/8/8', '"10.0.0.0/8/8"'],
      ['10.0.0.0/', '"10.0.0.0/"'],
      ['256.0.0.1', '"256.0.0.1"'],
      ['10.0.0.1,,10.0.0.2', '""'],
      ['127.0.0.1,loopback,10.0.0.0/x', '"loopback", "10.0.0.0/x"'],
    ])('refuses %j, naming the entries that are not addresses and what is accepted', (value, shown) => {
      expect(problemsOf({ TRUST_PROXY: value })).toEqual([`TRUST_PROXY must be ${ACCEPTED} (not an address or CIDR: ${shown})`]);
    });
  });

  it('reports every problem together, in one error that lists them all', () => {
    const env = { PORT: 'http', PUBLIC_URL: 'ftp://x', DATABASE_URL: 'mysql://db', SMTP_URL: 'x', REDIS_URL: 'http://r', LOG_LEVEL: 'loud', TRUST_PROXY: 'everyone' };
    let error: unknown;
    try {
      loadConfig(env, CWD);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.name).toBe('ConfigError');
    expect(configError.problems).toEqual([
      'PORT must be a whole number from 0 to 65535 (got "http")',
      'PUBLIC_URL must use http or https (got "ftp")',
      'DATABASE_URL must use postgres or postgresql (got "mysql")',
      'SMTP_URL must be an absolute URL (got a value that is not a URL)',
      'REDIS_URL must use redis or rediss (got "http")',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
      'TRUST_PROXY must be a hop count (a positive whole number) or a comma-separated list of IP addresses or CIDR ranges, e.g. "10.0.0.0/8,127.0.0.1" (not an address or CIDR: "everyone")',
    ]);
    expect(configError.message.split('\n')).toEqual(['Invalid configuration:', ...configError.problems.map((p) => `  - ${p}`)]);
  });
});
