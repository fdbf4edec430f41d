import { describe, expect, it } from 'vitest';
import { escapeHtml, html, SafeHtml } from './html.ts';

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('escapes an already escaped string again (it does not guess)', () => {
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
  });

  it('leaves other text alone', () => {
    expect(escapeHtml('plain text, ünïcödé and 100% / \\ ` = ok')).toBe('plain text, ünïcödé and 100% / \\ ` = ok');
  });
});

describe('html', () => {
  it('escapes interpolated strings but not the template itself', () => {
    const name = '<script>alert("x")</script>';
    const out = html`<p class="greeting">Hello ${name}</p>`;
    expect(out).toBeInstanceOf(SafeHtml);
    expect(out.value).toBe('<p class="greeting">Hello &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>');
  });

  it('escapes quotes so a value cannot break out of an attribute', () => {
    expect(html`<input value="${'" onfocus="evil()'}">`.value).toBe('<input value="&quot; onfocus=&quot;evil()">');
    expect(html`<input value='${"' onfocus='evil()"}'>`.value).toBe("<input value='&#39; onfocus=&#39;evil()'>");
  });

  it('inserts nested html as is, without escaping it twice', () => {
    const inner = html`<b>${'A & B'}</b>`;
    const outer = html`<p>${inner}</p>`;
    expect(outer.value).toBe('<p><b>A &amp; B</b></p>');
    expect(html`<div>${outer}</div>`.value).toBe('<div><p><b>A &amp; B</b></p></div>');
  });

  it('renders arrays by concatenating their rendered items, escaping strings and nesting', () => {
    const items = ['<one>', 'two & three'].map((item) => html`<li>${item}</li>`);
    expect(html`<ul>${items}</ul>`.value).toBe('<ul><li>&lt;one&gt;</li><li>two &amp; three</li></ul>');
    expect(html`${['<a>', html`<b>`, ['<c>', [html`<d>`, 5]]]}`.value).toBe('&lt;a&gt;<b>&lt;c&gt;<d>5');
    expect(html`<ul>${[]}</ul>`.value).toBe('<ul></ul>');
  });

  it('renders null, undefined and false as nothing, and numbers (including 0) as text', () => {
    expect(html`[${null}|${undefined}|${false}]`.value).toBe('[||]');
    expect(html`[${0}|${42}|${-1.5}]`.value).toBe('[0|42|-1.5]');
    const error: string | undefined = undefined;
    expect(html`<form>${error && html`<p class="error">${error}</p>`}</form>`.value).toBe('<form></form>');
  });

  it('renders an empty template and one with only values', () => {
    expect(html``.value).toBe('');
    expect(html`${'<x>'}`.value).toBe('&lt;x&gt;');
  });

  it('converts to its string with toString and template literals', () => {
    const out = html`<i>${'&'}</i>`;
    expect(String(out)).toBe('<i>&amp;</i>');
    expect(`${out}`).toBe('<i>&amp;</i>');
  });

  it('does not treat a look-alike object as safe', () => {
    const fake = { value: '<script>' } as unknown as string;
    expect(html`${fake}`.value).toBe('[object Object]');
  });
});
