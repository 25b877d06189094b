import type { ApiSchema } from '@/types/api';

import { api } from './api';
import { DetailedApiError, fieldErrorsOf, plainDetailOf } from './errors';

export type AuthUser = ApiSchema<'User'>;
export type UserRole = AuthUser['role'];
export type AuthStatus = ApiSchema<'AuthStatus'>;
export type LoginResult = ApiSchema<'LoginResponse'>;
export type ApiToken = ApiSchema<'ApiToken'>;
export type CreatedApiToken = ApiSchema<'ApiTokenCreated'>;
export type NewApiToken = ApiSchema<'ApiTokenCreate'>;
export type NewUser = ApiSchema<'UserCreate'>;
export type UserUpdate = ApiSchema<'UserUpdate'>;

/** Seconds the server asked to wait (Retry-After) after too many failed logins, if it said. */
export class RateLimitedError extends DetailedApiError {
  readonly retryAfterSeconds: number | null;

  constructor(detail: string, retryAfterSeconds: number | null) {
    super(429, detail);
    this.name = 'RateLimitedError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

function errorOf(response: Response, body: unknown): DetailedApiError {
  const detail = plainDetailOf(response.statusText, body);
  if (response.status === 429) {
    const retryAfter = Number.parseInt(response.headers.get('Retry-After') ?? '', 10);
    return new RateLimitedError(detail, Number.isFinite(retryAfter) ? retryAfter : null);
  }
  return new DetailedApiError(response.status, detail, fieldErrorsOf(body));
}

export async function fetchAuthStatus(signal?: AbortSignal): Promise<AuthStatus> {
  const { data, error, response } = await api.GET('/api/v1/auth/status', { signal });
  if (data === undefined) throw errorOf(response, error);
  return data;
}

export async function login(username: string, password: string): Promise<LoginResult> {
  const { data, error, response } = await api.POST('/api/v1/auth/login', {
    body: { username, password },
  });
  if (data === undefined) throw errorOf(response, error);
  return data;
}

export async function logout(): Promise<void> {
  const { error, response } = await api.POST('/api/v1/auth/logout');
  if (!response.ok) throw errorOf(response, error);
}

export async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  const { error, response } = await api.POST('/api/v1/auth/password', {
    body: { current_password: currentPassword, new_password: newPassword },
  });
  if (!response.ok) throw errorOf(response, error);
}

export async function fetchApiTokens(signal?: AbortSignal): Promise<ApiToken[]> {
  const { data, error, response } = await api.GET('/api/v1/auth/tokens', { signal });
  if (data === undefined) throw errorOf(response, error);
  return data;
}

export async function createApiToken(request: NewApiToken): Promise<CreatedApiToken> {
  const { data, error, response } = await api.POST('/api/v1/auth/tokens', { body: request });
  if (data === undefined) throw errorOf(response, error);
  return data;
}

export async function revokeApiToken(tokenId: string): Promise<void> {
  const { error, response } = await api.DELETE('/api/v1/auth/tokens/{token_id}', {
    params: { path: { token_id: tokenId } },
  });
  if (!response.ok) throw errorOf(response, error);
}

export async function fetchUsers(signal?: AbortSignal): Promise<AuthUser[]> {
  const { data, error, response } = await api.GET('/api/v1/users', { signal });
  if (data === undefined) throw errorOf(response, error);
  return data;
}

export async function createUser(request: NewUser): Promise<AuthUser> {
  const { data, error, response } = await api.POST('/api/v1/users', { body: request });
  if (data === undefined) throw errorOf(response, error);
  return data;
}

export async function updateUser(userId: string, update: UserUpdate): Promise<AuthUser> {
  const { data, error, response } = await api.PATCH('/api/v1/users/{user_id}', {
    params: { path: { user_id: userId } },
    body: update,
  });
  if (data === undefined) throw errorOf(response, error);
  return data;
}

export async function deleteUser(userId: string): Promise<void> {
  const { error, response } = await api.DELETE('/api/v1/users/{user_id}', {
    params: { path: { user_id: userId } },
  });
  if (!response.ok) throw errorOf(response, error);
}

/** Same rules as the server: 3-64 characters from letters, digits, `_`, `.` and `-`. */
export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{3,64}$/;
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;
export const TOKEN_NAME_MAX_LENGTH = 100;

/** A message for a password that the server would refuse, or null when it is acceptable. */
export function passwordProblem(password: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH)
    return `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
  if (password.length > PASSWORD_MAX_LENGTH)
    return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  return null;
}

export function usernameProblem(username: string): string | null {
  if (USERNAME_PATTERN.test(username)) return null;
  return 'Use 3-64 letters, digits, dots, dashes or underscores.';
}
