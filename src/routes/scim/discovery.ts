// SCIM discovery (RFC 7644 section 4): what this server supports, stated truthfully. These
// endpoints need no token, so clients can read them before they are configured.

import type { FastifyInstance } from 'fastify';
import { DEFAULT_COUNT, MAX_COUNT, LIST_RESPONSE_SCHEMA } from '../../scim/list-query.ts';
import { BULK_MAX_OPERATIONS, BULK_MAX_PAYLOAD_BYTES } from './limits.ts';
import {
  commonAttributes,
  enterpriseUserSchema,
  groupSchema,
  userSchema,
  wso2UserSchema,
  ENTERPRISE_USER_SCHEMA,
  GROUP_SCHEMA,
  USER_SCHEMA,
  WSO2_USER_SCHEMA,
  type SchemaDefinition,
} from '../../scim/schema-definitions.ts';
import { ScimError } from '../../scim/errors.ts';
import { scimBase } from './locations.ts';

const SCHEMAS = [userSchema, enterpriseUserSchema, wso2UserSchema, groupSchema];

function schemaResource(schema: SchemaDefinition, base: string) {
  const isCore = schema.id === USER_SCHEMA || schema.id === GROUP_SCHEMA;
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: isCore ? [...commonAttributes.filter((a) => a.name !== 'id'), ...schema.attributes] : schema.attributes,
    meta: { resourceType: 'Schema', location: `${base}/Schemas/${schema.id}` },
  };
}

function resourceTypes(base: string) {
  return [
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: "The organization's customers and administrators",
      schema: USER_SCHEMA,
      schemaExtensions: [
        { schema: ENTERPRISE_USER_SCHEMA, required: false },
        { schema: WSO2_USER_SCHEMA, required: false },
      ],
      meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/User` },
    },
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'Group',
      name: 'Group',
      endpoint: '/Groups',
      description: 'Groups of users; applications may be limited to their members',
      schema: GROUP_SCHEMA,
      schemaExtensions: [],
      meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/Group` },
    },
  ];
}

function listResponse(resources: unknown[]) {
  return { schemas: [LIST_RESPONSE_SCHEMA], totalResults: resources.length, itemsPerPage: resources.length, startIndex: 1, Resources: resources };
}

export function serviceProviderConfig(base: string) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    documentationUri: `${base}/Schemas`,
    patch: { supported: true },
    bulk: { supported: true, maxOperations: BULK_MAX_OPERATIONS, maxPayloadSize: BULK_MAX_PAYLOAD_BYTES },
    filter: { supported: true, maxResults: MAX_COUNT },
    changePassword: { supported: true },
    sort: { supported: true },
    etag: { supported: true },
    pagination: { cursor: true, index: true, defaultPaginationMethod: 'index', defaultPageSize: DEFAULT_COUNT, maxPageSize: MAX_COUNT },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: "An access token from the organization's token endpoint (/t/{org}/oauth2/token)",
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
  };
}

export async function discoveryRoutes(app: FastifyInstance, { publicUrl, organizationExists }: { publicUrl: string; organizationExists: (handle: string) => Promise<boolean> }) {
  // Discovery needs no token, but it describes an organization's API: none, no API.
  app.addHook('onRequest', async (request) => {
    const handle = (request.params as { org?: string }).org ?? '';
    if (!(await organizationExists(handle))) throw new ScimError(404, `No organization "${handle}"`);
  });

  app.get<{ Params: { org: string } }>('/ServiceProviderConfig', async (request) => serviceProviderConfig(scimBase(publicUrl, request.params.org)));

  app.get<{ Params: { org: string } }>('/ResourceTypes', async (request) => listResponse(resourceTypes(scimBase(publicUrl, request.params.org))));
  app.get<{ Params: { org: string; id: string } }>('/ResourceTypes/:id', async (request) => {
    const found = resourceTypes(scimBase(publicUrl, request.params.org)).find((r) => r.id === request.params.id);
    if (!found) throw new ScimError(404, `No resource type "${request.params.id}"`);
    return found;
  });

  app.get<{ Params: { org: string } }>('/Schemas', async (request) =>
    listResponse(SCHEMAS.map((s) => schemaResource(s, scimBase(publicUrl, request.params.org)))),
  );
  app.get<{ Params: { org: string; id: string } }>('/Schemas/:id', async (request) => {
    const schema = SCHEMAS.find((s) => s.id === request.params.id);
    if (!schema) throw new ScimError(404, `No schema "${request.params.id}"`);
    return schemaResource(schema, scimBase(publicUrl, request.params.org));
  });
}
