// Configuration comes only from environment variables and is validated once, at boot.
// Every bad value is reported together, each with a message that says how to fix it.

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
}

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

  if (problems.length > 0) throw new ConfigError(problems);
  return { port, publicUrl, dataDir, databaseUrl, smtpUrl, devMailbox, nodeEnv: env.NODE_ENV || undefined, redisUrl, logLevel };
}
