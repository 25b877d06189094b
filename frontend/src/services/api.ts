import createClient, { type Middleware } from 'openapi-fetch';

import type { paths } from '@/api/schema';
import { useAuthStore } from '@/store/authStore';
import { showToast, useUiStore } from '@/store/uiStore';

import { plainDetailOf } from './errors';

/** Cookie the server sets at login; its value must come back as a header on every write. */
export const CSRF_COOKIE = 'crackdet_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Their 401/403 answers are the form's own messages (wrong password...), not a lost session. */
const AUTH_FORM_PATHS = ['/api/v1/auth/login', '/api/v1/auth/password'];

export function readCookie(name: string): string | null {
  for (const part of document.cookie.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return null;
}

/** The CSRF header a cookie-authenticated write needs; empty for reads or without a session. */
export function csrfHeaders(method: string): Record<string, string> {
  if (SAFE_METHODS.has(method.toUpperCase())) return {};
  const token = readCookie(CSRF_COOKIE);
  return token === null || token === '' ? {} : { [CSRF_HEADER]: token };
}

function isAuthFormRequest(url: string): boolean {
  const { pathname } = new URL(url, window.location.origin);
  return AUTH_FORM_PATHS.includes(pathname);
}

/**
 * Called for every 403 answer to a write: a viewer (or a user on an admin setting) learns why
 * nothing happened, whatever screen sent it. The same message is not stacked twice.
 */
export function reportForbidden(detail: string): void {
  const advice = /csrf/i.test(detail)
    ? 'Reload the page and try again.'
    : 'Ask an admin if you need this permission.';
  const description = `${detail} ${advice}`;
  const shown = useUiStore.getState().toasts.some((toast) => toast.description === description);
  if (!shown) showToast({ variant: 'error', title: 'Not allowed', description });
}

/** The server no longer knows this browser: the app routes to the login page. */
export function reportUnauthorized(): void {
  useAuthStore.getState().markSessionExpired();
}

async function detailOfResponse(response: Response): Promise<string> {
  let body: unknown = null;
  try {
    body = (await response.clone().json()) as unknown;
  } catch {
    // Not JSON: fall back to the status text.
  }
  return plainDetailOf(response.statusText || 'Forbidden', body);
}

/** Adds the CSRF header to writes; routes 401s to the login page and explains 403s on writes. */
export const authMiddleware: Middleware = {
  onRequest({ request }) {
    const headers = csrfHeaders(request.method);
    for (const [name, value] of Object.entries(headers)) request.headers.set(name, value);
    return request;
  },
  async onResponse({ request, response }) {
    if (isAuthFormRequest(request.url)) return undefined;
    if (response.status === 401) reportUnauthorized();
    else if (response.status === 403 && !SAFE_METHODS.has(request.method)) {
      reportForbidden(await detailOfResponse(response));
    }
    return undefined;
  },
};

/**
 * Typed client for the backend REST API (types generated from src/api/openapi.json).
 * Paths are same-origin: the backend serves this app, and the Vite dev server proxies /api.
 * `fetch` is looked up on each call so tests can stub it.
 */
export const api = createClient<paths>({
  baseUrl: '',
  credentials: 'same-origin',
  fetch: (request) => globalThis.fetch(request),
});
api.use(authMiddleware);
