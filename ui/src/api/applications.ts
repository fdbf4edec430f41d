// The management API's applications (src/routes/api/applications.ts): the organization's OAuth
// clients, their secrets and the groups allowed to sign in to them.

import { config } from '../config.ts';
import { ApiError, apiRequest } from './http.ts';

export type ApplicationType = 'spa' | 'web' | 'm2m';

export interface Application {
  id: string;
  clientId: string;
  name: string;
  description?: string | null;
  type: ApplicationType;
  /** Set for the Console and My Account, which Tessera manages itself. */
  builtIn: 'console' | 'myaccount' | null;
  hasSecret: boolean;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  /** Browser origins allowed to call the organization (CORS), besides the redirect URIs'. */
  allowedOrigins: string[];
  scopes: string[];
  /** Only members of allowedGroupIds may sign in. */
  accessRestricted: boolean;
  allowedGroupIds: string[];
  createdAt: string;
  updatedAt: string;
}

/** What registering or rotating answers: the secret, this once. */
export type ApplicationWithSecret = Application & { clientSecret?: string };

export interface NewApplication {
  name: string;
  type: ApplicationType;
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
  allowedOrigins?: string[];
  scopes?: string[];
}

export interface ApplicationChanges {
  name?: string;
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
  allowedOrigins?: string[];
  scopes?: string[];
  allowedGroupIds?: string[];
  accessRestricted?: boolean;
}

const base = `${config.apiBase}/server/v1/applications`;
const one = (id: string) => `${base}/${encodeURIComponent(id)}`;

export const applications = {
  list: async () => (await apiRequest<{ applications: Application[] }>(base)).applications,
  get: (id: string) => apiRequest<Application>(one(id)),
  create: (body: NewApplication) => apiRequest<ApplicationWithSecret>(base, { method: 'POST', body }),
  update: (id: string, body: ApplicationChanges) => apiRequest<Application>(one(id), { method: 'PATCH', body }),
  rotateSecret: (id: string) => apiRequest<ApplicationWithSecret>(`${one(id)}/secret`, { method: 'POST' }),
  remove: (id: string) => apiRequest<void>(one(id), { method: 'DELETE' }),
};

interface ValidationProblem {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: { missingProperty?: string; limit?: number };
}

function firstValidationProblem(error: ApiError): ValidationProblem | undefined {
  const validation = error.details?.validation;
  return Array.isArray(validation) && validation.length > 0 ? (validation[0] as ValidationProblem) : undefined;
}

/**
 * Words for a management API error shown on its field: the service's message as it is, a
 * schema validation error ("body/redirectUris/0 must NOT have more than 2048 characters")
 * rephrased for a person, naming the line of a list.
 */
export function fieldErrorMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : 'Something went wrong';
  const problem = firstValidationProblem(error);
  if (!problem) return error.message;
  const index = problem.instancePath?.split('/')[2];
  const where = index !== undefined && /^\d+$/.test(index) ? ` (line ${Number(index) + 1})` : '';
  if (problem.keyword === 'maxLength') return `Too long${where}: at most ${problem.params?.limit} characters`;
  if (problem.keyword === 'maxItems') return `Too many: at most ${problem.params?.limit}`;
  if (problem.keyword === 'minLength' || problem.keyword === 'required') return `Required${where}`;
  const message = problem.message ?? error.message;
  return `${message[0].toUpperCase()}${message.slice(1)}${where}`;
}

/**
 * The request field a management API error is about: `details.field` from the services, or
 * the first property named by a schema validation error (`/redirectUris/0` -> redirectUris).
 */
export function errorField(error: unknown): string | undefined {
  if (!(error instanceof ApiError) || !error.details) return undefined;
  if (typeof error.details.field === 'string') return error.details.field;
  const problem = firstValidationProblem(error);
  return problem?.instancePath?.split('/')[1] || problem?.params?.missingProperty || undefined;
}
