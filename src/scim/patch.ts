// SCIM PATCH (RFC 7644 section 3.5.2) applied to a resource's SCIM JSON representation.
//
// `applyPatch(resource, request, schema)` validates the raw request body, applies its operations
// in order to a copy of `resource` (as GET returns it: core attributes at the top level, each
// extension's attributes in an object keyed by its schema URI) and returns the copy. The input is
// never modified, and an error in any operation throws before anything is returned, so a PATCH
// is atomic as section 3.5.2 requires. It knows nothing of databases or domain objects: the
// caller maps the result back, hashes a `password` found in it, and re-derives what it derives
// (name.formatted, display names of members, meta).
//
// What the RFC says and this follows:
// - `op` is add, remove or replace; `path` is optional for add and replace, required for remove
//   (none: noTarget, 3.5.2.2). Without a path the value is an object of attributes (3.5.2.1,
//   3.5.2.3).
// - add: a single-valued attribute is set; a complex one gets the given sub-attributes merged in;
//   a multi-valued one gets the new values appended, and values already there are left alone
//   ("no changes SHOULD be made", 3.5.2.1).
// - replace: a multi-valued attribute's whole list is replaced; a complex attribute has the given
//   sub-attributes replaced and the others left unchanged; with a value filter, the matching
//   values (or their sub-attribute) are replaced, and no match is noTarget (3.5.2.3).
// - remove: the attribute, the sub-attribute, or the values matching the filter; a list left
//   empty is unassigned. Removing or unassigning a required or read-only attribute is mutability
//   (3.5.2.2).
// - readOnly attributes cannot be modified, immutable ones only added when they have no value
//   (3.5.2); `primary: true` on one value sets it false on the others (3.5.2).
// - null, [] and an absent attribute are the same state (RFC 7643 section 2.5): a null value
//   unassigns.
//
// Decisions where the RFC leaves room, or where Entra ID and Okta need it:
// - `op` in any letter case (Entra sends Add, Replace, Remove); body keys `schemas`,
//   `Operations`, `op`, `path`, `value` in any letter case (RFC 7643 section 2.1).
// - Resending the current value of a readOnly or immutable attribute is accepted and changes
//   nothing (Okta renames a group with `{"op":"replace","value":{"id":...,"displayName":...}}`);
//   only a different value is mutability. Read-only sub-attributes nested in the value given for
//   a writable complex attribute (members' `display`, name's `formatted`) are ignored, as PUT
//   ignores them (3.5.1); named by a path they are mutability when the value differs. A value
//   that replaces a whole value through a filter keeps the old one's read-only sub-attributes and
//   the immutable ones it does not give. Removing a whole complex attribute takes its read-only
//   sub-attributes with it (Entra removes `manager`, whose `displayName` is read-only).
// - Boolean attributes accept the strings "true"/"false" in any case (Entra sends "False").
// - A complex single-valued attribute with a `value` sub-attribute accepts a bare string as that
//   value (Entra sends `{"op":"Add","path":"...:manager","value":"<id>"}`).
// - `remove` of a multi-valued attribute with a `value` list and no filter removes exactly those
//   values (Entra's legacy group member removal). A filter that matches nothing, or an attribute
//   that has no value, is a no-op for remove, so a retried removal succeeds; section 3.5.2.2 is
//   silent on it, and section 3.12 describes noTarget as "a filter that yields no match" in
//   general. For add (3.5.2.1 is silent too) and replace (3.5.2.3) it is noTarget.
// - Envelope errors (body, schemas, Operations, op, more than MAX_PATCH_OPERATIONS operations)
//   are invalidSyntax; a missing value for add or replace is invalidValue.
// - `attr.sub` on a multi-valued attribute (no filter) addresses that sub-attribute of every value.
// - Values compare as the schema says (caseExact, dateTimes by instant); the `value` of a complex
//   attribute that also has `$ref` (members, groups, manager) is an id and compares exactly.
// - Unknown attributes and sub-attributes, also as keys of a value object, are invalidPath; an
//   unknown or nested filter attribute in a path is invalidPath too, so a typo is not a silent
//   no-op.
// - `schemas` is derived: an extension's URI is added when its object gains attributes and
//   dropped when it loses all of them; a value given for `schemas` is checked (known URIs only)
//   and otherwise ignored; removing it is mutability.

