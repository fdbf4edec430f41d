// The syntax tree of SCIM 2.0 filters (RFC 7644 section 3.4.2.2) and PATCH paths (section 3.5.2),
// as produced by ./parser.ts. Plain data: no classes, nothing to evaluate.

export interface AttrPath { uri?: string; attribute: string; subAttribute?: string } // names as written; consumers compare case-insensitively

export type CompareOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

export type CompareValue = string | number | boolean | null;

export type FilterNode =
  | { kind: 'compare'; path: AttrPath; op: CompareOperator; value: CompareValue }
  | { kind: 'present'; path: AttrPath }
  | { kind: 'and'; left: FilterNode; right: FilterNode }
  | { kind: 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; filter: FilterNode }
  | { kind: 'valuePath'; path: AttrPath; filter: FilterNode }; // path has no subAttribute; inner filter paths are relative to the multi-valued attribute (e.g. `type`, `value`)

export interface PatchPath { path: AttrPath; valueFilter?: FilterNode; subAttribute?: string } // e.g. members[value eq "x"], emails[type eq "work"].value, name.givenName, urn:...:User:name.givenName
