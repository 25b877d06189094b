import { ApiError, errorMessage } from '@/services/errors';

const FORM_FIELDS = ['workspace', 'project', 'version', 'format', 'name', 'api_key'] as const;
export type ImportFieldName = (typeof FORM_FIELDS)[number];

const SLUG_HINT = "Use letters, digits, '.', '-' or '_', as in the Roboflow URL.";

/** The API's validation message, worded for a person filling in this form. */
export function friendlyFieldMessage(message: string, value: string): string {
  if (value.trim() === '' && /pattern|required|at least 1 character|valid integer/i.test(message)) {
    return 'Required.';
  }
  if (message.startsWith('String should match pattern')) return SLUG_HINT;
  const text = message.replace(/^Value error, /, '');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function isFormField(field: string): field is ImportFieldName {
  return (FORM_FIELDS as readonly string[]).includes(field);
}

export function splitImportErrors(error: unknown): {
  fields: Partial<Record<ImportFieldName, string>>;
  form: string | null;
} {
  if (!(error instanceof ApiError)) return { fields: {}, form: errorMessage(error) };
  const fields: Partial<Record<ImportFieldName, string>> = {};
  const other: string[] = [];
  for (const [field, message] of Object.entries(error.fieldErrors)) {
    if (isFormField(field)) fields[field] = message;
    else other.push(`${field}: ${message}`);
  }
  const hasFieldErrors = Object.keys(fields).length > 0;
  const form = other.length > 0 ? other.join('; ') : hasFieldErrors ? null : error.detail;
  return { fields, form };
}
