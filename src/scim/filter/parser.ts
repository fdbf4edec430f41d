// SCIM 2.0 filter parser (RFC 7644 section 3.4.2.2, figure 1) and PATCH path parser (section
// 3.5.2, figure 7). Pure: a string in, an AST (./ast.ts) out, or a ScimError with scimType
// invalidFilter (filters) or invalidPath (PATCH paths) whose detail says what is wrong and at
// which character position (1-based).
//
// Grammar, as implemented (RFC figure 1 plus errata 7319 and 7322, see the notes below):
//
//   FILTER    = orExp
//   orExp     = andExp *(SP "or" SP andExp)          ; left-associative
//   andExp    = unary *(SP "and" SP unary)           ; left-associative
//   unary     = "not" *WSP "(" FILTER ")"            ; `not` always takes parentheses
//             / "(" FILTER ")"
//             / valuePath / attrExp
//   valuePath = attrPath "[" valFilter "]"           ; attrPath without subAttr; no nesting
//   attrExp   = attrPath SP "pr" / attrPath SP compareOp SP compValue
//   compValue = false / null / true / number / string ; JSON (RFC 8259) literals
//   attrPath  = [URI ":"] ATTRNAME [subAttr]
//   ATTRNAME  = ALPHA *(nameChar) / "$ref"
//   subAttr   = "." ATTRNAME
//   PATH      = attrPath / valuePath [subAttr]      ; PATCH paths
//
// Decisions beyond the ABNF:
// - Operators and the words and/or/not are case-insensitive; true/false/null are JSON and so
//   lowercase only.
// - Where the ABNF has SP, any run of spaces and tabs is accepted; whitespace around
//   parentheses and brackets is optional; leading and trailing whitespace is ignored. Two words
//   or strings must be separated by whitespace (`a eq"x"` is rejected).
// - The URI prefix is everything up to the last colon of the attribute path; it must look like
//   an absolute URI (scheme ":" ...). So `urn:...:2.0:User:name.givenName` splits into the URI
//   `urn:...:2.0:User` and `name.givenName`.
// - Inside a value filter (`emails[...]`) attribute paths are relative to the multi-valued
//   attribute: a URI prefix, a sub-attribute or another value path there is rejected (complex
//   sub-attributes cannot themselves be complex, RFC 7643 section 2.3.8).
// - `attr[filter].subAttr` is only allowed in PATCH paths; `attr.sub[filter]` nowhere.
// - Nesting depth counts each `(`, each `not` and each `[`; deeper than MAX_FILTER_DEPTH fails.

import { invalidFilter, invalidPath, type ScimError } from '../errors.ts';
import type { AttrPath, CompareOperator, CompareValue, FilterNode, PatchPath } from './ast.ts';

/** Longest filter or PATCH path accepted, in UTF-16 code units; longer input is refused unread. */
export const MAX_FILTER_LENGTH = 8192;
/** Deepest nesting of parentheses, `not` and value paths accepted. */
export const MAX_FILTER_DEPTH = 32;

type Token =
  | { type: 'word'; text: string; pos: number; spaced: boolean }
  | { type: 'string'; value: string; pos: number; spaced: boolean }
  | { type: '(' | ')' | '[' | ']' | 'end'; pos: number; spaced: boolean };

type WordToken = Extract<Token, { type: 'word' }>;
type ValuePathNode = Extract<FilterNode, { kind: 'valuePath' }>;

type Fail = (detail: string) => never;

const COMPARE_OPERATORS: ReadonlySet<string> = new Set<CompareOperator>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const ATTRNAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
const REF = /^\$ref$/i;
const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
// scheme ":" then RFC 3986 characters other than the parentheses and brackets the filter grammar uses.
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9\-._~:@/?#!$&'*+,;=%]+$/;
const BAD_PERCENT = /%(?![0-9A-Fa-f]{2})/;
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Parses a SCIM filter expression (the `filter` query parameter or SearchRequest attribute). */
export function parseFilter(input: string): FilterNode {
  const parser = new Parser(input, invalidFilter, 'filter');
  const node = parser.parseOr(false);
  parser.expectEnd();
  return node;
}

