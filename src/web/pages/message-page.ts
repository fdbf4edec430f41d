import { html } from '../html.ts';
import { page } from '../layout.ts';

/** A page that only says something: an expired link, a finished step, an unknown organization. */
export function messagePage(options: {
  title: string;
  message: string;
  tone?: 'error' | 'notice' | 'plain';
  linkHref?: string;
  linkText?: string;
  /** Several ways on, each a link of its own (after `linkHref`, when both are given). */
  links?: Array<{ href: string; text: string }>;
}): string {
  const tone = options.tone ?? 'plain';
  return page({
    title: options.title,
    body: html`<p${tone === 'plain' ? '' : html` class="${tone}" role="${tone === 'error' ? 'alert' : 'status'}"`}>${options.message}</p>
${options.linkHref ? html`<p><a href="${options.linkHref}">${options.linkText ?? options.linkHref}</a></p>` : ''}
${(options.links ?? []).map((link) => html`<p><a href="${link.href}">${link.text}</a></p>`)}`,
  });
}
