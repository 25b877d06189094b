import { ApiError, apiErrorOf, errorMessage, errorReason, hasStatus, unwrap } from './errors';

function response(status: number, statusText: string, headers: Record<string, string> = {}) {
  return new Response(null, { status, statusText, headers });
}

describe('apiErrorOf', () => {
  it('keeps the detail and the first message per field of a 422', () => {
    const error = apiErrorOf(422, 'Unprocessable Entity', {
      detail: 'Invalid request: version: too small',
      errors: [
        { field: 'version', message: 'too small' },
        { field: 'version', message: 'second message' },
        { field: 'workspace', message: 'bad slug' },
        { nonsense: true },
      ],
    });
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(422);
    expect(error.detail).toBe('Invalid request: version: too small');
    expect(error.message).toBe('HTTP 422: Invalid request: version: too small');
    expect(error.fieldErrors).toEqual({ version: 'too small', workspace: 'bad slug' });
    expect(error.retryAfterSeconds).toBeNull();
  });

  it('falls back to the body text, then to the status text', () => {
    expect(apiErrorOf(502, 'Bad Gateway', '  upstream down ').detail).toBe('upstream down');
    expect(apiErrorOf(502, 'Bad Gateway', '').detail).toBe('Bad Gateway');
    expect(apiErrorOf(500, '', null).detail).toBe('request failed');
    expect(apiErrorOf(400, 'Bad Request', { detail: { code: 7 } }).detail).toBe('{"code":7}');
  });

  it("reads a 429's Retry-After seconds", () => {
    expect(apiErrorOf(429, '', { detail: 'slow down' }, '30').retryAfterSeconds).toBe(30);
    expect(apiErrorOf(429, '', { detail: 'slow down' }, 'soon').retryAfterSeconds).toBeNull();
  });
});

describe('unwrap', () => {
  it('returns the data of a success, even an empty one', async () => {
    await expect(
      unwrap(Promise.resolve({ data: { id: 1 }, response: response(200, 'OK') })),
    ).resolves.toEqual({
      id: 1,
    });
    await expect(
      unwrap({ data: undefined, response: response(204, 'No Content') }),
    ).resolves.toBeUndefined();
  });

  it('throws the ApiError of a refusal, with its Retry-After', async () => {
    const refused = unwrap(
      Promise.resolve({
        error: { detail: 'Too many attempts' },
        response: response(429, 'Too Many Requests', { 'Retry-After': '12' }),
      }),
    );
    await expect(refused).rejects.toMatchObject({
      status: 429,
      detail: 'Too many attempts',
      retryAfterSeconds: 12,
    });
  });
});

describe('error messages', () => {
  it('shows the status with errorMessage and only the reason with errorReason', () => {
    const error = new ApiError(404, 'Model not found');
    expect(errorMessage(error)).toBe('HTTP 404: Model not found');
    expect(errorReason(error)).toBe('Model not found');
    expect(errorReason(new TypeError('Failed to fetch'))).toBe('The backend could not be reached.');
    expect(hasStatus(error, 404)).toBe(true);
    expect(hasStatus(error, 409)).toBe(false);
    expect(hasStatus(new Error('x'), 404)).toBe(false);
  });
});
