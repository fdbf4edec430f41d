// One error type for the whole server. Services throw it; each surface (management API,
// SCIM, hosted pages, CLI) renders it in its own shape. The public message is safe to show;
// internal causes go to the log only.

export type ErrorCode =
  | 'request.invalid'
  | 'request.not_found'
  | 'auth.unauthorized'
  | 'auth.forbidden'
  | 'organization.not_found'
  | 'organization.handle_in_use'
  | 'organization.invalid_handle'
  | 'user.not_found'
  | 'user.email_in_use'
  | 'user.invalid_email'
  | 'user.version_mismatch'
  | 'user.not_active'
  | 'group.not_found'
  | 'group.name_in_use'
  | 'group.version_mismatch'
  | 'application.not_found'
  | 'application.invalid'
  | 'password.policy'
  | 'link.invalid'
  | 'invitation.not_pending'
  | 'request.throttled'
  | 'mail.not_found'
  | 'setup.unavailable'
  | 'conflict.unique'
  | 'idempotency.key_reused'
  | 'idempotency.in_progress'
  | 'job.not_found'
  | 'import.too_large'
  | 'job.finished'
  | 'internal';

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  'request.invalid': 400,
  'request.not_found': 404,
  'auth.unauthorized': 401,
  'auth.forbidden': 403,
  'organization.not_found': 404,
  'organization.handle_in_use': 409,
  'organization.invalid_handle': 400,
  'user.not_found': 404,
  'user.email_in_use': 409,
  'user.invalid_email': 400,
  'user.version_mismatch': 412,
  'user.not_active': 409,
  'group.not_found': 404,
  'group.name_in_use': 409,
  'group.version_mismatch': 412,
  'application.not_found': 404,
  'application.invalid': 400,
  'password.policy': 400,
  'link.invalid': 410,
  'invitation.not_pending': 409,
  'request.throttled': 429,
  'mail.not_found': 404,
  'setup.unavailable': 410,
  'conflict.unique': 409,
  'idempotency.key_reused': 422,
  'idempotency.in_progress': 409,
  'job.not_found': 404,
  'import.too_large': 413,
  'job.finished': 409,
  internal: 500,
};

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = STATUS_BY_CODE[code];
    this.details = options.details;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** The Retry-After an error asks for (a throttle or a busy server), when it names one. */
export function retryAfterOf(error: unknown): number | undefined {
  const seconds = isAppError(error) ? error.details?.retryAfterSeconds : undefined;
  return typeof seconds === 'number' && seconds > 0 ? Math.ceil(seconds) : undefined;
}
