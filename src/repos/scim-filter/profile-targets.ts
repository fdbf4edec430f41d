// Filter targets for the User attributes kept as JSON text (schema-definitions PROFILE_ATTRIBUTES
// in users.profile_json, the enterprise extension in users.enterprise_json), derived from the
// schema definitions so a newly stored attribute is filterable as soon as it is defined.

import { sql } from 'kysely';
import type { ColumnTarget, FilterTarget, MultiValuedTarget } from './to-sql.ts';
import { elementBoolean, elementText, elementsExist, jsonNestedText, jsonText, type SqlEngine } from './json-sql.ts';
import { ENTERPRISE_USER_SCHEMA, PROFILE_ATTRIBUTES, PROFILE_NAME_PARTS, type AttributeDefinition } from '../../scim/schema-definitions.ts';

const PROFILE = sql.ref('users.profile_json');
const ENTERPRISE = sql.ref('users.enterprise_json');
const ENTERPRISE_STRINGS = ['employeeNumber', 'costCenter', 'organization', 'division', 'department'];

function text(column: ColumnTarget['column'], caseExact = false): ColumnTarget {
  return { kind: 'column', column, type: 'string', caseExact };
}

/**
 * A multi-valued profile attribute: its elements' string and boolean sub-attributes. Binary
 * ones (x509Certificates.value) are left out: RFC 7644 section 3.4.2.2 gives binary values no
 * ordering, and matching certificates by base64 text is not something a client needs.
 */
function multiValued(engine: SqlEngine, def: AttributeDefinition): MultiValuedTarget {
  const subAttributes: MultiValuedTarget['subAttributes'] = {};
  for (const sub of def.subAttributes ?? []) {
    if (sub.type === 'boolean') subAttributes[sub.name.toLowerCase()] = { kind: 'column', column: elementBoolean(engine, sub.name), type: 'boolean' };
    else if (sub.type !== 'binary') subAttributes[sub.name.toLowerCase()] = text(elementText(engine, sub.name), sub.caseExact);
  }
  return {
    kind: 'multi',
    exists: (condition) => elementsExist(engine, PROFILE, def.name, condition),
    // `addresses` has no value; naming it alone means its formatted form.
    defaultSubAttribute: subAttributes.value ? 'value' : 'formatted',
    subAttributes,
  };
}

export function profileFilterTargets(engine: SqlEngine): Record<string, FilterTarget> {
  const targets: Record<string, FilterTarget> = {};
  for (const def of PROFILE_ATTRIBUTES) {
    targets[def.name.toLowerCase()] = def.multiValued ? multiValued(engine, def) : text(jsonText(engine, PROFILE, def.name));
  }
  for (const part of PROFILE_NAME_PARTS) targets[`name.${part.toLowerCase()}`] = text(jsonNestedText(engine, PROFILE, 'name', part));
  const uri = ENTERPRISE_USER_SCHEMA.toLowerCase();
  for (const name of ENTERPRISE_STRINGS) targets[`${uri}:${name.toLowerCase()}`] = text(jsonText(engine, ENTERPRISE, name));
  // The manager is stored by id; ids compare exactly.
  targets[`${uri}:manager.value`] = text(jsonNestedText(engine, ENTERPRISE, 'manager', 'value'), true);
  return targets;
}
