// Serves the Console and My Account: the built bundle's assets under /ui/, and index.html for
// every path below /t/{org}/console/ and /t/{org}/myaccount/ with that organization's settings
// written into it, so the single-page apps need no request before they can start signing in.
// The bundle is built from ui/ by `npm run build:ui` (npm start and npm test do it first).

import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { System } from '../system.ts';
import { sendPage } from '../web/reply.ts';
import { messagePage } from '../web/pages/message-page.ts';
import { API_SCOPES, OIDC_SCOPES } from '../oidc/scopes.ts';

export const WEB_APP_DIR = path.resolve(import.meta.dirname, '../../dist/ui');

// Scripts only from this server; Mantine writes its CSS variables in a style element, so
// inline style is allowed and inline script is not.
const WEB_APP_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const WEB_APP_HEADERS = {
  'content-security-policy': WEB_APP_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

const SCOPES = {
  console: [...OIDC_SCOPES, ...API_SCOPES].join(' '),
  myaccount: [...OIDC_SCOPES, 'internal_login'].join(' '),
} as const;

type WebApp = keyof typeof SCOPES;

/** JSON that is safe inside a script element: no `<` can close it. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function readIndex(): string | undefined {
  try {
    return fs.readFileSync(path.join(WEB_APP_DIR, 'index.html'), 'utf8');
  } catch {
    return undefined;
  }
}

export async function webAppRoutes(app: FastifyInstance, { system }: { system: System }) {
  // Read once: the bundle does not change under a running server.
  const index = readIndex();
  // Registered whether or not the bundle is built, so the app's routes (and docs/routes.md) do
  // not depend on the state of dist/: unbuilt, /ui/* answers 404 and the pages below say why.
  await app.register(fastifyStatic, {
    suppressWarning: true,
    root: WEB_APP_DIR,
    prefix: '/ui/',
    index: false,
    wildcard: true,
    // scripts/build-ui.ts leaves .br and .gz copies beside the scripts and stylesheets.
    preCompressed: true,
    // Asset names carry a content hash, so they can be cached for good.
    setHeaders: (res, filePath) => {
      if (filePath.includes(`${path.sep}assets${path.sep}`)) res.header('cache-control', 'public, max-age=31536000, immutable');
      res.header('x-content-type-options', 'nosniff');
    },
  });

  async function serve(webApp: WebApp, handle: string, reply: FastifyReply) {
    const entry = await system.providers.get(handle);
    if (!entry) return sendPage(reply, 404, messagePage({ title: 'Not found', message: 'There is no organization at this address.' }));
    if (!index) {
      return sendPage(
        reply,
        503,
        messagePage({ title: 'Not built', message: 'The Console and My Account have not been built on this server: run npm run build:ui, then restart.' }),
      );
    }
    const { organization } = entry;
    const [application, settings] = await Promise.all([
      system.repos.applications.findBuiltIn(organization.id, webApp),
      system.services.settings.get(organization.id),
    ]);
    if (!application) return sendPage(reply, 404, messagePage({ title: 'Not found', message: 'This application is not available.' }));
    const orgBase = `${system.config.publicUrl}/t/${organization.handle}`;
    const config = {
      app: webApp,
      org: organization.handle,
      orgName: organization.displayName,
      clientId: application.id,
      home: `${orgBase}/${webApp}/`,
      basePath: `/t/${organization.handle}/${webApp}`,
      authorizeUrl: `${orgBase}/oauth2/authorize`,
      tokenUrl: `${orgBase}/oauth2/token`,
      logoutUrl: `${orgBase}/oidc/logout`,
      scimBase: `${orgBase}/scim2`,
      apiBase: `${orgBase}/api`,
      scope: SCOPES[webApp],
      signUpUrl: settings.selfRegistrationEnabled ? `${orgBase}/register` : null,
    };
    const body = index.replace('<!--tessera-config-->', `<script type="application/json" id="tessera-config">${scriptJson(config)}</script>`);
    return reply.code(200).headers(WEB_APP_HEADERS).type('text/html; charset=utf-8').send(body);
  }

  // The organization's own address, as the set-up page and mails show it, opens My Account
  // (every member may use it, and an administrator's account menu leads on to the Console)
  // instead of answering a bare 404.
  const organizationHome = async (request: FastifyRequest<{ Params: { org: string } }>, reply: FastifyReply) => {
    const entry = await system.providers.get(request.params.org);
    if (!entry) return sendPage(reply, 404, messagePage({ title: 'Not found', message: 'There is no organization at this address.', tone: 'error' }));
    return reply.redirect(`/t/${entry.organization.handle}/myaccount/`);
  };
  app.get('/t/:org', organizationHome);
  app.get('/t/:org/', organizationHome);

  for (const webApp of Object.keys(SCOPES) as WebApp[]) {
    app.get<{ Params: { org: string } }>(`/t/:org/${webApp}`, async (request, reply) => reply.redirect(`/t/${request.params.org}/${webApp}/`));
    app.get<{ Params: { org: string } }>(`/t/:org/${webApp}/*`, async (request, reply) => serve(webApp, request.params.org, reply));
  }
}
