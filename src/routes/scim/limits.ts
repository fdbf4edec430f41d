// Limits of the SCIM API, advertised in ServiceProviderConfig and enforced by the routes.

export const BULK_MAX_OPERATIONS = 1000;
export const BULK_MAX_PAYLOAD_BYTES = 1024 * 1024;
/** Bodies of single-resource requests; generous for a group with thousands of members. */
export const MAX_BODY_BYTES = 1024 * 1024;
