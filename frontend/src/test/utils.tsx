import { QueryClient } from '@tanstack/react-query';
import { render, type RenderResult } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { vi, type Mock } from 'vitest';

import type { HealthResponse, SystemInfo } from '@/services/system.service';
import { AppProviders } from '@/providers';
import { routes } from '@/routes';

export function createTestQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: { queries: { retry: false, gcTime: Infinity, refetchOnWindowFocus: false } },
  });
}

/** Renders the real route tree at `path` with a fresh query cache. */
export function renderRoute(path: string): RenderResult & {
  router: ReturnType<typeof createMemoryRouter>;
  queryClient: QueryClient;
} {
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const queryClient = createTestQueryClient();
  const result = render(
    <AppProviders queryClient={queryClient}>
      <RouterProvider router={router} />
    </AppProviders>,
  );
  return { ...result, router, queryClient };
}

export const HEALTHY: HealthResponse = {
  status: 'healthy',
  database: { ok: true, detail: null },
  version: '0.1.0',
};

export const SYSTEM_INFO: SystemInfo = {
  app_version: '0.1.0',
  python_version: '3.11.2',
  platform: 'Linux-6.1-x86_64',
  data_dir: '/var/lib/crackdet',
  database_backend: 'sqlite',
  packages: {
    torch: '2.14.1',
    torchvision: '0.29.1',
    ultralytics: '8.4.190',
    rfdetr: null,
    onnxruntime: null,
    roboflow: null,
  },
};

export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

type Handler = () => Response | Promise<Response>;

/**
 * Stubs global fetch with a handler per URL path. Paths without a handler fail like an
 * unreachable server (fetch rejects with a TypeError).
 */
export function mockFetch(handlers: Record<string, Handler>): Mock<typeof fetch> {
  const fetchMock = vi.fn<typeof fetch>((input) => {
    const url = new URL(
      input instanceof Request ? input.url : String(input),
      window.location.origin,
    );
    const handler = handlers[url.pathname];
    if (handler === undefined) return Promise.reject(new TypeError('Failed to fetch'));
    return Promise.resolve(handler());
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

/** A backend that answers health and info like a healthy server. */
export function mockHealthyBackend(): Mock<typeof fetch> {
  return mockFetch({
    '/api/v1/system/health': () => jsonResponse(HEALTHY),
    '/api/v1/system/info': () => jsonResponse(SYSTEM_INFO),
  });
}
