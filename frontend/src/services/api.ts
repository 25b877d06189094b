import createClient from 'openapi-fetch';

import type { paths } from '@/api/schema';

/**
 * Typed client for the backend REST API (types generated from src/api/openapi.json).
 * Paths are same-origin: the backend serves this app, and the Vite dev server proxies /api.
 * `fetch` is looked up on each call so tests can stub it.
 */
export const api = createClient<paths>({
  baseUrl: '',
  fetch: (request) => globalThis.fetch(request),
});