import { ScimError, invalidPath, invalidSyntax, invalidValue, mutability, noTarget } from './errors.ts';
import { commonAttributes, type AttributeDefinition, type ResourceSchema } from './schema-definitions.ts';
import type { FilterNode } from './filter/ast.ts';
import { parsePatchPath } from './filter/parser.ts';
import { getCaseInsensitive, matchesFilter, parseDateTime } from './filter/evaluate.ts';
import { isBase64 } from './base64.ts';

export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const MAX_PATCH_OPERATIONS = 1000;

export type PatchOpName = 'add' | 'remove' | 'replace';

/** One validated operation. `value` is absent only for a remove without one. */
export interface PatchOperation {
  op: PatchOpName;
  path?: string;
  value?: unknown;
}

type Json = Record<string, unknown>;

interface Container {
  uri: string;
  core: boolean;
  attributes: AttributeDefinition[];
}

interface Target {
  container: Container;
  def: AttributeDefinition;
  sub?: AttributeDefinition;
  filter?: FilterNode;
  text: string;
}

type Resolved = { kind: 'attribute'; target: Target } | { kind: 'extension'; container: Container } | { kind: 'schemas' };

interface Context {
  schema: ResourceSchema;
  core: Container;
  extensions: Container[];
  resource: Json;
  touchedExtensions: Set<string>;
}

/** Validates a PATCH request body (the envelope, not the paths) and returns its operations. */
export function parsePatchRequest(request: unknown): PatchOperation[] {
  if (!isObject(request)) throw invalidSyntax('the PATCH body must be a JSON object with "schemas" and "Operations"');
  const schemas = getCaseInsensitive(request, 'schemas');
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && sameUri(s, PATCH_OP_SCHEMA))) {
    throw invalidSyntax(`"schemas" must be an array containing "${PATCH_OP_SCHEMA}"`);
  }
  const operations = getCaseInsensitive(request, 'Operations');
  if (!Array.isArray(operations)) throw invalidSyntax('"Operations" must be an array of operations');
  if (operations.length === 0) throw invalidSyntax('"Operations" must contain at least one operation');
  if (operations.length > MAX_PATCH_OPERATIONS) {
    throw invalidSyntax(`"Operations" may contain at most ${MAX_PATCH_OPERATIONS} operations; this request has ${operations.length}`);
  }
  return operations.map((raw, index): PatchOperation => {
    const where = `Operations[${index}]`;
    if (!isObject(raw)) throw invalidSyntax(`${where} must be an object with "op" and a "path" or "value"`);
    const op = getCaseInsensitive(raw, 'op');
    if (op === undefined || op === null) throw invalidSyntax(`${where} has no "op"`);
    const name = typeof op === 'string' ? op.toLowerCase() : undefined;
    if (name !== 'add' && name !== 'remove' && name !== 'replace') {
      throw invalidSyntax(`${where}: "op" must be "add", "remove" or "replace", not ${JSON.stringify(op)}`);
    }
    const path = getCaseInsensitive(raw, 'path');
    if (path !== undefined && path !== null && typeof path !== 'string') throw invalidPath(`${where}: "path" must be a string`);
    const hasPath = typeof path === 'string' && path.trim() !== '';
    const value = getCaseInsensitive(raw, 'value');
    if (name === 'remove' && !hasPath) throw noTarget(`${where}: remove needs a "path" naming what to remove`);
    if (name !== 'remove' && value === undefined) throw invalidValue(`${where}: ${name} needs a "value"`);
    return { op: name, ...(hasPath && { path }), ...(value !== undefined && { value }) };
  });
}

/**
 * Applies a PATCH request body to a resource's SCIM representation and returns the patched copy.
 * Throws ScimError (status 400, with scimType) for an invalid request or an operation that
 * cannot be applied; `resource` is never modified.
 */