/** Parses a SCIM PATCH operation `path` (RFC 7644 section 3.5.2). */
export function parsePatchPath(input: string): PatchPath {
  const parser = new Parser(input, invalidPath, 'path');
  const result = parser.parsePath();
  parser.expectEnd();
  return result;
}

class Parser {
  private readonly tokens: Token[];
  private readonly what: 'filter' | 'path';
  private readonly fail: Fail;
  private index = 0;
  private depth = 0;

  constructor(input: unknown, makeError: (detail: string) => ScimError, what: 'filter' | 'path') {
    this.what = what;
    this.fail = (detail) => {
      throw makeError(detail);
    };
    if (typeof input !== 'string') this.fail(`the ${what} must be a string`);
    if (input.length > MAX_FILTER_LENGTH) this.fail(`the ${what} is ${input.length} characters long; the limit is ${MAX_FILTER_LENGTH}`);
    this.tokens = tokenize(input, this.fail);
    if (this.tokens.length === 1) this.fail(`the ${what} is empty`);
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)];
  }

  private next(): Token {
    const token = this.tokens[this.index];
    if (token.type !== 'end') this.index++;
    return token;
  }

  private enter(token: Token, what: string) {
    this.depth++;
    if (this.depth > MAX_FILTER_DEPTH) this.fail(`${what} ${at(token)} nests deeper than ${MAX_FILTER_DEPTH} levels (parentheses, not and value paths count)`);
  }

  private leave() {
    this.depth--;
  }

  parseOr(inValueFilter: boolean): FilterNode {
    let left = this.parseAnd(inValueFilter);
    while (isKeyword(this.peek(), 'or')) {
      this.next();
      const right = this.parseAnd(inValueFilter);
      left = { kind: 'or', left, right };
    }
    return left;
  }

  private parseAnd(inValueFilter: boolean): FilterNode {
    let left = this.parseUnary(inValueFilter);
    while (isKeyword(this.peek(), 'and')) {
      this.next();
      const right = this.parseUnary(inValueFilter);
      left = { kind: 'and', left, right };
    }
    return left;
  }

  private parseUnary(inValueFilter: boolean): FilterNode {
    const token = this.peek();
    if (token.type === '(') {
      this.next();
      this.enter(token, "'('");
      if (this.peek().type === ')') this.fail(`empty parentheses ${at(token)}`);
      const inner = this.parseOr(inValueFilter);
      this.expectClose(')', token);
      this.leave();
      return inner;
    }
    if (token.type === 'word') {
      if (isKeyword(token, 'not')) {
        const after = this.peek(1);
        if (after.type === '(') {
          this.next();
          this.enter(token, "'not'");
          const inner = this.parseUnary(inValueFilter);
          this.leave();
          return { kind: 'not', filter: inner };
        }
        // Otherwise `not` can only be an attribute that happens to be called "not".
        if (!(after.type === '[' || (after.type === 'word' && isOperatorWord(after.text)))) {
          this.fail(`'not' ${at(token)} must be followed by a filter in parentheses, e.g. not (title pr)`);
        }
      }
      return this.parseAttrExpression(token, inValueFilter);
    }
    return this.fail(`expected an attribute path, '(' or 'not (' ${at(token)}, found ${describe(token)}`);
  }

  private parseAttrExpression(token: WordToken, inValueFilter: boolean): FilterNode {
    this.next();
    const path = parseAttrPath(token.text, token.pos, inValueFilter, this.fail);
    const opToken = this.peek();
    if (opToken.type === '[') {
      if (inValueFilter) this.fail(`nested value path ${at(opToken)}: a value filter cannot contain another value path`);
      const node = this.parseValuePath(token, path);
      const after = this.peek();
      if (after.type === 'word' && !after.spaced && after.text.startsWith('.')) {
        // Not RFC 7644 grammar, but Microsoft Entra ID matches users with
        // `emails[type eq "work"].value eq "x"`: read it as `emails[type eq "work" and value eq "x"]`.
        this.next();
        const subAttribute = after.text.slice(1);
        if (subAttribute.includes('.')) this.fail(`${quote(after.text)} ${at(after)} has more than one sub-attribute; only one level is allowed`);
        checkName(subAttribute, after.pos + 1, 'sub-attribute', this.fail);
        const inner = this.parseOperation(after, { attribute: subAttribute });
        return { kind: 'valuePath', path: node.path, filter: { kind: 'and', left: node.filter, right: inner } };
      }
      return node;
    }
    return this.parseOperation(token, path);
  }

  /** The operator and value after attribute path `path` (written as `token`). */
  private parseOperation(token: WordToken, path: AttrPath): FilterNode {
    const opToken = this.peek();
    if (opToken.type !== 'word') {
      return this.fail(`expected an operator after ${quote(token.text)} ${at(opToken)}, found ${describe(opToken)}`);
    }
    this.next();
    const op = opToken.text.toLowerCase();
    if (op === 'pr') {
      const after = this.peek();
      if (after.type === 'string' || (after.type === 'word' && !isKeyword(after, 'and') && !isKeyword(after, 'or'))) {
        this.fail(`'pr' ${at(opToken)} takes no value, found ${describe(after)} ${at(after)}`);
      }
      return { kind: 'present', path };
    }
    if (!COMPARE_OPERATORS.has(op)) {
      return this.fail(`unknown operator ${quote(opToken.text)} ${at(opToken)}; expected one of eq, ne, co, sw, ew, gt, ge, lt, le, pr`);
    }
    const value = this.parseValue(opToken);
    return { kind: 'compare', path, op: op as CompareOperator, value };
  }

  private parseValue(opToken: WordToken): CompareValue {
    const token = this.peek();
    if (token.type === 'string') {
      this.next();
      return token.value;
    }
    if (token.type !== 'word' || isKeyword(token, 'and') || isKeyword(token, 'or')) {
      return this.fail(`missing value after ${quote(opToken.text)} ${at(opToken)}, found ${describe(token)} ${at(token)}`);
    }
    this.next();
    const text = token.text;
    if (text === 'true') return true;
    if (text === 'false') return false;
    if (text === 'null') return null;
    if (JSON_NUMBER.test(text)) {
      const value = Number(text);
      if (!Number.isFinite(value)) this.fail(`number ${quote(text)} ${at(token)} is out of range`);
      return value;
    }
    return this.fail(
      `value ${quote(text)} ${at(token)} is not a JSON literal: strings must be in double quotes; numbers, true, false and null are written bare (lowercase)`,
    );
  }

  private parseValuePath(attrToken: WordToken, path: AttrPath): ValuePathNode {
    const open = this.next();
    if (path.subAttribute !== undefined) {
      this.fail(`value filter ${at(open)} follows ${quote(attrToken.text)}, which has a sub-attribute; write it on a multi-valued attribute, e.g. emails[type eq "work"]`);
    }
    this.enter(open, "'['");
    if (this.peek().type === ']') this.fail(`empty value filter ${at(open)}`);
    const filter = this.parseOr(true);
    this.expectClose(']', open);
    this.leave();
    return { kind: 'valuePath', path, filter };
  }

  parsePath(): PatchPath {
    const token = this.peek();
    if (token.type !== 'word') return this.fail(`expected an attribute path ${at(token)}, found ${describe(token)}`);
    this.next();
    const path = parseAttrPath(token.text, token.pos, false, this.fail);
    if (this.peek().type !== '[') return { path };
    const valueFilter = this.parseValuePath(token, path).filter;
    const after = this.peek();
    if (after.type === 'word' && !after.spaced && after.text.startsWith('.')) {
      this.next();
      const subAttribute = after.text.slice(1);
      if (subAttribute.includes('.')) this.fail(`${quote(after.text)} ${at(after)} has more than one sub-attribute; only one level is allowed`);
      checkName(subAttribute, after.pos + 1, 'sub-attribute', this.fail);
      return { path, valueFilter, subAttribute };
    }
    return { path, valueFilter };
  }

  private expectClose(type: ')' | ']', open: Token) {
    const token = this.peek();
    if (token.type === type) {
      this.next();
      return;
    }
    const opener = type === ')' ? "'('" : "'['";
    if (token.type === 'end') this.fail(`missing '${type}' to close ${opener} ${at(open)}`);
    this.fail(`expected 'and', 'or' or '${type}' (to close ${opener} ${at(open)}) ${at(token)}, found ${describe(token)}`);
  }

  expectEnd() {
    const token = this.peek();
    if (token.type === 'end') return;
    if (token.type === ')' || token.type === ']') this.fail(`unbalanced '${token.type}' ${at(token)}`);
    if (this.what === 'path') this.fail(`unexpected ${describe(token)} ${at(token)}; expected the end of the path`);
    this.fail(`expected 'and', 'or' or the end of the filter ${at(token)}, found ${describe(token)}`);
  }
}

