// Request logs are JSON with the request id on every line (Fastify's child logger), and
// never carry a secret: query values are dropped from logged URLs (links carry tokens there,
// authorization responses carry codes), and credential headers are redacted.

import type { FastifyServerOptions } from 'fastify';
import type { LogLevel } from './config.ts';
import type { LogDestination } from './log-destination.ts';

/** `/t/acme/password/set?token=abc` becomes `/t/acme/password/set?token=[redacted]`. */
export function redactUrl(url: string | undefined): string | undefined {
  if (!url) return url;
  const q = url.indexOf('?');
  if (q === -1) return url;
  const names = url
    .slice(q + 1)
    .split('&')
    .filter(Boolean)
    .map((pair) => `${pair.split('=')[0]}=[redacted]`);
  return `${url.slice(0, q)}?${names.join('&')}`;
}

/** `destination`: where lines go; pino's own synchronous stdout when omitted (tests, benchmarks). */
export function loggerOptions(level: LogLevel, destination?: LogDestination): FastifyServerOptions['logger'] {
  return {
    level,
    ...(destination ? { stream: destination } : {}),
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', 'password', '*.password', 'token', '*.token'],
      censor: '[redacted]',
    },
    serializers: {
      req(request: { method: string; url?: string; ip?: string; headers?: Record<string, unknown> }) {
        return { method: request.method, url: redactUrl(request.url), remoteAddress: request.ip, userAgent: request.headers?.['user-agent'] };
      },
    },
  };
}
