import type { ApiSchema } from '@/types/api';

import { fieldLimits, requiredBound } from '@/api/limits';

import { api } from './api';
import { unwrap } from './errors';

export type AuthUser = ApiSchema<'User'>;
export type UserRole = AuthUser['role'];
export type AuthStatus = ApiSchema<'AuthStatus'>;
export type LoginResult = ApiSchema<'LoginResponse'>;
export type ApiToken = ApiSchema<'ApiToken'>;
export type CreatedApiToken = ApiSchema<'ApiTokenCreated'>;
export type NewApiToken = ApiSchema<'ApiTokenCreate'>;
export type NewUser = ApiSchema<'UserCreate'>;
export type UserUpdate = ApiSchema<'UserUpdate'>;

export async function fetchAuthStatus(signal?: AbortSignal): Promise<AuthStatus> {
  return unwrap(api.GET('/api/v1/auth/status', { signal }));
}

export async function login(username: string, password: string): Promise<LoginResult> {
  return unwrap(
    api.POST('/api/v1/auth/login', {
      body: { username, password },
    }),
  );
}

export async function logout(): Promise<void> {
  await unwrap(api.POST('/api/v1/auth/logout'));
}

export async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  await unwrap(
    api.POST('/api/v1/auth/password', {
      body: { current_password: currentPassword, new_password: newPassword },
    }),
  );
}

export async function fetchApiTokens(signal?: AbortSignal): Promise<ApiToken[]> {
  return unwrap(api.GET('/api/v1/auth/tokens', { signal }));
}

export async function createApiToken(request: NewApiToken): Promise<CreatedApiToken> {
  return unwrap(api.POST('/api/v1/auth/tokens', { body: request }));
}

export async function revokeApiToken(tokenId: string): Promise<void> {
  await unwrap(
    api.DELETE('/api/v1/auth/tokens/{token_id}', {
      params: { path: { token_id: tokenId } },
    }),
  );
}

export async function fetchUsers(signal?: AbortSignal): Promise<AuthUser[]> {
  return unwrap(api.GET('/api/v1/users', { signal }));
}

export async function createUser(request: NewUser): Promise<AuthUser> {
  return unwrap(api.POST('/api/v1/users', { body: request }));
}

export async function updateUser(userId: string, update: UserUpdate): Promise<AuthUser> {
  return unwrap(
    api.PATCH('/api/v1/users/{user_id}', {
      params: { path: { user_id: userId } },
      body: update,
    }),
  );
}

export async function deleteUser(userId: string): Promise<void> {
  await unwrap(
    api.DELETE('/api/v1/users/{user_id}', {
      params: { path: { user_id: userId } },
    }),
  );
}

const USERNAME = fieldLimits('UserCreate', 'username');
const PASSWORD = fieldLimits('UserCreate', 'password');
const USERNAME_MIN = requiredBound(USERNAME, USERNAME.minLength, 'username minLength');
const USERNAME_MAX = requiredBound(USERNAME, USERNAME.maxLength, 'username maxLength');
/** The server's allowed characters (its schema's pattern; the lengths are checked apart). */
const USERNAME_CHARACTERS = new RegExp(USERNAME.pattern ?? '^[A-Za-z0-9_.-]+$');
export const PASSWORD_MIN_LENGTH = requiredBound(
  PASSWORD,
  PASSWORD.minLength,
  'password minLength',
);
export const PASSWORD_MAX_LENGTH = requiredBound(
  PASSWORD,
  PASSWORD.maxLength,
  'password maxLength',
);
const TOKEN_NAME = fieldLimits('ApiTokenCreate', 'name');
export const TOKEN_NAME_MAX_LENGTH = requiredBound(
  TOKEN_NAME,
  TOKEN_NAME.maxLength,
  'token name maxLength',
);

/** A message for a password that the server would refuse, or null when it is acceptable. */
export function passwordProblem(password: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH)
    return `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
  if (password.length > PASSWORD_MAX_LENGTH)
    return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  return null;
}

export function usernameProblem(username: string): string | null {
  const { length } = username;
  if (USERNAME_CHARACTERS.test(username) && length >= USERNAME_MIN && length <= USERNAME_MAX) {
    return null;
  }
  return `Use ${USERNAME_MIN}-${USERNAME_MAX} letters, digits, dots, dashes or underscores.`;
}
