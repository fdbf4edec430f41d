// SQL over the JSON text columns that hold a user's profile and enterprise attributes
// (users.profile_json, users.enterprise_json). The two engines read JSON differently:
// PostgreSQL casts the text to jsonb and uses ->> and jsonb_array_elements, SQLite uses
// json_extract and json_each on the text itself. Keys and values are bound parameters.

import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';

export type SqlEngine = 'postgres' | 'sqlite';

/** The text of `key` in the JSON object stored in `column`; null when absent. */
export function jsonText(engine: SqlEngine, column: RawBuilder<unknown>, key: string): RawBuilder<unknown> {
  return engine === 'postgres' ? sql`(cast(${column} as jsonb) ->> ${key})` : sql`json_extract(${column}, ${`$."${key}"`})`;
}

/** The text of `sub` in `outer.key`, an object nested one level down (name.middleName, manager.value). */
export function jsonNestedText(engine: SqlEngine, column: RawBuilder<unknown>, key: string, sub: string): RawBuilder<unknown> {
  return engine === 'postgres' ? sql`(cast(${column} as jsonb) -> ${key} ->> ${sub})` : sql`json_extract(${column}, ${`$."${key}"."${sub}"`})`;
}

/** One element of a JSON array, inside `elementsExist`. */
const ELEMENT = sql.ref('scim_element.value');

/** The text of `sub` in the current array element. */
export function elementText(engine: SqlEngine, sub: string): RawBuilder<unknown> {
  return engine === 'postgres' ? sql`(${ELEMENT} ->> ${sub})` : sql`json_extract(${ELEMENT}, ${`$."${sub}"`})`;
}

/**
 * A boolean sub-attribute of the current element, as a boolean (PostgreSQL) or 1/0 (SQLite:
 * json_extract turns JSON true and false into 1 and 0, which is how booleans are bound there).
 * Unassigned is false: a value without `primary` is not the primary one.
 */
export function elementBoolean(engine: SqlEngine, sub: string): RawBuilder<unknown> {
  return engine === 'postgres'
    ? sql`coalesce(case when jsonb_typeof(${ELEMENT} -> ${sub}) = 'boolean' then (${ELEMENT} -> ${sub})::boolean end, false)`
    : sql`coalesce(json_extract(${ELEMENT}, ${`$."${sub}"`}), 0)`;
}

/** Whether some element of the JSON array `column`.`key` satisfies `condition` (written with the element helpers). */
export function elementsExist(engine: SqlEngine, column: RawBuilder<unknown>, key: string, condition: Expression<SqlBool>): Expression<SqlBool> {
  return engine === 'postgres'
    ? sql<SqlBool>`exists (select 1 from jsonb_array_elements(case when jsonb_typeof(cast(${column} as jsonb) -> ${key}) = 'array' then cast(${column} as jsonb) -> ${key} else '[]'::jsonb end) as scim_element(value) where ${condition})`
    : sql<SqlBool>`exists (select 1 from json_each(${column}, ${`$."${key}"`}) as scim_element where ${condition})`;
}
