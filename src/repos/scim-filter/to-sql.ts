// Translates a parsed SCIM filter into one parameterised SQL condition. Every value is a bound
// parameter; LIKE wildcards in values are escaped; nothing is evaluated in memory. Which
// attribute maps to which column is described by a FilterSchema (see ./targets.ts).

import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import type { AttrPath, CompareOperator, CompareValue, FilterNode } from '../../scim/filter/ast.ts';
import { invalidFilter } from '../../scim/errors.ts';

export type ScalarType = 'string' | 'boolean' | 'dateTime' | 'integer';

/** A single column. */
export interface ColumnTarget {
  kind: 'column';
  column: RawBuilder<unknown>;
  type: ScalarType;
  /** Compared exactly as stored (ids); otherwise strings compare case-insensitively. */
  caseExact?: boolean;
  /** Stored already lower-cased: compare against the lower-cased value without lower() on the column (keeps indexes usable). */
  storedLowerCase?: boolean;
  /** Converts the filter value to the stored one (for example "LOCKED" to "locked"). */
  mapValue?: (value: CompareValue) => CompareValue;
}

/** An attribute that is not one column (for example `active`, derived from the account state). */
export interface ComputedTarget {
  kind: 'computed';
  type: ScalarType;
  compare(op: CompareOperator, value: CompareValue): Expression<SqlBool>;
  present(): Expression<SqlBool>;
}

/** A multi-valued attribute kept in child rows: filters on it become EXISTS sub-queries. */
export interface MultiValuedTarget {
  kind: 'multi';
  exists(condition: Expression<SqlBool>): Expression<SqlBool>;
  subAttributes: Record<string, ColumnTarget | ComputedTarget>;
  /** Used when the filter names the attribute alone (`emails co "@acme"` means its value). */
  defaultSubAttribute: string;
}

export type FilterTarget = ColumnTarget | ComputedTarget | MultiValuedTarget;

export interface FilterSchema {
  /** The core schema's URI: attributes under it may be written with or without it. */
  coreUri: string;
  /** Extension schema URIs, lower-cased; their attributes are keyed `uri:attribute`. */
  extensionUris: string[];
  /** Keys are lower-cased: `username`, `name.familyname`, `emails`, `urn:scim:wso2:schema:accountstate`. */
  targets: Record<string, FilterTarget>;
}

const TRUE = sql<SqlBool>`1 = 1`;
const FALSE = sql<SqlBool>`1 = 0`;

function displayName(path: AttrPath): string {
  return `${path.uri ? `${path.uri}:` : ''}${path.attribute}${path.subAttribute ? `.${path.subAttribute}` : ''}`;
}

/** The key of a path's attribute (without sub-attribute) in a schema's targets. */
function attributeKey(schema: FilterSchema, path: AttrPath): string {
  const attribute = path.attribute.toLowerCase();
  if (path.uri) {
    const uri = path.uri.toLowerCase();
    if (uri === schema.coreUri.toLowerCase()) return attribute;
    if (schema.extensionUris.includes(uri)) return `${uri}:${attribute}`;
    throw invalidFilter(`Unknown schema "${path.uri}" in filter`);
  }
  if (schema.targets[attribute] || schema.targets[`${attribute}.`]) return attribute;
  // Extension attributes are accepted unqualified when the name is not a core attribute.
  for (const uri of schema.extensionUris) if (schema.targets[`${uri}:${attribute}`]) return `${uri}:${attribute}`;
  return attribute;
}

interface Resolved {
  target: ColumnTarget | ComputedTarget;
  /** Set when the target lives in a multi-valued attribute's child rows. */
  multi?: MultiValuedTarget;
}

