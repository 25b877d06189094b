export const LOGIN_PATH = '/login';

/** The login page, remembering where to come back to. */
export function loginPathFor(location: { pathname: string; search: string; hash: string }): string {
  const next = `${location.pathname}${location.search}${location.hash}`;
  return `${LOGIN_PATH}?next=${encodeURIComponent(next)}`;
}

/**
 * Where to go after signing in: an in-app path only (never another origin such as `//evil.example`,
 * never the login page itself); anything else goes to the dashboard.
 */
export function safeNextPath(raw: string | null): string {
  if (!raw?.startsWith('/')) return '/';
  if (raw.startsWith('//') || raw.startsWith('/\\')) return '/';
  const { pathname } = new URL(raw, 'http://app.invalid');
  return pathname === LOGIN_PATH ? '/' : raw;
}