/** Splits `[uri:]name[.sub]` and checks each part. */
function parseAttrPath(text: string, pos: number, relative: boolean, fail: Fail): AttrPath {
  let rest = text;
  let restPos = pos;
  let uri: string | undefined;
  const colon = text.lastIndexOf(':');
  if (colon >= 0) {
    uri = text.slice(0, colon);
    if (relative) {
      fail(`${quote(text)} ${atPos(pos)} has a schema URI; inside a value filter attributes are relative to the multi-valued attribute (e.g. type, value)`);
    }
    if (!URI.test(uri)) fail(`${quote(uri)} ${atPos(pos)} is not a valid schema URI`);
    const bad = BAD_PERCENT.exec(uri);
    if (bad) fail(`invalid percent-encoding in schema URI ${atPos(pos + bad.index)}`);
    rest = text.slice(colon + 1);
    restPos = pos + colon + 1;
  }
  const dot = rest.indexOf('.');
  const attribute = dot < 0 ? rest : rest.slice(0, dot);
  checkName(attribute, restPos, 'attribute', fail);
  if (dot < 0) return uri === undefined ? { attribute } : { uri, attribute };
  const subAttribute = rest.slice(dot + 1);
  const subPos = restPos + dot + 1;
  if (relative) {
    fail(`${quote(text)} ${atPos(pos)} has a sub-attribute; inside a value filter use the sub-attribute name alone (e.g. type, value)`);
  }
  if (subAttribute.includes('.')) fail(`${quote(text)} ${atPos(pos)} has more than one sub-attribute; only one level is allowed`);
  checkName(subAttribute, subPos, 'sub-attribute', fail);
  return uri === undefined ? { attribute, subAttribute } : { uri, attribute, subAttribute };
}

