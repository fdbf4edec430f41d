// A minimal browser for protocol tests: follows redirects by hand, keeps cookies by name and
// path, and submits the hosted sign-in form. It stops at the first redirect that leaves the
// server (the relying party's redirect_uri) and returns it.

export interface PageResponse {
  status: number;
  url: string;
  location?: string;
  body: string;
}

interface Cookie {
  value: string;
  path: string;
}

export class TestBrowser {
  private readonly cookies = new Map<string, Cookie>();
  private readonly origin: string;
  private readonly stopAt: (url: URL) => boolean;
  private readonly headers: Record<string, string>;

  /**
   * `stopAt` marks same-origin URLs to stop before, such as a built-in app's callback;
   * `headers` go with every request (a User-Agent, an X-Forwarded-For through a trusted proxy).
   */
  constructor(baseUrl: string, options: { stopAt?: (url: URL) => boolean; headers?: Record<string, string> } = {}) {
    this.origin = new URL(baseUrl).origin;
    this.stopAt = options.stopAt ?? ((url) => /\/(console|myaccount)\/callback$/.test(url.pathname));
    this.headers = options.headers ?? {};
  }

  private cookieHeader(url: URL): string {
    return [...this.cookies.entries()]
      .filter(([, c]) => url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`) || c.path === '/')
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ');
  }

  private storeCookies(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const path = attributes.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
      const expired = attributes.some((a) => a.toLowerCase().startsWith('expires=') && new Date(a.slice(8)).getTime() < Date.now());
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, { value, path });
    }
  }

  /** One request, no redirect following. */
  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<PageResponse> {
    const target = new URL(url, this.origin);
    const headers: Record<string, string> = { ...this.headers, cookie: this.cookieHeader(target) };
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(target, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    this.storeCookies(response);
    return { status: response.status, url: target.href, location: response.headers.get('location') ?? undefined, body: await response.text() };
  }

  /** Follows redirects within the server; returns the last page, or the redirect that leaves. */
  async navigate(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<PageResponse> {
    let response = await this.request(url, init);
    for (let hops = 0; response.location && hops < 10; hops += 1) {
      const next = new URL(response.location, response.url);
      if (next.origin !== this.origin || this.stopAt(next)) return response;
      response = await this.request(next.href);
    }
    return response;
  }

  /** Opens an authorization URL and signs in on the hosted page. */
  async signIn(authorizationUrl: string, email: string, password: string): Promise<PageResponse> {
    const page = await this.navigate(authorizationUrl);
    if (!page.body.includes('name="password"')) return page;
    return this.submitSignIn(page, { email, password });
  }

  async submitSignIn(page: PageResponse, fields: Record<string, string>): Promise<PageResponse> {
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const action = /<form method="post" action="([^"]+)"/.exec(page.body)?.[1];
    if (!action) throw new Error(`No sign-in form on ${page.url}: ${page.body.slice(0, 200)}`);
    return this.navigate(new URL(action, page.url).href, { form: { csrf, ...fields } });
  }
}
