import { describe, expect, it } from 'vitest';
import { ScimError } from '../errors.ts';
import type { AttrPath, CompareOperator, CompareValue, FilterNode } from './ast.ts';
import { MAX_FILTER_DEPTH, MAX_FILTER_LENGTH, parseFilter, parsePatchPath } from './parser.ts';

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const path = (attribute: string, subAttribute?: string, uri?: string): AttrPath => ({
  ...(uri !== undefined && { uri }),
  attribute,
  ...(subAttribute !== undefined && { subAttribute }),
});
const cmp = (p: string | AttrPath, op: CompareOperator, value: CompareValue): FilterNode => ({
  kind: 'compare',
  path: typeof p === 'string' ? path(p) : p,
  op,
  value,
});
const pr = (p: string | AttrPath): FilterNode => ({ kind: 'present', path: typeof p === 'string' ? path(p) : p });
const and = (left: FilterNode, right: FilterNode): FilterNode => ({ kind: 'and', left, right });
const or = (left: FilterNode, right: FilterNode): FilterNode => ({ kind: 'or', left, right });
const not = (filter: FilterNode): FilterNode => ({ kind: 'not', filter });
const vp = (attribute: string, filter: FilterNode, uri?: string): FilterNode => ({ kind: 'valuePath', path: path(attribute, undefined, uri), filter });

function rejection(parse: () => unknown): ScimError {
  let error: unknown;
  try {
    parse();
  } catch (e) {
    error = e;
  }
  if (error === undefined) throw new Error('expected the input to be rejected');
  expect(error).toBeInstanceOf(ScimError);
  return error as ScimError;
}

/** Asserts parseFilter rejects the input with invalidFilter and returns the detail message. */
function filterError(input: string): string {
  const error = rejection(() => parseFilter(input));
  expect(error.status).toBe(400);
  expect(error.scimType).toBe('invalidFilter');
  return error.message;
}

/** Asserts parsePatchPath rejects the input with invalidPath and returns the detail message. */
function pathError(input: string): string {
  const error = rejection(() => parsePatchPath(input));
  expect(error.status).toBe(400);
  expect(error.scimType).toBe('invalidPath');
  return error.message;
}

function timed<T>(run: () => T): { result: T; ms: number } {
  const start = performance.now();
  const result = run();
  return { result, ms: performance.now() - start };
}

describe('parseFilter: attribute operators', () => {
  it.each(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'] as const)('parses %s', (op) => {
    expect(parseFilter(`userName ${op} "bjensen"`)).toEqual(cmp('userName', op, 'bjensen'));
  });

  it('parses pr', () => {
    expect(parseFilter('title pr')).toEqual(pr('title'));
  });

  it.each(['EQ', 'Eq', 'eQ', 'NE', 'Co', 'SW', 'eW', 'GT', 'Ge', 'LT', 'lE'])('accepts the operator %s case-insensitively', (op) => {
    expect(parseFilter(`a ${op} 1`)).toEqual(cmp('a', op.toLowerCase() as CompareOperator, 1));
  });

  it.each(['PR', 'Pr', 'pR'])('accepts %s case-insensitively', (op) => {
    expect(parseFilter(`title ${op}`)).toEqual(pr('title'));
  });

  it('keeps attribute names as written', () => {
    expect(parseFilter('USERNAME eq "x"')).toEqual(cmp('USERNAME', 'eq', 'x'));
  });
});