function checkName(name: string, pos: number, role: 'attribute' | 'sub-attribute', fail: Fail) {
  if (ATTRNAME.test(name) || REF.test(name)) return;
  if (name === '') fail(`missing ${role} name ${atPos(pos)}`);
  if (!/^[A-Za-z]/.test(name)) fail(`${role} name ${quote(name)} ${atPos(pos)} must start with a letter`);
  const bad = /[^A-Za-z0-9_-]/.exec(name);
  const index = bad ? bad.index : 0;
  fail(`invalid character ${quote(name[index])} in ${role} name ${quote(name)} ${atPos(pos + index)}`);
}

/** Splits the input into tokens in one pass; no backtracking, no recursion. */
function tokenize(input: string, fail: Fail): Token[] {
  const tokens: Token[] = [];
  const length = input.length;
  let i = 0;
  let spaced = true;
  while (i < length) {
    const c = input.charCodeAt(i);
    if (c === 0x20 || c === 0x09) {
      i++;
      spaced = true;
      continue;
    }
    if (c === 0x28 || c === 0x29 || c === 0x5b || c === 0x5d) {
      tokens.push({ type: input[i] as '(' | ')' | '[' | ']', pos: i, spaced });
      i++;
      spaced = false;
      continue;
    }
    if (c < 0x20 || c === 0x7f) fail(`unexpected control character U+${hex4(c)} ${atPos(i)}`);
    const previous = tokens.length > 0 ? tokens[tokens.length - 1] : undefined;
    const adjacent = !spaced && (previous?.type === 'word' || previous?.type === 'string');
    if (adjacent && previous) fail(`missing space between ${describe(previous)} and what follows ${atPos(i)}`);
    if (c === 0x22) {
      const start = i;
      const [value, end] = readString(input, i, fail);
      tokens.push({ type: 'string', value, pos: start, spaced });
      i = end;
    } else {
      const start = i;
      while (i < length && isWordChar(input.charCodeAt(i))) i++;
      tokens.push({ type: 'word', text: input.slice(start, i), pos: start, spaced });
    }
    spaced = false;
  }
  tokens.push({ type: 'end', pos: length, spaced });
  return tokens;
}

