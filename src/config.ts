// Configuration comes only from environment variables and is validated once, at boot.
// Every bad value is reported together, each with a message that says how to fix it.

import net from 'node:net';
import path from 'node:path';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  port: number;
  /** The URL people and clients use to reach this server, without a trailing slash. */
  publicUrl: string;
  dataDir: string;
  /** PostgreSQL when set; otherwise the embedded SQLite file in dataDir. */
  databaseUrl: string | undefined;
  smtpUrl: string | undefined;
  /** SMTP_URL=dev: the development mailbox, chosen on purpose. */
  devMailbox: boolean;
  /** NODE_ENV, which decides whether the development mailbox may be used unasked. */
  nodeEnv: string | undefined;
  redisUrl: string | undefined;
  logLevel: LogLevel;
  /**
   * Which peers may tell us the client's address, protocol and host (X-Forwarded-For/-Proto/-Host):
   * false (nobody, the default), a number of proxy hops, or addresses and CIDR ranges.
   * Handed to Fastify's trustProxy as it is.
   */
  trustProxy: TrustProxy;
}

export type TrustProxy = false | number | string[];

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** The SMTP_URL that asks for the development mailbox explicitly. */
export const DEV_MAILBOX = 'dev:';

const SECRET_BEARING = new Set(['DATABASE_URL', 'SMTP_URL', 'REDIS_URL']);

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

const TRUST_PROXY_ACCEPTS = 'a hop count (a positive whole number) or a comma-separated list of IP addresses or CIDR ranges, e.g. "10.0.0.0/8,127.0.0.1"';

/** An IPv4 or IPv6 address, optionally with a /prefix that fits its family. */
function isAddressOrCidr(value: string): boolean {
  const [address, prefix, ...rest] = value.split('/');
  const family = net.isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

function parseTrustProxy(value: string, problems: string[]): TrustProxy {
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops >= 1 && Number.isSafeInteger(hops)) return hops;
    problems.push(`TRUST_PROXY must be ${TRUST_PROXY_ACCEPTS}; leave it unset to trust no proxy (got "${value}")`);
    return false;
  }
  const entries = value.split(',').map((entry) => entry.trim());
  const invalid = entries.filter((entry) => !isAddressOrCidr(entry));
  if (invalid.length > 0) {
    problems.push(`TRUST_PROXY must be ${TRUST_PROXY_ACCEPTS} (not an address or CIDR: ${invalid.map((entry) => `"${entry}"`).join(', ')})`);
    return false;
  }
  return entries;
}

function parseUrl(name: string, value: string, protocols: string[], problems: string[]): URL | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // Connection URLs may carry a password: never echo them.
    const shown = SECRET_BEARING.has(name) ? 'a value that is not a URL' : `"${value}"`;
    problems.push(`${name} must be an absolute URL (got ${shown})`);
    return undefined;
  }
  if (!protocols.includes(url.protocol)) {
    problems.push(`${name} must use ${protocols.map((p) => p.replace(':', '')).join(' or ')} (got "${url.protocol.replace(':', '')}")`);
    return undefined;
  }
  return url;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const problems: string[] = [];

  let port = 3000;
  if (env.PORT !== undefined && env.PORT !== '') {
    const parsed = Number(env.PORT);
    if (!/^\d+$/.test(env.PORT) || parsed < 0 || parsed > 65535) {
      problems.push(`PORT must be a whole number from 0 to 65535 (got "${env.PORT}")`);
    } else {
      port = parsed;
    }
  }

  let publicUrl = `http://localhost:${port}`;
  if (env.PUBLIC_URL) {
    const url = parseUrl('PUBLIC_URL', env.PUBLIC_URL, ['http:', 'https:'], problems);
    if (url) {
      if (url.search || url.hash) problems.push('PUBLIC_URL must not have a query or fragment');
      else if (url.username || url.password) problems.push('PUBLIC_URL must not contain credentials');
      else publicUrl = url.href.replace(/\/+$/, '');
    }
  }

  const dataDir = path.resolve(cwd, env.DATA_DIR || 'data');

  let databaseUrl: string | undefined;
  if (env.DATABASE_URL) {
    if (parseUrl('DATABASE_URL', env.DATABASE_URL, ['postgres:', 'postgresql:'], problems)) databaseUrl = env.DATABASE_URL;
  }

  let smtpUrl: string | undefined;
  const devMailbox = env.SMTP_URL === DEV_MAILBOX;
  if (env.SMTP_URL && !devMailbox) {
    if (parseUrl('SMTP_URL', env.SMTP_URL, ['smtp:', 'smtps:'], problems)) smtpUrl = env.SMTP_URL;
  }

  let redisUrl: string | undefined;
  if (env.REDIS_URL) {
    if (parseUrl('REDIS_URL', env.REDIS_URL, ['redis:', 'rediss:'], problems)) redisUrl = env.REDIS_URL;
  }

  let logLevel: LogLevel = 'info';
  if (env.LOG_LEVEL) {
    const level = env.LOG_LEVEL.toLowerCase() as LogLevel;
    if (LOG_LEVELS.includes(level)) logLevel = level;
    else problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${env.LOG_LEVEL}")`);
  }

  // Unset: X-Forwarded-* headers are ignored and the client is the socket's peer.
  const trustProxy = env.TRUST_PROXY ? parseTrustProxy(env.TRUST_PROXY, problems) : false;

  if (problems.length > 0) throw new ConfigError(problems);
  return { port, publicUrl, dataDir, databaseUrl, smtpUrl, devMailbox, nodeEnv: env.NODE_ENV || undefined, redisUrl, logLevel, trustProxy };
}
