// The management API's error body, as routes/api/index.ts renders it, for route response schemas.

export const API_ERROR_SCHEMA = {
  type: 'object',
  properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object', additionalProperties: true }, requestId: { type: 'string' } },
} as const;