function isWordChar(c: number): boolean {
  return c > 0x20 && c !== 0x7f && c !== 0x22 && c !== 0x28 && c !== 0x29 && c !== 0x5b && c !== 0x5d;
}

/** Reads the JSON string starting at input[start] (a double quote); returns its value and the index after it. */
function readString(input: string, start: number, fail: Fail): [string, number] {
  const length = input.length;
  const parts: string[] = [];
  let i = start + 1;
  let segment = i;
  for (;;) {
    if (i >= length) fail(`unterminated string starting ${atPos(start)}`);
    const c = input.charCodeAt(i);
    if (c === 0x22) {
      parts.push(input.slice(segment, i));
      return [parts.join(''), i + 1];
    }
    if (c === 0x5c) {
      parts.push(input.slice(segment, i));
      const escape = input[i + 1];
      if (escape === undefined) fail(`unterminated string starting ${atPos(start)}`);
      if (escape === 'u') {
        const digits = input.slice(i + 2, i + 6);
        if (!/^[0-9A-Fa-f]{4}$/.test(digits)) fail(`invalid \\u escape in string ${atPos(i)}: expected 4 hex digits`);
        // No stored value can contain U+0000 (PostgreSQL text cannot hold it).
        if (parseInt(digits, 16) === 0) fail(`\\u0000 ${atPos(i)} is not allowed in a string`);
        parts.push(String.fromCharCode(parseInt(digits, 16)));
        i += 6;
      } else {
        const decoded = ESCAPES[escape];
        if (decoded === undefined) fail(`invalid escape ${quote('\\' + escape)} in string ${atPos(i)}`);
        parts.push(decoded);
        i += 2;
      }
      segment = i;
      continue;
    }
    if (c < 0x20) fail(`unescaped control character U+${hex4(c)} in string ${atPos(i)}`);
    i++;
  }
}

function isKeyword(token: Token, word: 'and' | 'or' | 'not'): boolean {
  return token.type === 'word' && token.text.length === word.length && token.text.toLowerCase() === word;
}

function isOperatorWord(text: string): boolean {
  const lower = text.toLowerCase();
  return lower === 'pr' || COMPARE_OPERATORS.has(lower);
}

function at(token: Token): string {
  return token.type === 'end' ? 'at the end of the input' : atPos(token.pos);
}

function atPos(index: number): string {
  return `at position ${index + 1}`;
}

function describe(token: Token): string {
  switch (token.type) {
    case 'word':
      return quote(token.text);
    case 'string':
      return 'a string';
    case 'end':
      return 'the end of the input';
    default:
      return `'${token.type}'`;
  }
}

function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

function hex4(c: number): string {
  return c.toString(16).toUpperCase().padStart(4, '0');
}
