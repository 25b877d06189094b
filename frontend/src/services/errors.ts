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