export function applyPatch(resource: Record<string, unknown>, request: unknown, schema: ResourceSchema): Record<string, unknown> {
  const operations = parsePatchRequest(request);
  const context: Context = {
    schema,
    core: { uri: schema.core.id, core: true, attributes: [...schema.core.attributes, ...commonAttributes] },
    extensions: schema.extensions.map((e) => ({ uri: e.id, core: false, attributes: e.attributes })),
    resource: structuredClone(resource),
    touchedExtensions: new Set(),
  };
  operations.forEach((operation, index) => {
    try {
      applyOperation(context, operation);
    } catch (error) {
      if (!(error instanceof ScimError)) throw error;
      const label = operation.path === undefined ? operation.op : `${operation.op} ${operation.path}`;
      throw new ScimError(error.status, `Operations[${index}] (${label}): ${error.message}`, error.scimType);
    }
  });
  syncSchemas(context);
  return context.resource;
}

function applyOperation(context: Context, { op, path, value }: PatchOperation) {
  if (path === undefined) {
    if (!isObject(value)) throw invalidValue(`without a "path", the value must be an object of attributes to ${op}`);
    applyObject(context, op, value, undefined);
    return;
  }
  applyResolved(context, op, resolvePath(context, path, undefined), value);
}

/** A path-less value, or the value for a whole extension: each key names what it sets. */
function applyObject(context: Context, op: PatchOpName, value: Json, scope: Container | undefined) {
  for (const [key, item] of Object.entries(value)) {
    const resolved = resolvePath(context, key, scope);
    if (scope !== undefined && resolved.kind !== 'attribute') throw invalidPath(`"${key}" is not an attribute of ${scope.uri}`);
    applyResolved(context, op, resolved, item);
  }
}

function applyResolved(context: Context, op: PatchOpName, resolved: Resolved, value: unknown) {
  if (resolved.kind === 'schemas') {
    if (op === 'remove' || value === null) throw mutability('"schemas" cannot be removed');
    const known = [context.core, ...context.extensions].map((c) => c.uri);
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && known.some((uri) => sameUri(uri, v)))) {
      throw invalidValue(`"schemas" must be an array of schema URIs among ${known.join(', ')}`);
    }
    return; // derived from the extension objects present; see syncSchemas
  }
  if (resolved.kind === 'extension') {
    const { container } = resolved;
    if (op === 'remove' || value === null) {
      for (const def of container.attributes) removeTarget(context, { container, def, text: `${container.uri}:${def.name}` }, undefined);
      return;
    }
    if (!isObject(value)) throw invalidValue(`the value for ${container.uri} must be an object of its attributes`);
    applyObject(context, op, value, container);
    return;
  }
  const target = resolved.target;
  if (op === 'remove') removeTarget(context, target, value);
  else if (value === null) removeTarget(context, target, undefined); // null unassigns (RFC 7643 section 2.5)
  else setTarget(context, op, target, value);
}

// ---------------------------------------------------------------------------------------------
// Paths

function resolvePath(context: Context, text: string, scope: Container | undefined): Resolved {
  const trimmed = text.trim();
  if (scope === undefined) {
    if (trimmed.toLowerCase() === 'schemas') return { kind: 'schemas' };
    const extension = context.extensions.find((c) => sameUri(c.uri, trimmed));
    if (extension) return { kind: 'extension', container: extension };
  }
  // A known schema URI prefix is split off here rather than by the parser's last-colon rule.
  let container: Container | undefined;
  let rest = trimmed;
  const prefixed = [context.core, ...context.extensions]
    .filter((c) => trimmed.length > c.uri.length && trimmed[c.uri.length] === ':' && sameUri(trimmed.slice(0, c.uri.length), c.uri))
    .sort((a, b) => b.uri.length - a.uri.length)[0];
  if (prefixed) {
    container = prefixed;
    rest = trimmed.slice(prefixed.uri.length + 1);
  }
  const parsed = parsePatchPath(rest);
  if (parsed.path.uri !== undefined) {
    const uri = parsed.path.uri;
    const named = container === undefined ? [context.core, ...context.extensions].find((c) => sameUri(c.uri, uri)) : undefined;
    if (!named) throw invalidPath(`"${uri}" is not a schema of this resource`);
    container = named;
  }
  if (scope !== undefined && container !== undefined && container !== scope) {
    throw invalidPath(`"${text}" is not an attribute of ${scope.uri}`);
  }
  container = container ?? scope ?? context.core;
  const def = findAttribute(container.attributes, parsed.path.attribute);
  if (!def) {
    throw invalidPath(`"${parsed.path.attribute}" is not an attribute of ${container.core ? `the ${context.schema.core.name} resource` : container.uri}`);
  }
  if (parsed.path.subAttribute !== undefined && parsed.subAttribute !== undefined) throw invalidPath(`"${text}" has two sub-attributes`);
  const subName = parsed.path.subAttribute ?? parsed.subAttribute;
  const filter = parsed.valueFilter;
  if (filter !== undefined) {
    if (!def.multiValued) throw invalidPath(`"${def.name}" is single-valued; a value filter needs a multi-valued attribute`);
    checkFilter(def, filter, text);
  }
  let sub: AttributeDefinition | undefined;
  if (subName !== undefined) {
    sub = def.type === 'complex' ? findAttribute(def.subAttributes ?? [], subName) : undefined;
    if (!sub) throw invalidPath(`"${subName}" is not a sub-attribute of ${def.name}`);
  }
  return { kind: 'attribute', target: { container, def, text, ...(sub && { sub }), ...(filter && { filter }) } };
}

