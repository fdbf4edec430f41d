// Service errors in SCIM's terms: a status and a scimType a provisioning client understands.

import type { AppError } from '../errors.ts';
import { ScimError, type ScimType } from './errors.ts';

const SCIM_TYPE_BY_CODE: Partial<Record<AppError['code'], ScimType>> = {
  'user.email_in_use': 'uniqueness',
  'group.name_in_use': 'uniqueness',
  'conflict.unique': 'uniqueness',
  'user.invalid_email': 'invalidValue',
  'password.policy': 'invalidValue',
  'request.invalid': 'invalidValue',
};

export function scimErrorFromAppError(error: AppError): ScimError {
  const explicit = error.details?.scimType as ScimType | undefined;
  return new ScimError(error.status, error.message, explicit ?? SCIM_TYPE_BY_CODE[error.code]);
}
