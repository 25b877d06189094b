import type { ApiToken, UserRole } from '@/services/auth.service';

export const ROLE_LABELS: Record<UserRole, string> = {
  admin: 'Admin',
  user: 'User',
  viewer: 'Viewer',
};

export const ROLE_DESCRIPTIONS: Record<UserRole, string> = {
  admin: 'everything, including accounts and server settings',
  user: 'everything except accounts and server settings',
  viewer: 'read only',
};

export const ROLES: readonly UserRole[] = ['admin', 'user', 'viewer'];

const DATE_TIME = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A server timestamp for people; `fallback` when there is none. */
export function formatTimestamp(value: string | null, fallback = 'never'): string {
  if (value === null) return fallback;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : DATE_TIME.format(date);
}

export type TokenState = 'active' | 'revoked' | 'expired';

export function tokenStateOf(token: ApiToken, now: Date = new Date()): TokenState {
  if (token.revoked) return 'revoked';
  if (token.expires_at !== null && new Date(token.expires_at) <= now) return 'expired';
  return 'active';
}