/** A value filter may only name the attribute's own sub-attributes (`value` for simple values). */
function checkFilter(def: AttributeDefinition, filter: FilterNode, text: string) {
  switch (filter.kind) {
    case 'and':
    case 'or':
      checkFilter(def, filter.left, text);
      checkFilter(def, filter.right, text);
      return;
    case 'not':
      checkFilter(def, filter.filter, text);
      return;
    case 'valuePath':
      throw invalidPath(`"${text}" nests a value filter`);
    case 'compare':
    case 'present': {
      const { uri, attribute, subAttribute } = filter.path;
      const known = def.type === 'complex' ? findAttribute(def.subAttributes ?? [], attribute) !== undefined : attribute.toLowerCase() === 'value';
      if (uri !== undefined || subAttribute !== undefined || !known) {
        throw invalidPath(`the filter in "${text}" names "${attribute}", which is not a sub-attribute of ${def.name}`);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// add and replace

function setTarget(context: Context, op: 'add' | 'replace', target: Target, value: unknown) {
  const { def, sub, filter } = target;
  const before = readAttribute(context, target);
  let after: unknown;
  if (def.multiValued) {
    let list = toList(before);
    if (sub === undefined && filter === undefined) {
      const given = (Array.isArray(value) ? value : [value]).map((v) => coerceElement(def, v, target.text));
      if (op === 'replace') {
        const fresh = unique(def, given);
        after = normalizePrimary(def, fresh, fresh);
      } else {
        const added = unique(def, given).filter((e) => !list.some((existing) => sameElement(def, existing, e)));
        onePrimaryAtMost(def, given);
        after = normalizePrimary(def, [...list, ...added], added);
      }
    } else {
      let indices = selectedIndices(def, list, filter);
      // A value path that matches nothing names a value to create when its filter pins the
      // value down with `eq`s only (Entra: `emails[type eq "home"].value`): it is added, seeded
      // with the filter's values, and then set as if it had been there (RFC 7644 3.5.2.1 is
      // silent; noTarget would make Entra's default mappings fail for every new user).
      // Not for reference-like values (members, groups): a filter on them names a resource, never a value to invent.
      const referenceLike = findAttribute(def.subAttributes ?? [], '$ref') !== undefined;
      const seed = def.type === 'complex' && !referenceLike && filter !== undefined && indices.length === 0 ? seedOf(def, filter) : undefined;
      if (seed !== undefined) {
        list = [...list, seed];
        indices = [list.length - 1];
      }
      if (indices.length === 0) {
        throw noTarget(filter ? `no value of ${def.name} matches the filter in "${target.text}"` : `${def.name} has no values to set ${sub?.name} on`);
      }
      const result = [...list];
      const touched: unknown[] = [];
      for (const index of indices) {
        const old = list[index];
        let next: unknown;
        if (def.type !== 'complex') {
          next = coerceScalar(def, value, target.text);
        } else if (sub !== undefined) {
          next = guardSubs(def, old, withKey(isObject(old) ? old : {}, sub.name, coerceScalar(sub, value, target.text)), sub, target.text);
        } else if (op === 'add') {
          next = guardSubs(def, old, merge(isObject(old) ? old : {}, coerceComplex(def, value, target.text)), undefined, target.text);
        } else {
          next = guardSubs(def, old, keepProtected(def, old, compact(coerceComplex(def, value, target.text))), undefined, target.text);
        }
        result[index] = next;
        touched.push(next);
      }
      after = normalizePrimary(def, result, touched);
    }
  } else if (def.type === 'complex') {
    const given = sub === undefined ? coerceComplex(def, value, target.text) : { [sub.name]: coerceScalar(sub, value, target.text) };
    after = compactOrUndefined(guardSubs(def, before, merge(isObject(before) ? before : {}, given), sub, target.text));
  } else {
    after = coerceScalar(def, value, target.text);
  }
  commit(context, target, before, after);
}

/** The value a filter of `eq`s joined by `and` describes (`type eq "work"`), or undefined for any other filter. */
function seedOf(def: AttributeDefinition, filter: FilterNode): Json | undefined {
  if (filter.kind === 'and') {
    const left = seedOf(def, filter.left);
    const right = seedOf(def, filter.right);
    if (!left || !right) return undefined;
    for (const key of Object.keys(right)) if (Object.hasOwn(left, key) && left[key] !== right[key]) return undefined;
    return { ...left, ...right };
  }
  if (filter.kind !== 'compare' || filter.op !== 'eq' || filter.path.uri !== undefined || filter.path.subAttribute !== undefined) return undefined;
  const sub = findAttribute(def.subAttributes ?? [], filter.path.attribute);
  if (!sub || sub.mutability === 'readOnly' || filter.value === null) return undefined;
  try {
    return { [sub.name]: coerceScalar(sub, filter.value, sub.name) };
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// remove

function removeTarget(context: Context, target: Target, value: unknown) {
  const { def, sub, filter } = target;
  const before = readAttribute(context, target);
  let after: unknown;
  if (def.multiValued) {
    const list = toList(before);
    if (sub === undefined && filter === undefined) {
      if (value === undefined || value === null) {
        after = undefined;
      } else {
        // Entra ID: {"op":"Remove","path":"members","value":[{"value":"<id>"}]} removes those values.
        const doomed = (Array.isArray(value) ? value : [value]).map((v) => coerceElement(def, v, target.text));
        after = list.filter((e) => !doomed.some((d) => sameElement(def, e, d)));
      }
    } else {
      const indices = new Set(selectedIndices(def, list, filter));
      if (indices.size === 0) return; // nothing matches: nothing to remove
      if (sub === undefined) {
        after = list.filter((_, i) => !indices.has(i));
      } else {
        after = list
          .map((e, i) => {
            if (!indices.has(i) || !isObject(e)) return e;
            return guardSubs(def, e, withKey(e, sub.name, undefined), sub, target.text);
          })
          .filter(isAssigned);
      }
    }
  } else if (def.type === 'complex' && sub !== undefined) {
    after = compactOrUndefined(guardSubs(def, before, withKey(isObject(before) ? before : {}, sub.name, undefined), sub, target.text));
  } else {
    after = undefined;
  }
  commit(context, target, before, after);
}

// ---------------------------------------------------------------------------------------------
// Mutability

function commit(context: Context, target: Target, before: unknown, after: unknown) {
  const { def } = target;
  const value = def.multiValued && Array.isArray(after) && after.length === 0 ? undefined : after;
  const name = attributeLabel(target);
  if (def.mutability === 'readOnly' || def.mutability === 'immutable') {
    if (sameValue(def, before, value)) return; // the current value resent: nothing changes
    if (def.mutability === 'readOnly') throw mutability(`${name} is read-only`);
    if (isAssigned(before)) throw mutability(`${name} is immutable and already has a value`);
  }
  if (def.required && isAssigned(before) && !isAssigned(value)) throw mutability(`${name} is required and cannot be removed`);
  if (!isAssigned(before) && !isAssigned(value)) return; // removing what is not there
  writeAttribute(context, target, value);
}

/**
 * Checks the change from `before` to `after` (one value of complex `def`) against the
 * mutability of its sub-attributes: the one a path names (`explicit`), and the immutable ones.
 * A protected sub-attribute resent with an equivalent value keeps its current value.
 */
function guardSubs(def: AttributeDefinition, before: unknown, after: Json, explicit: AttributeDefinition | undefined, text: string): Json {
  let result = after;
  for (const sub of def.subAttributes ?? []) {
    if (sub !== explicit && sub.mutability !== 'immutable') continue;
    if (sub.mutability !== 'readOnly' && sub.mutability !== 'immutable') continue;
    const old = get(before, sub.name);
    const name = `${def.name}.${sub.name}`;
    if (sameValue(sub, old, get(after, sub.name), def)) {
      result = withKey(result, sub.name, isAssigned(old) ? old : undefined);
      continue;
    }
    if (sub.mutability === 'readOnly') throw mutability(`${name} is read-only (${text})`);
    if (isAssigned(old)) throw mutability(`${name} is immutable and already has a value (${text})`);
  }
  return result;
}

function attributeLabel(target: Target): string {
  return target.container.core ? target.def.name : `${target.container.uri}:${target.def.name}`;
}

// ---------------------------------------------------------------------------------------------
// Values

/** One value of `def` (an element, when `def` is multi-valued). */
function coerceElement(def: AttributeDefinition, raw: unknown, where: string): unknown {
  if (raw === null || raw === undefined) throw invalidValue(`${where}: a value of ${def.name} cannot be null`);
  if (def.type !== 'complex') return coerceScalar(def, raw, where);
  const element = compact(coerceComplex(def, raw, where));
  if (!isAssigned(element)) throw invalidValue(`${where}: a value of ${def.name} needs at least one writable sub-attribute`);
  return element;
}

/**
 * The sub-attributes given for complex `def`, canonically named and typed. A null marks a
 * sub-attribute to unassign. Read-only sub-attributes are dropped unless `def` itself is
 * read-only, in which case they are kept so that a difference is noticed.
 */
function coerceComplex(def: AttributeDefinition, raw: unknown, where: string): Json {
  const subs = def.subAttributes ?? [];
  let object = raw;
  if (typeof raw === 'string' && !def.multiValued && findAttribute(subs, 'value')) object = { value: raw };
  if (!isObject(object)) {
    throw invalidValue(`${where}: ${def.name} is complex; its value must be an object of ${subs.map((s) => s.name).join(', ')}`);
  }
  const result: Json = {};
  for (const [key, item] of Object.entries(object)) {
    const sub = findAttribute(subs, key);
    if (!sub) throw invalidPath(`${where}: "${key}" is not a sub-attribute of ${def.name}`);
    if (item === null || item === undefined) {
      result[sub.name] = null;
    } else if (sub.mutability !== 'readOnly' || def.mutability === 'readOnly') {
      result[sub.name] = coerceScalar(sub, item, `${where}: ${def.name}.${sub.name}`);
    }
  }
  return result;
}

function coerceScalar(def: AttributeDefinition, raw: unknown, where: string): unknown {
  switch (def.type) {
    case 'string':
    case 'reference':
      if (typeof raw === 'string') return raw;
      throw invalidValue(`${where}: ${def.name} must be a string`);
    case 'binary':
      if (typeof raw === 'string' && isBase64(raw)) return raw;
      throw invalidValue(`${where}: ${def.name} must be base64 (RFC 4648 section 4, padded, no line breaks)`);
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      if (typeof raw === 'string' && /^(true|false)$/i.test(raw.trim())) return raw.trim().toLowerCase() === 'true';
      throw invalidValue(`${where}: ${def.name} must be true or false`);
    case 'integer':
      if (typeof raw === 'number' && Number.isInteger(raw)) return raw;
      throw invalidValue(`${where}: ${def.name} must be an integer`);
    case 'decimal':
      if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
      throw invalidValue(`${where}: ${def.name} must be a number`);
    case 'dateTime':
      if (parseDateTime(raw) !== undefined) return raw;
      throw invalidValue(`${where}: ${def.name} must be a dateTime such as 2024-01-31T12:00:00Z`);
    case 'complex':
      throw invalidValue(`${where}: ${def.name} is complex and cannot be set to a single value`);
  }
}

function isCaseExact(def: AttributeDefinition, parent: AttributeDefinition | undefined): boolean {
  if (def.caseExact) return true;
  // The `value` of a reference-like complex attribute (members, groups, manager) is a resource id.
  return parent !== undefined && def.name === 'value' && findAttribute(parent.subAttributes ?? [], '$ref') !== undefined;
}

/** Whether two values of `def` are the same state; for a multi-valued `def`, lists compare as multisets unless `element`. */
function sameValue(def: AttributeDefinition, a: unknown, b: unknown, parent?: AttributeDefinition, element = false): boolean {
  const assignedA = isAssigned(a);
  const assignedB = isAssigned(b);
  if (!assignedA || !assignedB) return assignedA === assignedB;
  if (def.multiValued && !element) {
    const left = toList(a).filter(isAssigned);
    const right = toList(b).filter(isAssigned);
    if (left.length !== right.length) return false;
    const used = new Set<number>();
    return left.every((x) => {
      const index = right.findIndex((y, i) => !used.has(i) && sameValue(def, x, y, parent, true));
      if (index < 0) return false;
      used.add(index);
      return true;
    });
  }
  if (def.type === 'complex') {
    if (!isObject(a) || !isObject(b)) return false;
    return (def.subAttributes ?? []).every((sub) => sameValue(sub, get(a, sub.name), get(b, sub.name), def));
  }
  if (typeof a === 'string' && typeof b === 'string') {
    if (def.type === 'dateTime') {
      const x = parseDateTime(a);
      const y = parseDateTime(b);
      if (x !== undefined && y !== undefined) return x === y;
    }
    return isCaseExact(def, parent) ? a === b : a.toLowerCase() === b.toLowerCase();
  }
  return a === b;
}

/** Values of a multi-valued attribute are the same when their `value`s are, else when they are equal. */
function sameElement(def: AttributeDefinition, a: unknown, b: unknown): boolean {
  const valueDef = def.type === 'complex' ? findAttribute(def.subAttributes ?? [], 'value') : undefined;
  if (valueDef && isObject(a) && isObject(b)) {
    const x = get(a, 'value');
    const y = get(b, 'value');
    if (isAssigned(x) && isAssigned(y)) return sameValue(valueDef, x, y, def);
  }
  return sameValue(def, a, b, undefined, true);
}

function unique(def: AttributeDefinition, values: unknown[]): unknown[] {
  const result: unknown[] = [];
  for (const v of values) if (!result.some((r) => sameElement(def, r, v))) result.push(v);
  return result;
}

function selectedIndices(def: AttributeDefinition, list: unknown[], filter: FilterNode | undefined): number[] {
  const indices: number[] = [];
  list.forEach((element, index) => {
    if (filter === undefined || matchesFilter(isObject(element) ? element : { value: element }, filter, (name) => caseExactSub(def, name))) {
      indices.push(index);
    }
  });
  return indices;
}

function caseExactSub(def: AttributeDefinition, name: string): boolean {
  const sub = findAttribute(def.subAttributes ?? [], name);
  return sub !== undefined && isCaseExact(sub, def);
}

function hasPrimary(def: AttributeDefinition): boolean {
  return def.type === 'complex' && findAttribute(def.subAttributes ?? [], 'primary') !== undefined;
}

function onePrimaryAtMost(def: AttributeDefinition, values: unknown[]) {
  if (hasPrimary(def) && values.filter((v) => get(v, 'primary') === true).length > 1) {
    throw invalidValue(`only one value of ${def.name} may be primary`);
  }
}

/** `primary: true` on a value just set makes every other value non-primary (RFC 7644 section 3.5.2). */
function normalizePrimary(def: AttributeDefinition, list: unknown[], touched: unknown[]): unknown[] {
  if (!hasPrimary(def)) return list;
  const chosen = touched.filter((v) => get(v, 'primary') === true);
  if (chosen.length > 1) throw invalidValue(`only one value of ${def.name} may be primary`);
  if (chosen.length === 0) return list;
  return list.map((v) => (v !== chosen[0] && isObject(v) && get(v, 'primary') === true ? withKey(v, 'primary', false) : v));
}

/**
 * A whole value replacing `old` keeps `old`'s read-only sub-attributes, which a client cannot
 * set, and its immutable ones that the new value does not give.
 */
function keepProtected(def: AttributeDefinition, old: unknown, fresh: Json): Json {
  if (def.mutability === 'readOnly' || !isObject(old)) return fresh;
  let result = fresh;
  for (const sub of def.subAttributes ?? []) {
    const value = get(old, sub.name);
    if (!isAssigned(value)) continue;
    if (sub.mutability === 'readOnly' || (sub.mutability === 'immutable' && !isAssigned(get(fresh, sub.name)))) {
      result = withKey(result, sub.name, value);
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Reading and writing the working copy

function containerObject(context: Context, container: Container, create: boolean): Json | undefined {
  if (container.core) return context.resource;
  const key = findKey(context.resource, container.uri);
  const existing = key === undefined ? undefined : context.resource[key];
  if (isObject(existing)) return existing;
  if (!create) return undefined;
  if (key !== undefined) delete context.resource[key];
  const created: Json = {};
  context.resource[container.uri] = created;
  return created;
}

function readAttribute(context: Context, target: Target): unknown {
  const object = containerObject(context, target.container, false);
  return object === undefined ? undefined : getCaseInsensitive(object, target.def.name);
}

function writeAttribute(context: Context, target: Target, value: unknown) {
  if (!target.container.core) context.touchedExtensions.add(target.container.uri);
  const object = containerObject(context, target.container, isAssigned(value));
  if (object === undefined) return;
  for (const key of Object.keys(object)) if (key.toLowerCase() === target.def.name.toLowerCase()) delete object[key];
  if (isAssigned(value)) object[target.def.name] = value;
}

/** Keeps `schemas` in step with the extension objects the operations changed. */
function syncSchemas(context: Context) {
  const { resource } = context;
  for (const uri of context.touchedExtensions) {
    const key = findKey(resource, uri);
    const present = key !== undefined && isAssigned(resource[key]);
    if (key !== undefined && !present) delete resource[key];
    const schemasKey = findKey(resource, 'schemas') ?? 'schemas';
    const current = resource[schemasKey];
    const schemas = Array.isArray(current) ? current.filter((s): s is string => typeof s === 'string') : [context.core.uri];
    const listed = schemas.some((s) => sameUri(s, uri));
    if (present && !listed) resource[schemasKey] = [...schemas, uri];
    else if (!present && listed) resource[schemasKey] = schemas.filter((s) => !sameUri(s, uri));
  }
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Assigned in the sense of RFC 7643 section 2.5: not null, not [], not an object of unassigned values. */
function isAssigned(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.some(isAssigned);
  if (isObject(value)) return Object.values(value).some(isAssigned);
  return true;
}

function sameUri(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function findAttribute(defs: AttributeDefinition[], name: string): AttributeDefinition | undefined {
  const lower = name.toLowerCase();
  return defs.find((d) => d.name.toLowerCase() === lower);
}

function findKey(object: Json, name: string): string | undefined {
  if (Object.hasOwn(object, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(object).find((k) => k.toLowerCase() === lower);
}

function get(value: unknown, name: string): unknown {
  return isObject(value) ? getCaseInsensitive(value, name) : undefined;
}

function toList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** A copy of `object` with `name` (in any letter case) set to `value`, or removed when undefined. */
function withKey(object: Json, name: string, value: unknown): Json {
  const result: Json = {};
  for (const [k, v] of Object.entries(object)) if (k.toLowerCase() !== name.toLowerCase()) result[k] = v;
  if (value !== undefined) result[name] = value;
  return result;
}

/** `base` with `changes` applied: a null in `changes` removes that key. */
function merge(base: Json, changes: Json): Json {
  let result = { ...base };
  for (const [k, v] of Object.entries(changes)) result = withKey(result, k, v === null ? undefined : v);
  return result;
}

function compact(object: Json): Json {
  const result: Json = {};
  for (const [k, v] of Object.entries(object)) if (isAssigned(v)) result[k] = v;
  return result;
}

function compactOrUndefined(object: Json): Json | undefined {
  const result = compact(object);
  return Object.keys(result).length === 0 ? undefined : result;
}
