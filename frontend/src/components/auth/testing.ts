/**
 * Test helpers for the access-control screens: accounts and tokens shaped like the API's, the
 * auth-status answers, and the CSRF cookie. Only tests import this file.
 */
import type { ApiToken, AuthStatus, AuthUser } from '@/services/auth.service';
import { jsonResponse } from '@/test/utils';
import { useAuthStore } from '@/store/authStore';

export const CREATED = '2026-03-02T09:30:00Z';

export function makeUser(overrides: Partial<AuthUser> = {}): AuthUser {
  return {
    id: 'u-admin',
    username: 'alice',
    role: 'admin',
    disabled: false,
    must_change_password: false,
    created_at: CREATED,
    last_login_at: CREATED,
    ...overrides,
  };
}

export const ADMIN = makeUser();
export const VIEWER = makeUser({ id: 'u-viewer', username: 'victor', role: 'viewer' });

export function makeToken(overrides: Partial<ApiToken> = {}): ApiToken {
  return {
    id: 't1',
    name: 'prometheus',
    prefix: 'cdt_AbCd',
    created_at: CREATED,
    last_used_at: null,
    expires_at: null,
    revoked: false,
    ...overrides,
  };
}

export function statusResponse(user: AuthUser | null, authEnabled = true): Response {
  const status: AuthStatus = { auth_enabled: authEnabled, user: authEnabled ? user : null };
  return jsonResponse(status);
}

export const AUTH_OFF = (): Response => statusResponse(null, false);

export const CSRF_TOKEN = 'csrf-test-token';

export function setCsrfCookie(value: string = CSRF_TOKEN): void {
  document.cookie = `crackdet_csrf=${value}; path=/`;
}

export function clearAuthState(): void {
  document.cookie = 'crackdet_csrf=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT';
  useAuthStore.setState({ sessionExpired: false, lastResumedAt: Number.NEGATIVE_INFINITY });
}

/** The request the stub received for "METHOD /path" (the first one). */
export function requestFor(calls: unknown[][], method: string, path: string): Request {
  const found = calls
    .map(([input]) => input)
    .find(
      (input): input is Request =>
        input instanceof Request && input.method === method && new URL(input.url).pathname === path,
    );
  if (found === undefined) throw new Error(`No ${method} ${path} request was sent`);
  return found;
}