describe('parseFilter: values', () => {
  it.each([
    ['"bjensen"', 'bjensen'],
    ['""', ''],
    ['"O\'Malley"', "O'Malley"],
    ['"say \\"hi\\""', 'say "hi"'],
    ['"back\\\\slash"', 'back\\slash'],
    ['"a\\/b"', 'a/b'],
    ['"\\b\\f\\n\\r\\t"', '\b\f\n\r\t'],
    ['"caf\\u00e9"', 'café'],
    ['"caf\\u00E9"', 'café'],
    ['"\\ud83d\\ude00"', '😀'],
    ['"café 😀"', 'café 😀'],
    ['"a and b or c"', 'a and b or c'],
    ['"(not) [x] eq pr"', '(not) [x] eq pr'],
    ['"  spaces\tand tab-free  "'.replace('\t', ' '), '  spaces and tab-free  '],
  ])('parses the string %s', (literal, value) => {
    expect(parseFilter(`a eq ${literal}`)).toEqual(cmp('a', 'eq', value));
  });

  it.each([
    ['0', 0],
    ['42', 42],
    ['-7', -7],
    ['3.14', 3.14],
    ['-0.5', -0.5],
    ['1e3', 1000],
    ['1E-2', 0.01],
    ['2.5e+2', 250],
  ])('parses the number %s', (literal, value) => {
    expect(parseFilter(`a gt ${literal}`)).toEqual(cmp('a', 'gt', value));
  });

  it('parses true, false and null', () => {
    expect(parseFilter('active eq true')).toEqual(cmp('active', 'eq', true));
    expect(parseFilter('active eq false')).toEqual(cmp('active', 'eq', false));
    expect(parseFilter('title eq null')).toEqual(cmp('title', 'eq', null));
  });

  it('keeps date-times as strings', () => {
    expect(parseFilter('meta.lastModified gt "2011-05-13T04:42:34Z"')).toEqual(cmp(path('meta', 'lastModified'), 'gt', '2011-05-13T04:42:34Z'));
  });
});

describe('parseFilter: attribute paths', () => {
  it('parses a sub-attribute', () => {
    expect(parseFilter('name.familyName co "O\'Malley"')).toEqual(cmp(path('name', 'familyName'), 'co', "O'Malley"));
  });

  it('splits a core schema URI (with colons and a dotted version) from the attribute', () => {
    expect(parseFilter(`${CORE_USER}:userName sw "J"`)).toEqual(cmp(path('userName', undefined, CORE_USER), 'sw', 'J'));
    expect(parseFilter(`${CORE_USER}:name.familyName eq "Jensen"`)).toEqual(cmp(path('name', 'familyName', CORE_USER), 'eq', 'Jensen'));
  });

  it('splits the enterprise extension URI', () => {
    expect(parseFilter(`${ENTERPRISE_USER}:department eq "Sales"`)).toEqual(cmp(path('department', undefined, ENTERPRISE_USER), 'eq', 'Sales'));
    expect(parseFilter(`${ENTERPRISE_USER}:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d"`)).toEqual(
      cmp(path('manager', 'value', ENTERPRISE_USER), 'eq', '26118915-6090-4610-87e4-49d8ca9f808d'),
    );
  });

  it('splits a vendor URN', () => {
    expect(parseFilter('urn:scim:wso2:schema:accountState eq "LOCKED"')).toEqual(cmp(path('accountState', undefined, 'urn:scim:wso2:schema'), 'eq', 'LOCKED'));
  });

  it('accepts URI-prefixed attributes inside logical expressions and value paths', () => {
    expect(parseFilter(`${CORE_USER}:emails[type eq "work"] and ${ENTERPRISE_USER}:department pr`)).toEqual(
      and(vp('emails', cmp('type', 'eq', 'work'), CORE_USER), pr(path('department', undefined, ENTERPRISE_USER))),
    );
  });

  it('accepts $ref as an attribute or sub-attribute name', () => {
    expect(parseFilter('members.$ref pr')).toEqual(pr(path('members', '$ref')));
    expect(parseFilter(`${ENTERPRISE_USER}:manager.$ref eq "https://example.test/Users/1"`)).toEqual(
      cmp(path('manager', '$ref', ENTERPRISE_USER), 'eq', 'https://example.test/Users/1'),
    );
    expect(parseFilter('members[$ref eq "https://example.test/Users/1"]')).toEqual(vp('members', cmp('$ref', 'eq', 'https://example.test/Users/1')));
  });

  it('accepts digits, hyphens and underscores after the first letter', () => {
    expect(parseFilter('x-custom_attr2 eq 1')).toEqual(cmp('x-custom_attr2', 'eq', 1));
  });

  it('treats an attribute called "not", "and" or "or" as an attribute where the grammar expects one', () => {
    expect(parseFilter('not eq 1')).toEqual(cmp('not', 'eq', 1));
    expect(parseFilter('and pr or or pr')).toEqual(or(pr('and'), pr('or')));
  });
});

