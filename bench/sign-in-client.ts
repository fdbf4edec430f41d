// A browserless sign-in flow for the benchmarks: what a single-page application and its user do,
// minus the browser (authorize, the sign-in page, the form, the redirects, the token exchange),
// with cookies kept by hand, one jar per flow. Used by bench/sign-in.ts and
// bench/health-under-burst.ts.

import crypto from 'node:crypto';
import http from 'node:http';

export const ORG = 'bench';
export const EMAIL = 'owner@bench.test';
export const PASSWORD = 'correct horse battery staple 42';
/** Who signs in, and (with TRUST_PROXY on the server) from which client address. */
export interface SignInAs {
  email: string;
  password: string;
  clientIp?: string;
}

export const REDIRECT_URI = 'https://spa.bench.test/callback';
const SCOPE = 'openid profile email';
const DEFAULT_USER: SignInAs = { email: EMAIL, password: PASSWORD };

// ---------------------------------------------------------------------------------------------
// A minimal HTTP client and cookie jar

interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface Cookie {
  name: string;
  value: string;
  path: string;
}

/** One browser's cookies for one host, as RFC 6265 stores and sends them (name, value, path). */
class CookieJar {
  private readonly cookies = new Map<string, Cookie>();

  /** Stores the Set-Cookie headers of a response to a request for `requestPath`. */
  store(setCookie: string[] | undefined, requestPath: string): void {
    for (const header of setCookie ?? []) {
      const [pair, ...attributes] = header.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let cookiePath: string | undefined;
      let expired = false;
      for (const attribute of attributes) {
        const [rawKey, ...rest] = attribute.split('=');
        const key = rawKey.trim().toLowerCase();
        const attributeValue = rest.join('=').trim();
        if (key === 'path' && attributeValue.startsWith('/')) cookiePath = attributeValue;
        else if (key === 'max-age' && Number(attributeValue) <= 0) expired = true;
        else if (key === 'expires' && Date.parse(attributeValue) <= Date.now()) expired = true;
      }
      cookiePath ??= defaultPath(requestPath);
      const key = `${cookiePath}\u0000${name}`;
      if (expired) this.cookies.delete(key);
      else this.cookies.set(key, { name, value, path: cookiePath });
    }
  }

  /** The Cookie header for a request to `requestPath`, longest paths first. */
  header(requestPath: string): string | undefined {
    const matching = [...this.cookies.values()].filter((c) => pathMatches(requestPath, c.path)).sort((a, b) => b.path.length - a.path.length);
    return matching.length ? matching.map((c) => `${c.name}=${c.value}`).join('; ') : undefined;
  }

  names(): string[] {
    return [...this.cookies.values()].map((c) => `${c.name} (path ${c.path})`);
  }
}

