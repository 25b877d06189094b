/** An HTTP error from the backend, carrying its JSON `detail` message when it sent one. */
export class ApiError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

function detailOf(body: unknown): string | null {
  if (typeof body === 'object' && body !== null && 'detail' in body) {
    const { detail } = body;
    if (typeof detail === 'string') return detail;
    if (detail !== undefined) return JSON.stringify(detail);
  }
  if (typeof body === 'string' && body.trim() !== '') return body.trim();
  return null;
}

export function apiErrorFrom(response: Response, body: unknown): ApiError {
  const detail = detailOf(body);
  const reason = detail ?? (response.statusText || 'request failed');
  return new ApiError(response.status, `HTTP ${response.status}: ${reason}`);
}

/** A readable message for anything a query or mutation may throw. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return 'The backend could not be reached.';
  if (error instanceof Error) return error.message;
  return 'Unknown error';
}

/** A backend error with its plain `detail` message and, for 422 answers, the message per field. */
export class DetailedApiError extends ApiError {
  readonly detail: string;
  readonly fieldErrors: Readonly<Record<string, string>>;

  constructor(status: number, detail: string, fieldErrors: Record<string, string> = {}) {
    super(status, `HTTP ${status}: ${detail}`);
    this.name = 'DetailedApiError';
    this.detail = detail;
    this.fieldErrors = fieldErrors;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The first message per field of a 422 body (`errors: [{field, message}]`). */
export function fieldErrorsOf(body: unknown): Record<string, string> {
  const fields: Record<string, string> = {};
  if (!isRecord(body) || !Array.isArray(body.errors)) return fields;
  for (const item of body.errors as unknown[]) {
    if (!isRecord(item)) continue;
    const { field, message } = item;
    if (typeof field === 'string' && typeof message === 'string' && !(field in fields)) {
      fields[field] = message;
    }
  }
  return fields;
}

/** The `detail` of an error body (or its text), else the status text. */
export function plainDetailOf(statusText: string, body: unknown): string {
  let detail = '';
  if (isRecord(body) && typeof body.detail === 'string') detail = body.detail;
  else if (typeof body === 'string') detail = body.trim();
  return detail === '' ? statusText || 'request failed' : detail;
}