describe('parseFilter: logical operators and grouping', () => {
  it('gives and precedence over or', () => {
    expect(parseFilter('a eq 1 or b eq 2 and c eq 3')).toEqual(or(cmp('a', 'eq', 1), and(cmp('b', 'eq', 2), cmp('c', 'eq', 3))));
    expect(parseFilter('a eq 1 and b eq 2 or c eq 3')).toEqual(or(and(cmp('a', 'eq', 1), cmp('b', 'eq', 2)), cmp('c', 'eq', 3)));
  });

  it('is left-associative', () => {
    expect(parseFilter('a pr and b pr and c pr')).toEqual(and(and(pr('a'), pr('b')), pr('c')));
    expect(parseFilter('a pr or b pr or c pr')).toEqual(or(or(pr('a'), pr('b')), pr('c')));
  });

  it('lets parentheses override precedence', () => {
    expect(parseFilter('(a eq 1 or b eq 2) and c eq 3')).toEqual(and(or(cmp('a', 'eq', 1), cmp('b', 'eq', 2)), cmp('c', 'eq', 3)));
    expect(parseFilter('a pr and (b pr or (c pr and d pr))')).toEqual(and(pr('a'), or(pr('b'), and(pr('c'), pr('d')))));
    expect(parseFilter('((a pr))')).toEqual(pr('a'));
  });

  it('parses not, binding tighter than and', () => {
    expect(parseFilter('not (a pr)')).toEqual(not(pr('a')));
    expect(parseFilter('not(a pr)')).toEqual(not(pr('a')));
    expect(parseFilter('not (a pr) and b pr')).toEqual(and(not(pr('a')), pr('b')));
    expect(parseFilter('b pr or not (a pr or c pr)')).toEqual(or(pr('b'), not(or(pr('a'), pr('c')))));
    expect(parseFilter('not (not (a pr))')).toEqual(not(not(pr('a'))));
  });

  it.each(['AND', 'And', 'aNd'])('accepts %s case-insensitively', (word) => {
    expect(parseFilter(`a pr ${word} b pr`)).toEqual(and(pr('a'), pr('b')));
  });

  it.each(['OR', 'Or', 'oR'])('accepts %s case-insensitively', (word) => {
    expect(parseFilter(`a pr ${word} b pr`)).toEqual(or(pr('a'), pr('b')));
  });

  it.each(['NOT', 'Not', 'nOt'])('accepts %s case-insensitively', (word) => {
    expect(parseFilter(`${word} (a pr)`)).toEqual(not(pr('a')));
  });

  it('accepts runs of spaces and tabs, optional spaces around parentheses, and surrounding whitespace', () => {
    const expected = and(cmp('a', 'eq', 'x'), or(pr('b'), pr('c')));
    expect(parseFilter('a  eq\t"x"   and ( b pr or c pr )')).toEqual(expected);
    expect(parseFilter('\t a eq "x" and (b pr or c pr)  ')).toEqual(expected);
    expect(parseFilter('a eq "x" and(b pr or c pr)')).toEqual(expected);
  });
});