function defaultPath(requestPath: string): string {
  const slash = requestPath.lastIndexOf('/');
  return slash <= 0 ? '/' : requestPath.slice(0, slash);
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

class FlowError extends Error {}

export function createClient(baseUrl: string, maxSockets: number) {
  const base = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets });

  let trace: ((line: string) => void) | undefined;

  function send(method: 'GET' | 'POST', pathAndQuery: string, jar: CookieJar, form?: Record<string, string>, forwardedFor?: string): Promise<Response> {
    const requestPath = pathAndQuery.split('?')[0];
    const body = form ? new URLSearchParams(form).toString() : undefined;
    const headers: http.OutgoingHttpHeaders = { accept: 'text/html,application/json' };
    // Each simulated user from an address of their own, through a proxy the server trusts.
    if (forwardedFor) headers['x-forwarded-for'] = forwardedFor;
    const cookie = jar.header(requestPath);
    if (cookie) headers.cookie = cookie;
    if (body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = Buffer.byteLength(body);
    }
    return new Promise((resolve, reject) => {
      const request = http.request({ host: base.hostname, port: base.port, method, path: pathAndQuery, headers, agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          jar.store(response.headers['set-cookie'], requestPath);
          trace?.(
            `${method} ${pathAndQuery.slice(0, 90)} [cookie: ${cookie ? cookie.split('; ').map((c) => c.split('=')[0]).join(', ') : '-'}] -> ${response.statusCode}` +
              `${response.headers.location ? ` location ${response.headers.location.slice(0, 90)}` : ''}` +
              `${response.headers['set-cookie'] ? `\n    set-cookie ${response.headers['set-cookie'].map((c) => c.replace(/=[^;]*/, '=…')).join('\n    set-cookie ')}` : ''}`,
          );
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') });
        });
        response.on('error', reject);
      });
      request.on('error', reject);
      request.end(body);
    });
  }

  function expect(response: Response, status: number, step: string): void {
    if (response.status !== status) {
      throw new FlowError(`${step}: expected ${status}, got ${response.status}: ${response.body.slice(0, 300)} (location: ${response.headers.location ?? '-'})`);
    }
  }

  /** A Location header as an absolute URL (the provider may send a path). */
  function location(response: Response, step: string): URL {
    const value = response.headers.location;
    if (!value) throw new FlowError(`${step}: ${response.status} without a Location header`);
    return new URL(value, base);
  }

  return {
    agent,
    /** Flows completed so far, warm-up included. */
    completed: 0,
    /** One complete sign-in flow; returns the number of HTTP requests it made. */
    async signIn(clientId: string, log?: (line: string) => void, as?: SignInAs): Promise<number> {
      trace = log;
      try {
        const requests = await flow(clientId, as);
        this.completed++;
        return requests;
      } finally {
        trace = undefined;
      }
    },
  };

  async function flow(clientId: string, as: SignInAs = DEFAULT_USER): Promise<number> {
    const call = (method: 'GET' | 'POST', pathAndQuery: string, jar: CookieJar, form?: Record<string, string>) => send(method, pathAndQuery, jar, form, as.clientIp);
      const jar = new CookieJar();
      const verifier = crypto.randomBytes(32).toString('base64url');
      const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
      const state = crypto.randomBytes(16).toString('base64url');
      const nonce = crypto.randomBytes(16).toString('base64url');
      let requests = 0;

      const authorize = new URL(`/t/${ORG}/oauth2/authorize`, base);
      authorize.search = new URLSearchParams({
        client_id: clientId,
        response_type: 'code',
        redirect_uri: REDIRECT_URI,
        scope: SCOPE,
        state,
        nonce,
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }).toString();
      const started = await call('GET', authorize.pathname + authorize.search, jar);
      requests++;
      expect(started, 303, 'authorize');
      const loginUrl = location(started, 'authorize');
      if (loginUrl.origin !== base.origin || !loginUrl.pathname.startsWith(`/t/${ORG}/login/`)) {
        throw new FlowError(`authorize: redirected to ${loginUrl.href}, not to the sign-in page`);
      }

      const page = await call('GET', loginUrl.pathname + loginUrl.search, jar);
      requests++;
      expect(page, 200, 'sign-in page');
      const csrf = /<input type="hidden" name="csrf" value="([^"]*)">/.exec(page.body)?.[1];
      if (!csrf) throw new FlowError(`sign-in page: no csrf field in ${page.body.slice(0, 300)}`);

      let response = await call('POST', loginUrl.pathname, jar, { email: as.email, password: as.password, csrf });
      requests++;
      let step = 'sign-in form';
      let next = location(response, step);
      if (response.status !== 303 && response.status !== 302) expect(response, 303, step);
      // Follow the provider's redirects until one leaves for the application.
      for (let hops = 0; next.origin === base.origin; hops++) {
        if (hops >= 5) throw new FlowError(`too many redirects, last to ${next.href}`);
        step = `redirect ${hops + 1} (${next.pathname})`;
        response = await call('GET', next.pathname + next.search, jar);
        requests++;
        if (response.status !== 303 && response.status !== 302) expect(response, 303, step);
        next = location(response, step);
      }
      if (`${next.origin}${next.pathname}` !== REDIRECT_URI) throw new FlowError(`${step}: redirected to ${next.href}, not to the redirect_uri`);
      const code = next.searchParams.get('code');
      if (!code) throw new FlowError(`${step}: no code in ${next.href}`);
      if (next.searchParams.get('state') !== state) throw new FlowError(`${step}: state mismatch in ${next.href}`);

      const token = await call('POST', `/t/${ORG}/oauth2/token`, new CookieJar(), {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        client_id: clientId,
        code_verifier: verifier,
      });
      requests++;
      expect(token, 200, 'token');
      const tokens = JSON.parse(token.body) as { access_token?: string; id_token?: string };
      if (!tokens.access_token || !tokens.id_token) throw new FlowError(`token: no access_token or id_token in ${token.body.slice(0, 300)}`);
      trace?.(`jar at the end: ${jar.names().join(', ')}`);
      return requests;
  }
}

