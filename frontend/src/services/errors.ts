/**
 * The one error type of a refused API request, and the one helper that unwraps an answer into its
 * data or throws that error. Every service uses them (openapi-fetch calls and XHR uploads alike).
 */

export interface ApiErrorDetails {
  /** The first message per field of a 422 answer (`errors: [{field, message}]`). */
  fieldErrors?: Record<string, string>;
  /** Seconds the server asked to wait (a 429's Retry-After header), when it said. */
  retryAfterSeconds?: number | null;
}

/** An HTTP error from the backend: its status, its plain `detail` and its per-field messages. */
export class ApiError extends Error {
  readonly status: number;
  /** The server's message without the `HTTP nnn:` prefix (or the status text). */
  readonly detail: string;
  readonly fieldErrors: Readonly<Record<string, string>>;
  readonly retryAfterSeconds: number | null;

  constructor(status: number, detail: string, details: ApiErrorDetails = {}) {
    super(`HTTP ${status}: ${detail}`);
    this.name = 'ApiError';
    this.status = status;
    this.detail = detail;
    this.fieldErrors = details.fieldErrors ?? {};
    this.retryAfterSeconds = details.retryAfterSeconds ?? null;
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
  if (isRecord(body) && 'detail' in body) {
    const value = body.detail;
    if (typeof value === 'string') detail = value;
    else if (value !== undefined && value !== null) detail = JSON.stringify(value);
  } else if (typeof body === 'string') detail = body.trim();
  return detail === '' ? statusText || 'request failed' : detail;
}

function retryAfterOf(header: string | null | undefined): number | null {
  const seconds = Number.parseInt(header ?? '', 10);
  return Number.isFinite(seconds) ? seconds : null;
}

/** The ApiError of a refused answer, from its parts (an XHR upload has no Response). */
export function apiErrorOf(
  status: number,
  statusText: string,
  body: unknown,
  retryAfter?: string | null,
): ApiError {
  return new ApiError(status, plainDetailOf(statusText, body), {
    fieldErrors: fieldErrorsOf(body),
    retryAfterSeconds: retryAfterOf(retryAfter),
  });
}

/** The ApiError of a refused fetch Response whose body has already been parsed. */
export function apiErrorFrom(response: Response, body: unknown): ApiError {
  return apiErrorOf(
    response.status,
    response.statusText,
    body,
    response.headers.get('Retry-After'),
  );
}

/** What an openapi-fetch call resolves to (its success and error branches, loosely). */
export interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * Awaits an openapi-fetch call and returns its data, or throws the ApiError of a refusal.
 * An empty success (204) resolves with `undefined`, typed as the operation's (empty) data.
 * Pass the awaited result instead when the caller also reads its response (202 vs 200).
 */
export async function unwrap<T>(call: FetchResult<T> | Promise<FetchResult<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw apiErrorFrom(response, error);
  return data as T;
}

/** A readable message for anything a query or mutation may throw (`HTTP nnn: detail`). */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return 'The backend could not be reached.';
  if (error instanceof Error) return error.message;
  return 'Unknown error';
}

/** The user-facing reason of an error: the backend's `detail` without the HTTP prefix. */
export function errorReason(error: unknown): string {
  if (error instanceof ApiError) return error.detail;
  return errorMessage(error);
}

/** Whether an error is the backend's answer with this status (404: gone, 409: conflict...). */
export function hasStatus(error: unknown, status: number): error is ApiError {
  return error instanceof ApiError && error.status === status;
}
