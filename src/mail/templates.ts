// Mail templates per purpose: defaults here, overridable per organization (mail_templates).
// A template is a subject, a text body and an HTML body with {{placeholders}}; values are
// substituted as they are into text and HTML-escaped into HTML. Subjects and sender names
// are single header lines: control characters in values become spaces, so no value can add a
// header; a template's own subject may not contain a line break at all.

import type { MailPurpose } from '../db/onboarding-schema.ts';
import { escapeHtml } from '../web/html.ts';
import { AppError } from '../errors.ts';

export const MAIL_PURPOSES: readonly MailPurpose[] = [
  'invitation',
  'invitation_resend',
  'verification',
  'activation',
  'password_reset',
  'registration_attempt',
  'password_changed',
  'password_set_by_administrator',
  'email_changed',
  'administrator_added',
];

/**
 * `addresses`: what changed in an email-change notice ("added ...; removed ..."). `administratorEmail`:
 * the new administrator in the notice to the owner.
 */
export const TEMPLATE_VARIABLES = ['organizationName', 'name', 'email', 'link', 'expiresAt', 'addresses', 'administratorEmail'] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];
export type TemplateValues = Partial<Record<TemplateVariable, string>>;

export interface MailTemplate {
  subject: string;
  text: string;
  html: string;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const button = (label: string) =>
  `<p><a href="{{link}}" style="display:inline-block;padding:10px 18px;background:#1f4fd1;color:#ffffff;text-decoration:none;border-radius:4px">${label}</a></p>
<p style="color:#555555;font-size:13px">Or copy this address into your browser:<br>{{link}}</p>`;

const frame = (body: string) =>
  `<!doctype html><html><body style="font-family:Arial,Helvetica,sans-serif;color:#222222;max-width:560px">
${body}
<p style="color:#777777;font-size:12px">Sent by {{organizationName}}.</p>
</body></html>`;

export const DEFAULT_TEMPLATES: Record<MailPurpose, MailTemplate> = {
  invitation: {
    subject: 'You are invited to {{organizationName}}',
    text: `Hello {{name}},

{{organizationName}} has created an account for you ({{email}}). Set your password to start using it:

{{link}}

The link works once and expires on {{expiresAt}}. If you did not expect this invitation, you can ignore this mail.
`,
    html: frame(`<p>Hello {{name}},</p>
<p>{{organizationName}} has created an account for you ({{email}}). Set your password to start using it:</p>
${button('Set your password')}
<p>The link works once and expires on {{expiresAt}}. If you did not expect this invitation, you can ignore this mail.</p>`),
  },
  invitation_resend: {
    subject: 'Reminder: your invitation to {{organizationName}}',
    text: `Hello {{name}},

Here is a new link to set the password of your {{organizationName}} account ({{email}}). Earlier links no longer work.

{{link}}

The link works once and expires on {{expiresAt}}.
`,
    html: frame(`<p>Hello {{name}},</p>
<p>Here is a new link to set the password of your {{organizationName}} account ({{email}}). Earlier links no longer work.</p>
${button('Set your password')}
<p>The link works once and expires on {{expiresAt}}.</p>`),
  },
  verification: {
    subject: 'Confirm your email address for {{organizationName}}',
    text: `Hello {{name}},

Confirm that {{email}} is your address to finish registering with {{organizationName}}:

{{link}}

The link works once and expires on {{expiresAt}}. If you did not register, ignore this mail: no account is active without this confirmation.
`,
    html: frame(`<p>Hello {{name}},</p>
<p>Confirm that {{email}} is your address to finish registering with {{organizationName}}:</p>
${button('Confirm your address')}
<p>The link works once and expires on {{expiresAt}}. If you did not register, ignore this mail: no account is active without this confirmation.</p>`),
  },
  activation: {
    subject: 'Your {{organizationName}} account is ready',
    text: `Hello {{name}},

Your {{organizationName}} account ({{email}}) is active. You can now sign in with your email and the password you chose.
`,
    html: frame(`<p>Hello {{name}},</p>
<p>Your {{organizationName}} account ({{email}}) is active. You can now sign in with your email and the password you chose.</p>`),
  },
  password_reset: {
    subject: 'Reset your {{organizationName}} password',
    text: `Hello {{name}},

Someone asked to reset the password of your {{organizationName}} account ({{email}}). If it was you, choose a new password here:

{{link}}

The link works once and expires on {{expiresAt}}. If it was not you, ignore this mail: your password stays as it is.
`,
    html: frame(`<p>Hello {{name}},</p>
<p>Someone asked to reset the password of your {{organizationName}} account ({{email}}). If it was you, choose a new password here:</p>
${button('Choose a new password')}
<p>The link works once and expires on {{expiresAt}}. If it was not you, ignore this mail: your password stays as it is.</p>`),
  },
  registration_attempt: {
    subject: 'Someone tried to register with your address at {{organizationName}}',
    text: `Hello {{name}},

Someone tried to register a new {{organizationName}} account with {{email}}, which already has one. Nothing was changed.

If it was you and you forgot your password, reset it here:

{{link}}

If it was not you, ignore this mail.
`,
    html: frame(`<p>Hello {{name}},</p>
<p>Someone tried to register a new {{organizationName}} account with {{email}}, which already has one. Nothing was changed.</p>
<p>If it was you and you forgot your password, reset it here:</p>
${button('Reset your password')}
<p>If it was not you, ignore this mail.</p>`),
  },
  password_changed: {
    subject: 'Your {{organizationName}} password was changed',
    text: `Hello {{name}},

The password of your {{organizationName}} account ({{email}}) was just changed, and you were signed out everywhere else.

If you did not change it, someone else may know your password: choose a new one now and tell your administrator.

{{link}}
`,
    html: frame(`<p>Hello {{name}},</p>
<p>The password of your {{organizationName}} account ({{email}}) was just changed, and you were signed out everywhere else.</p>
<p>If you did not change it, someone else may know your password: choose a new one now and tell your administrator.</p>
${button('Choose a new password')}`),
  },
  password_set_by_administrator: {
    subject: 'An administrator set a new password for your {{organizationName}} account',
    text: `Hello {{name}},

An administrator of {{organizationName}} set a new password for your account ({{email}}), and you were signed out everywhere. Ask them for it, or choose your own:

{{link}}

If you did not expect this, tell your administrator.
`,
    html: frame(`<p>Hello {{name}},</p>
<p>An administrator of {{organizationName}} set a new password for your account ({{email}}), and you were signed out everywhere. Ask them for it, or choose your own:</p>
${button('Choose a new password')}
<p>If you did not expect this, tell your administrator.</p>`),
  },
  email_changed: {
    subject: 'The email addresses of your {{organizationName}} account changed',
    text: `Hello {{name}},

The email addresses of your {{organizationName}} account ({{email}}) were changed: {{addresses}}.

If you did not make this change, tell your administrator.
`,
    html: frame(`<p>Hello {{name}},</p>
<p>The email addresses of your {{organizationName}} account ({{email}}) were changed: {{addresses}}.</p>
<p>If you did not make this change, tell your administrator.</p>`),
  },
  administrator_added: {
    subject: 'A new administrator was added to {{organizationName}}',
    text: `Hello {{name}},

{{administratorEmail}} was invited as an administrator of {{organizationName}}. Administrators manage every customer of the organization.

If you did not invite them, remove them in the Console now:

{{link}}
`,
    html: frame(`<p>Hello {{name}},</p>
<p>{{administratorEmail}} was invited as an administrator of {{organizationName}}. Administrators manage every customer of the organization.</p>
<p>If you did not invite them, remove them in the Console now:</p>
${button('Open the Console')}`),
  },
};

const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;
// Everything that could end a header line or confuse a mail client: C0 controls, DEL, and
// the Unicode line and paragraph separators.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f\u2028\u2029]+/g;

export const TEMPLATE_LIMITS = { subject: 200, body: 20_000 };

export function isMailPurpose(value: string): value is MailPurpose {
  return (MAIL_PURPOSES as readonly string[]).includes(value);
}

/** One header line: control characters become a space, and the result is trimmed. */
export function headerText(value: string): string {
  return value.replace(CONTROL, ' ').trim();
}

/** An address for a To header: a plain address with no whitespace, commas or angle brackets. */
export function assertHeaderSafeAddress(address: string): void {
  if (!/^[^\s<>,;"]+@[^\s<>,;"]+$/.test(address) || CONTROL.test(address)) {
    CONTROL.lastIndex = 0;
    throw new AppError('request.invalid', 'The recipient is not a plain email address', { details: { field: 'recipient' } });
  }
}

function substitute(template: string, values: TemplateValues, encode: (value: string) => string): string {
  return template.replace(PLACEHOLDER, (_match, name: string) => {
    const value = values[name as TemplateVariable];
    return value === undefined ? '' : encode(value);
  });
}

export function renderTemplate(template: MailTemplate, values: TemplateValues): RenderedMail {
  return {
    subject: headerText(substitute(template.subject, values, headerText)).slice(0, 300),
    text: substitute(template.text, values, (v) => v),
    html: substitute(template.html, values, escapeHtml),
  };
}

/** Checks an organization's override before it is stored; the message names what is wrong. */
export function validateTemplate(input: { subject?: unknown; text?: unknown; html?: unknown }): MailTemplate {
  const problems: string[] = [];
  // The same problems by part (subject, text, html), for a form to show on each field.
  const fields: Record<string, string> = {};
  const problem = (name: string, message: string) => {
    problems.push(message);
    fields[name] = fields[name] ? `${fields[name]}; ${message}` : message;
  };
  const field = (name: 'subject' | 'text' | 'html', limit: number): string => {
    const value = input[name];
    if (typeof value !== 'string' || value.trim() === '') {
      problem(name, `${name} is required`);
      return '';
    }
    if (value.length > limit) problem(name, `${name} must be at most ${limit} characters`);
    for (const match of value.matchAll(PLACEHOLDER)) {
      if (!(TEMPLATE_VARIABLES as readonly string[]).includes(match[1])) {
        problem(name, `${name} uses the unknown placeholder {{${match[1]}}}; known ones are ${TEMPLATE_VARIABLES.map((v) => `{{${v}}}`).join(', ')}`);
      }
    }
    return value;
  };
  const subject = field('subject', TEMPLATE_LIMITS.subject);
  if (/[\r\n\u2028\u2029]/.test(subject)) problem('subject', 'subject must be a single line');
  const text = field('text', TEMPLATE_LIMITS.body);
  const html = field('html', TEMPLATE_LIMITS.body);
  if (problems.length > 0) throw new AppError('request.invalid', problems.join('; '), { details: { problems, fields } });
  return { subject, text, html };
}