function resolve(schema: FilterSchema, path: AttrPath): Resolved {
  const key = attributeKey(schema, path);
  const sub = path.subAttribute?.toLowerCase();
  const whole = schema.targets[key];
  if (whole?.kind === 'multi') {
    const subName = sub ?? whole.defaultSubAttribute;
    const target = whole.subAttributes[subName];
    if (!target) throw invalidFilter(`Unknown or unfilterable attribute "${displayName(path)}"`);
    return { target, multi: whole };
  }
  const target = sub ? schema.targets[`${key}.${sub}`] : whole;
  if (!target || target.kind === 'multi') throw invalidFilter(`Unknown or unfilterable attribute "${displayName(path)}"`);
  return { target };
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

function checkValueType(target: ColumnTarget | ComputedTarget, op: CompareOperator, value: CompareValue, name: string): void {
  if (value === null) {
    if (op !== 'eq' && op !== 'ne') throw invalidFilter(`"${op}" cannot compare "${name}" with null`);
    return;
  }
  switch (target.type) {
    case 'boolean':
      if (typeof value !== 'boolean') throw invalidFilter(`"${name}" is a boolean: compare it with true or false`);
      if (op !== 'eq' && op !== 'ne') throw invalidFilter(`"${op}" does not apply to the boolean "${name}"; use eq or ne`);
      return;
    case 'dateTime':
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw invalidFilter(`"${name}" is a dateTime: compare it with an ISO 8601 string`);
      if (op === 'co' || op === 'sw' || op === 'ew') throw invalidFilter(`"${op}" does not apply to the dateTime "${name}"`);
      return;
    case 'integer':
      if (typeof value !== 'number') throw invalidFilter(`"${name}" is a number`);
      if (op === 'co' || op === 'sw' || op === 'ew') throw invalidFilter(`"${op}" does not apply to the number "${name}"`);
      return;
    case 'string':
      if (typeof value !== 'string') throw invalidFilter(`"${name}" is a string: put the value in double quotes`);
  }
}

const SQL_OPERATOR: Record<'eq' | 'gt' | 'ge' | 'lt' | 'le', string> = { eq: '=', gt: '>', ge: '>=', lt: '<', le: '<=' };

function compareColumn(target: ColumnTarget, op: CompareOperator, rawValue: CompareValue): Expression<SqlBool> {
  const value = target.mapValue ? target.mapValue(rawValue) : rawValue;
  const column = target.column;
  if (value === null) return op === 'eq' ? sql<SqlBool>`${column} is null` : sql<SqlBool>`${column} is not null`;

  if (target.type === 'dateTime') {
    const date = new Date(value as string);
    if (op === 'ne') return sql<SqlBool>`(${column} is null or ${column} <> ${date})`;
    return sql<SqlBool>`${column} ${sql.raw(SQL_OPERATOR[op as keyof typeof SQL_OPERATOR])} ${date}`;
  }
  if (target.type !== 'string') {
    if (op === 'ne') return sql<SqlBool>`(${column} is null or ${column} <> ${value})`;
    return sql<SqlBool>`${column} ${sql.raw(SQL_OPERATOR[op as keyof typeof SQL_OPERATOR])} ${value}`;
  }

  const text = target.caseExact ? (value as string) : (value as string).toLowerCase();
  const subject = target.caseExact || target.storedLowerCase ? column : sql`lower(${column})`;
  switch (op) {
    case 'eq':
      return sql<SqlBool>`${subject} = ${text}`;
    case 'ne':
      return sql<SqlBool>`(${column} is null or ${subject} <> ${text})`;
    case 'co':
      return sql<SqlBool>`${subject} like ${`%${escapeLike(text)}%`} escape '\\'`;
    case 'sw':
      return sql<SqlBool>`${subject} like ${`${escapeLike(text)}%`} escape '\\'`;
    case 'ew':
      return sql<SqlBool>`${subject} like ${`%${escapeLike(text)}`} escape '\\'`;
    default:
      return sql<SqlBool>`${subject} ${sql.raw(SQL_OPERATOR[op])} ${text}`;
  }
}

function compare(target: ColumnTarget | ComputedTarget, op: CompareOperator, value: CompareValue, name: string): Expression<SqlBool> {
  checkValueType(target, op, value, name);
  return target.kind === 'computed' ? target.compare(op, value) : compareColumn(target, op, value);
}

function present(target: ColumnTarget | ComputedTarget): Expression<SqlBool> {
  if (target.kind === 'computed') return target.present();
  return target.type === 'string' ? sql<SqlBool>`(${target.column} is not null and ${target.column} <> '')` : sql<SqlBool>`${target.column} is not null`;
}

/**
 * `not`: "a match if the expression does not evaluate to true" (RFC 7644 section 3.4.2.2). A
 * comparison with an unassigned attribute is NULL in SQL, and `not NULL` is NULL, which would
 * drop users without the attribute; `is not true` keeps them. Both engines support it.
 */
function notTrue(condition: Expression<SqlBool>): Expression<SqlBool> {
  return sql<SqlBool>`((${condition}) is not true)`;
}

/** Translates the inner filter of a value path against the multi-valued attribute's sub-attributes. */
function translateWithin(multi: MultiValuedTarget, node: FilterNode, name: string): Expression<SqlBool> {
  switch (node.kind) {
    case 'and':
      return sql<SqlBool>`(${translateWithin(multi, node.left, name)} and ${translateWithin(multi, node.right, name)})`;
    case 'or':
      return sql<SqlBool>`(${translateWithin(multi, node.left, name)} or ${translateWithin(multi, node.right, name)})`;
    case 'not':
      return notTrue(translateWithin(multi, node.filter, name));
    case 'valuePath':
      throw invalidFilter('Value paths cannot be nested');
    case 'compare':
    case 'present': {
      if (node.path.uri || node.path.subAttribute) throw invalidFilter(`Inside ${name}[...] name sub-attributes alone, such as "value" or "type"`);
      const target = multi.subAttributes[node.path.attribute.toLowerCase()];
      if (!target) throw invalidFilter(`Unknown sub-attribute "${node.path.attribute}" of "${name}"`);
      return node.kind === 'present' ? present(target) : compare(target, node.op, node.value, `${name}.${node.path.attribute}`);
    }
  }
}

export function filterToSql(schema: FilterSchema, node: FilterNode): Expression<SqlBool> {
  switch (node.kind) {
    case 'and':
      return sql<SqlBool>`(${filterToSql(schema, node.left)} and ${filterToSql(schema, node.right)})`;
    case 'or':
      return sql<SqlBool>`(${filterToSql(schema, node.left)} or ${filterToSql(schema, node.right)})`;
    case 'not':
      return notTrue(filterToSql(schema, node.filter));
    case 'valuePath': {
      const whole = schema.targets[attributeKey(schema, node.path)];
      if (!whole || whole.kind !== 'multi') throw invalidFilter(`"${displayName(node.path)}" is not a multi-valued attribute that can be filtered`);
      return whole.exists(translateWithin(whole, node.filter, node.path.attribute));
    }
    case 'present': {
      // A multi-valued attribute named alone is present when it has any value at all (addresses
      // have no `value` sub-attribute to look at).
      const whole = node.path.subAttribute ? undefined : schema.targets[attributeKey(schema, node.path)];
      if (whole?.kind === 'multi') return whole.exists(TRUE);
      const { target, multi } = resolve(schema, node.path);
      return multi ? multi.exists(present(target)) : present(target);
    }
    case 'compare': {
      const { target, multi } = resolve(schema, node.path);
      const condition = compare(target, node.op, node.value, displayName(node.path));
      return multi ? multi.exists(condition) : condition;
    }
  }
}

export const ALWAYS_TRUE = TRUE;
export const ALWAYS_FALSE = FALSE;
