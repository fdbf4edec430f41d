// SCIM errors (RFC 7644 section 3.12): a status and, for 400s, a scimType that says what kind
// of problem it is. Routes render them as the RFC's JSON shape.

export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive'
  /** RFC 9865: a cursor that is malformed or belongs to another query. */
  | 'invalidCursor';

export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export class ScimError extends Error {
  readonly status: number;
  readonly scimType: ScimType | undefined;

  constructor(status: number, detail: string, scimType?: ScimType) {
    super(detail);
    this.name = 'ScimError';
    this.status = status;
    this.scimType = scimType;
  }

  toJSON() {
    return { schemas: [SCIM_ERROR_SCHEMA], status: String(this.status), ...(this.scimType && { scimType: this.scimType }), detail: this.message };
  }
}

export const invalidFilter = (detail: string) => new ScimError(400, detail, 'invalidFilter');
export const invalidPath = (detail: string) => new ScimError(400, detail, 'invalidPath');
export const invalidValue = (detail: string) => new ScimError(400, detail, 'invalidValue');
export const noTarget = (detail: string) => new ScimError(400, detail, 'noTarget');
export const mutability = (detail: string) => new ScimError(400, detail, 'mutability');
export const invalidSyntax = (detail: string) => new ScimError(400, detail, 'invalidSyntax');