describe('parseFilter: value paths', () => {
  it('parses a value path with and inside', () => {
    expect(parseFilter('emails[type eq "work" and value co "@acme.test"]')).toEqual(vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@acme.test'))));
  });

  it('parses a value path with or, not and parentheses inside', () => {
    expect(parseFilter('emails[type eq "work" or (type eq "home" and not (value ew "@example.com"))]')).toEqual(
      vp('emails', or(cmp('type', 'eq', 'work'), and(cmp('type', 'eq', 'home'), not(cmp('value', 'ew', '@example.com'))))),
    );
  });

  it('combines value paths with logical operators', () => {
    expect(parseFilter('emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]')).toEqual(
      or(
        vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@example.com'))),
        vp('ims', and(cmp('type', 'eq', 'xmpp'), cmp('value', 'co', '@foo.com'))),
      ),
    );
    expect(parseFilter('not (emails[primary eq true])')).toEqual(not(vp('emails', cmp('primary', 'eq', true))));
  });

  it('parses a value path with pr inside', () => {
    expect(parseFilter('addresses[postalCode pr]')).toEqual(vp('addresses', pr('postalCode')));
  });
});

describe('parseFilter: the examples of RFC 7644 section 3.4.2.2', () => {
  it.each([
    'userName eq "bjensen"',
    'name.familyName co "O\'Malley"',
    'userName sw "J"',
    'urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"',
    'title pr',
    'meta.lastModified gt "2011-05-13T04:42:34Z"',
    'meta.lastModified ge "2011-05-13T04:42:34Z"',
    'meta.lastModified lt "2011-05-13T04:42:34Z"',
    'meta.lastModified le "2011-05-13T04:42:34Z"',
    'title pr and userType eq "Employee"',
    'title pr or userType eq "Intern"',
    'schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"',
    'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
    'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
    'userType eq "Employee" and (emails.type eq "work")',
    'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
    'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
  ])('parses %s', (filter) => {
    expect(() => parseFilter(filter)).not.toThrow();
  });

  it('builds the expected tree for the not example', () => {
    expect(parseFilter('userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")')).toEqual(
      and(cmp('userType', 'ne', 'Employee'), not(or(cmp('emails', 'co', 'example.com'), cmp(path('emails', 'value'), 'co', 'example.org')))),
    );
  });
});

describe('parseFilter: filters identity providers send', () => {
  it('parses Microsoft Entra ID and Okta lookups', () => {
    expect(parseFilter('userName eq "test@contoso.com"')).toEqual(cmp('userName', 'eq', 'test@contoso.com'));
    expect(parseFilter('externalId eq "abc"')).toEqual(cmp('externalId', 'eq', 'abc'));
    expect(parseFilter('displayName eq "Group A"')).toEqual(cmp('displayName', 'eq', 'Group A'));
    expect(parseFilter('userName eq "jane.doe@example.com"')).toEqual(cmp('userName', 'eq', 'jane.doe@example.com'));
    expect(parseFilter('id eq "2819c223-7f76-453a-919d-413861904646" and members[value eq "9067729b3d-ee533c18-538a-4cd3-a572-63fb863ed734"]')).toEqual(
      and(cmp('id', 'eq', '2819c223-7f76-453a-919d-413861904646'), vp('members', cmp('value', 'eq', '9067729b3d-ee533c18-538a-4cd3-a572-63fb863ed734'))),
    );
  });
});

describe('parsePatchPath', () => {
  it('parses a plain attribute', () => {
    expect(parsePatchPath('displayName')).toEqual({ path: path('displayName') });
    expect(parsePatchPath('active')).toEqual({ path: path('active') });
  });

  it('parses a sub-attribute', () => {
    expect(parsePatchPath('name.givenName')).toEqual({ path: path('name', 'givenName') });
  });

  it('parses URI-prefixed attributes', () => {
    expect(parsePatchPath(`${CORE_USER}:name.givenName`)).toEqual({ path: path('name', 'givenName', CORE_USER) });
    expect(parsePatchPath(`${ENTERPRISE_USER}:manager`)).toEqual({ path: path('manager', undefined, ENTERPRISE_USER) });
    expect(parsePatchPath(`${ENTERPRISE_USER}:employeeNumber`)).toEqual({ path: path('employeeNumber', undefined, ENTERPRISE_USER) });
  });

  it('parses a value path (Entra ID group member removal)', () => {
    expect(parsePatchPath('members[value eq "2819c223-7f76-453a-919d-413861904646"]')).toEqual({
      path: path('members'),
      valueFilter: cmp('value', 'eq', '2819c223-7f76-453a-919d-413861904646'),
    });
  });

  it('parses a value path followed by a sub-attribute (Entra ID and Okta attribute updates)', () => {
    expect(parsePatchPath('emails[type eq "work"].value')).toEqual({
      path: path('emails'),
      valueFilter: cmp('type', 'eq', 'work'),
      subAttribute: 'value',
    });
    expect(parsePatchPath('addresses[type eq "work"].streetAddress')).toEqual({
      path: path('addresses'),
      valueFilter: cmp('type', 'eq', 'work'),
      subAttribute: 'streetAddress',
    });
    expect(parsePatchPath('members[value eq "x"].$ref')).toEqual({ path: path('members'), valueFilter: cmp('value', 'eq', 'x'), subAttribute: '$ref' });
  });

  it('parses a value path with logic inside and a URI prefix', () => {
    expect(parsePatchPath(`${CORE_USER}:emails[type eq "work" and primary eq true].display`)).toEqual({
      path: path('emails', undefined, CORE_USER),
      valueFilter: and(cmp('type', 'eq', 'work'), cmp('primary', 'eq', true)),
      subAttribute: 'display',
    });
  });

  it('ignores surrounding whitespace', () => {
    expect(parsePatchPath('  name.givenName\t')).toEqual({ path: path('name', 'givenName') });
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['name.', /missing sub-attribute name at position 6/],
    ['.name', /missing attribute name at position 1/],
    ['name.givenName.x', /more than one sub-attribute/],
    ['1name', /must start with a letter/],
    ['na!me', /invalid character "!" .*position 3/],
    ['urn:ietf:params:scim:schemas:core:2.0:User:', /missing attribute name at position 44/],
    ['emails[type eq "work"', /missing '\]' to close '\[' at position 7/],
    ['emails[type eq "work"]]', /unbalanced '\]' at position 23/],
    ['emails[]', /empty value filter at position 7/],
    ['emails[type eq "work"].value.display', /more than one sub-attribute/],
    ['emails[type eq "work"]. value', /missing sub-attribute name/],
    ['emails[type eq "work"] .value', /unexpected "\.value" at position 24/],
    ['emails[type eq "work"]x', /unexpected "x" at position 23/],
    ['emails.value[type eq "work"]', /has a sub-attribute/],
    ['emails[type like "work"]', /unknown operator "like" at position 13/],
    ['emails[type eq work]', /not a JSON literal/],
    ['emails[addresses[type eq "work"]]', /nested value path at position 17/],
    ['name givenName', /unexpected "givenName" at position 6/],
    ['userName eq "x"', /unexpected "eq" at position 10/],
    ['"name"', /expected an attribute path at position 1/],
    ['[type eq "work"]', /expected an attribute path at position 1/],
  ])('rejects %j with invalidPath', (input, message) => {
    expect(pathError(input)).toMatch(message);
  });

  it('rejects over-long and over-deep paths', () => {
    expect(pathError(`a${'b'.repeat(MAX_FILTER_LENGTH)}`)).toMatch(/limit/);
    const deep = `emails[${'('.repeat(MAX_FILTER_DEPTH)}type pr${')'.repeat(MAX_FILTER_DEPTH)}]`;
    expect(pathError(deep)).toMatch(/deeper than 32/);
  });
});

describe('parseFilter: malformed filters', () => {
  it.each([
    // empty
    ['', /filter is empty/],
    [' \t ', /filter is empty/],
    // trailing garbage
    ['userName eq "x" garbage', /expected 'and', 'or' or the end of the filter at position 17, found "garbage"/],
    ['userName eq "x" "y"', /found a string/],
    ['userName eq "x" (a pr)', /at position 17, found '\('/],
    ['a pr b pr', /position 6/],
    // unbalanced parentheses and brackets
    ['(a pr', /missing '\)' to close '\(' at position 1/],
    ['((a pr)', /missing '\)' to close '\(' at position 1/],
    ['a pr)', /unbalanced '\)' at position 5/],
    ['(a pr))', /unbalanced '\)' at position 7/],
    [')', /found '\)'/],
    ['()', /empty parentheses at position 1/],
    ['not ()', /empty parentheses at position 5/],
    ['(a pr]', /expected 'and', 'or' or '\)' .*position 6, found '\]'/],
    ['emails[type eq "work"', /missing '\]' to close '\[' at position 7/],
    ['emails[type eq "work")', /found '\)'/],
    ['emails[type eq "work"]]', /unbalanced '\]' at position 23/],
    ['a pr]', /unbalanced '\]' at position 5/],
    ['emails[]', /empty value filter at position 7/],
    ['[type eq "work"]', /expected an attribute path.*position 1, found '\['/],
    // unknown operators
    ['userName like "x"', /unknown operator "like" at position 10/],
    ['userName == "x"', /unknown operator "=="/],
    ['userName equals "x"', /unknown operator "equals"/],
    ['a eq 1 xor b eq 2', /found "xor"/],
    ['a eq 1 && b eq 2', /found "&&"/],
    // missing parts
    ['userName', /expected an operator after "userName" at the end of the input/],
    ['userName eq', /missing value after "eq" at position 10/],
    ['userName eq ', /missing value/],
    ['userName eq and b pr', /missing value after "eq"/],
    ['userName eq )', /missing value/],
    ['a eq 1 and', /expected an attribute path, '\(' or 'not \(' at the end of the input/],
    ['a eq 1 or', /at the end of the input/],
    ['and a eq 1', /unknown operator "a"/],
    ['eq "x"', /expected an operator after "eq"/],
    ['"x" eq userName', /expected an attribute path.*position 1, found a string/],
    // pr with a value
    ['title pr "x"', /'pr' at position 7 takes no value, found a string at position 10/],
    ['title pr true', /'pr' .* takes no value/],
    ['title pr 1', /'pr' .* takes no value/],
    // values that are not JSON literals
    ['userName eq bjensen', /value "bjensen" at position 13 is not a JSON literal/],
    ['userName eq \'bjensen\'', /not a JSON literal/],
    ['active eq True', /value "True" .* not a JSON literal/],
    ['active eq TRUE', /not a JSON literal/],
    ['title eq NULL', /not a JSON literal/],
    ['a eq 01', /not a JSON literal/],
    ['a eq 1.', /not a JSON literal/],
    ['a eq .5', /not a JSON literal/],
    ['a eq +1', /not a JSON literal/],
    ['a eq 0x10', /not a JSON literal/],
    ['a eq NaN', /not a JSON literal/],
    ['a eq 1e999', /out of range/],
    ['a eq test@contoso.com', /not a JSON literal/],
    // strings
    ['a eq "x', /unterminated string starting at position 6/],
    ['a eq "x\\"', /unterminated string starting at position 6/],
    ['a eq "x\\', /unterminated string/],
    ['a eq "\\x"', /invalid escape "\\\\x" in string at position 7/],
    ['a eq "\\u00g9"', /invalid \\u escape in string at position 7/],
    ['a eq "\\u00"', /invalid \\u escape/],
    ['a eq "tab\there"', /unescaped control character U\+0009 in string at position 10/],
    ['a eq "line\nbreak"', /unescaped control character U\+000A/],
    // whitespace between tokens
    ['a eq"x"', /missing space .* at position 5/],
    ['a eq "x"and b pr', /missing space .* at position 9/],
    ['a eq "x""y"', /missing space/],
    ['a eq 1\nand b pr', /unexpected control character U\+000A at position 7/],
    // not
    ['not a pr', /'not' at position 1 must be followed by a filter in parentheses/],
    ['not emails[type eq "work"]', /must be followed by a filter in parentheses/],
    ['not', /must be followed by a filter in parentheses/],
    ['a pr and not b pr', /'not' at position 10 must be followed/],
    // attribute paths
    ['1abc eq 1', /attribute name "1abc" at position 1 must start with a letter/],
    ['-abc eq 1', /must start with a letter/],
    ['na*me eq 1', /invalid character "\*" in attribute name "na\*me" at position 3/],
    ['name. eq 1', /missing sub-attribute name at position 6/],
    ['name.given.family eq 1', /more than one sub-attribute/],
    ['name..x eq 1', /more than one sub-attribute/],
    ['$foo eq 1', /must start with a letter/],
    ['a$ref eq 1', /invalid character "\$"/],
    ['urn:userName eq 1', /"urn" at position 1 is not a valid schema URI/],
    [':userName eq 1', /not a valid schema URI/],
    [`${CORE_USER}: eq 1`, /missing attribute name at position 44/],
    [`${CORE_USER}:name.1x eq 1`, /sub-attribute name "1x" at position 49 must start with a letter/],
    ['urn:ietf:bad%zz:userName eq 1', /invalid percent-encoding in schema URI at position 13/],
    // value paths
    ['emails[type eq "work"].value', /expected an operator after "\.value"/],
    ['emails[type eq "work"].value.x eq "y"', /more than one sub-attribute/],
    ['emails.type[value eq "x"]', /value filter at position 12 follows "emails.type", which has a sub-attribute/],
    ['emails[type eq "work" and addresses[type eq "home"]]', /nested value path at position 36/],
    ['emails[(addresses[type pr])]', /nested value path/],
    [`emails[${CORE_USER}:type eq "work"]`, /has a schema URI; inside a value filter/],
    ['emails[type.x eq "work"]', /has a sub-attribute; inside a value filter/],
    ['emails[type eq "work"] eq "x"', /found "eq"/],
  ])('rejects %j with invalidFilter', (input, message) => {
    expect(filterError(input)).toMatch(message);
  });

  it("reads Entra's emails[type eq \"work\"].value eq \"x\" as emails[type eq \"work\" and value eq \"x\"]", () => {
    expect(parseFilter('emails[type eq "work"].value eq "x"')).toEqual(parseFilter('emails[type eq "work" and value eq "x"]'));
  });

  it('rejects input that is not a string', () => {
    expect(filterError(undefined as unknown as string)).toMatch(/must be a string/);
    expect(filterError({ toString: () => 'a pr' } as unknown as string)).toMatch(/must be a string/);
    expect(pathError(42 as unknown as string)).toMatch(/must be a string/);
  });

  it('quotes long or odd input briefly in messages', () => {
    const message = filterError(`userName eq ${'x'.repeat(5000)}`);
    expect(message.length).toBeLessThan(300);
  });
});

describe('parseFilter: bounds', () => {
  it('accepts a filter exactly MAX_FILTER_LENGTH long and rejects one a character longer', () => {
    const prefix = 'userName eq "';
    const exact = `${prefix}${'a'.repeat(MAX_FILTER_LENGTH - prefix.length - 1)}"`;
    expect(exact).toHaveLength(MAX_FILTER_LENGTH);
    expect(parseFilter(exact)).toMatchObject({ kind: 'compare', op: 'eq' });
    expect(filterError(`${exact} `)).toMatch(new RegExp(`${MAX_FILTER_LENGTH + 1} characters long; the limit is ${MAX_FILTER_LENGTH}`));
  });

  it('rejects a 1 MB filter quickly', () => {
    const huge = `userName eq "${'a'.repeat(1024 * 1024)}"`;
    const { result, ms } = timed(() => filterError(huge));
    expect(result).toMatch(/limit is 8192/);
    expect(ms).toBeLessThan(250);
  });

  it('rejects a 1 MB PATCH path quickly', () => {
    const huge = `emails[value eq "${'a'.repeat(1024 * 1024)}"]`;
    const { ms } = timed(() => pathError(huge));
    expect(ms).toBeLessThan(250);
  });

  it('rejects 100,000 nested parentheses quickly', () => {
    const deep = `${'('.repeat(100_000)}a pr${')'.repeat(100_000)}`;
    const { ms } = timed(() => filterError(deep));
    expect(ms).toBeLessThan(250);
  });

  it('rejects nesting deeper than MAX_FILTER_DEPTH within the length limit, quickly', () => {
    const n = 4000;
    const { result, ms } = timed(() => filterError(`${'('.repeat(n)}a pr${')'.repeat(n)}`));
    expect(result).toMatch(new RegExp(`'\\(' at position ${MAX_FILTER_DEPTH + 1} nests deeper than ${MAX_FILTER_DEPTH} levels`));
    expect(ms).toBeLessThan(250);
    // Unclosed: must still be the depth, not the stack, that stops it.
    expect(filterError('('.repeat(MAX_FILTER_LENGTH))).toMatch(/deeper than/);
    expect(filterError('not ('.repeat(1600))).toMatch(/deeper than/);
    expect(filterError('not '.repeat(2000))).toMatch(/must be followed by a filter in parentheses/);
  });

  it('counts parentheses exactly up to MAX_FILTER_DEPTH', () => {
    const nested = (n: number) => `${'('.repeat(n)}a pr${')'.repeat(n)}`;
    expect(parseFilter(nested(MAX_FILTER_DEPTH))).toEqual(pr('a'));
    expect(filterError(nested(MAX_FILTER_DEPTH + 1))).toMatch(/deeper than/);
  });

  it('counts not and its parentheses as two levels', () => {
    const nots = (n: number) => `${'not ('.repeat(n)}a pr${')'.repeat(n)}`;
    let expected = pr('a');
    for (let i = 0; i < MAX_FILTER_DEPTH / 2; i++) expected = not(expected);
    expect(parseFilter(nots(MAX_FILTER_DEPTH / 2))).toEqual(expected);
    expect(filterError(nots(MAX_FILTER_DEPTH / 2 + 1))).toMatch(/'not' .* nests deeper than/);
  });

  it('counts a value path as a level', () => {
    const inner = (parens: number) => `${'('.repeat(MAX_FILTER_DEPTH - 1)}emails[${'('.repeat(parens)}type pr${')'.repeat(parens)}]${')'.repeat(MAX_FILTER_DEPTH - 1)}`;
    expect(parseFilter(inner(0))).toEqual(vp('emails', pr('type')));
    expect(filterError(inner(1))).toMatch(/deeper than/);
  });

  it('parses a long flat chain of and/or at the length limit in linear time', () => {
    const term = 'userName eq "x" and ';
    const chain = `${term.repeat(Math.floor((MAX_FILTER_LENGTH - 10) / term.length))}a pr`;
    const { result, ms } = timed(() => parseFilter(chain));
    expect(result.kind).toBe('and');
    expect(ms).toBeLessThan(250);
    const orChain = `${'a pr or '.repeat(Math.floor((MAX_FILTER_LENGTH - 10) / 8))}a pr`;
    expect(parseFilter(orChain).kind).toBe('or');
  });

  it('decodes a string full of escapes at the length limit quickly', () => {
    const escaped = `a eq "${'\\u00e9'.repeat(Math.floor((MAX_FILTER_LENGTH - 10) / 6))}"`;
    const { result, ms } = timed(() => parseFilter(escaped));
    expect(result).toMatchObject({ kind: 'compare', value: expect.stringMatching(/^é+$/) });
    expect(ms).toBeLessThan(250);
  });

  it('never throws anything but a ScimError, whatever the input', () => {
    // Deterministic fuzzing over the characters the grammar cares about.
    const alphabet = ['a', 'b', 'eq', 'pr', 'and', 'or', 'not', '(', ')', '[', ']', '"', '\\', '.', ':', 'urn:x:', ' ', ' ', '1', '-', 'true', 'u', '$ref', '\t', 'é'];
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let i = 0; i < 5000; i++) {
      const length = Math.floor(random() * 30);
      let input = '';
      for (let j = 0; j < length; j++) input += alphabet[Math.floor(random() * alphabet.length)];
      for (const parse of [parseFilter, parsePatchPath]) {
        try {
          parse(input);
        } catch (error) {
          expect(error).toBeInstanceOf(ScimError);
        }
      }
    }
  });
});
