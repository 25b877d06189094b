import { act, screen, waitFor } from '@testing-library/react';

import { HEALTH_POLL_INTERVAL_MS, systemKeys } from '@/hooks/useSystem';
import { useUiStore } from '@/store/uiStore';
import {
  HEALTHY,
  jsonResponse,
  mockFetch,
  mockHealthyBackend,
  renderRoute,
  SYSTEM_INFO,
} from '@/test/utils';

async function expectBackendStatus(text: string): Promise<void> {
  await waitFor(() => {
    expect(screen.getByTestId('backend-status')).toHaveTextContent(text);
  });
}

describe('Header backend status', () => {
  it('shows healthy and the app version when the backend answers', async () => {
    const fetchMock = mockHealthyBackend();
    renderRoute('/');
    await expectBackendStatus('Backend: healthy');
    expect(await screen.findByTestId('app-version')).toHaveTextContent('v0.1.0');
    const requested = fetchMock.mock.calls.map(
      ([input]) => new URL((input as Request).url).pathname,
    );
    expect(requested).toContain('/api/v1/system/health');
    expect(requested).toContain('/api/v1/system/info');
  });

  it('shows degraded when the database check fails', async () => {
    mockFetch({
      '/api/v1/system/health': () =>
        jsonResponse({ ...HEALTHY, status: 'degraded', database: { ok: false, detail: 'locked' } }),
      '/api/v1/system/info': () => jsonResponse(SYSTEM_INFO),
    });
    renderRoute('/');
    await expectBackendStatus('Backend: degraded');
  });

  it('shows unreachable when the request fails', async () => {
    mockFetch({});
    renderRoute('/');
    await expectBackendStatus('Backend: unreachable');
    expect(screen.queryByTestId('app-version')).not.toBeInTheDocument();
  });

  it('shows unreachable on an HTTP error', async () => {
    mockFetch({
      '/api/v1/system/health': () => jsonResponse({ detail: 'boom' }, 500),
    });
    renderRoute('/');
    await expectBackendStatus('Backend: unreachable');
  });

  it('shows checking before the first answer', () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() => new Promise<Response>(() => undefined)),
    );
    renderRoute('/');
    expect(screen.getByTestId('backend-status')).toHaveTextContent('Backend: checking');
  });

  it('raises a toast when a healthy backend becomes unreachable', async () => {
    let up = true;
    mockFetch({
      '/api/v1/system/health': () =>
        up ? jsonResponse(HEALTHY) : Promise.reject(new TypeError('Failed to fetch')),
      '/api/v1/system/info': () => jsonResponse(SYSTEM_INFO),
    });
    const { queryClient } = renderRoute('/');
    await expectBackendStatus('Backend: healthy');
    up = false;
    // Real polling waits 10 s; trigger the next poll directly.
    await queryClient.refetchQueries({ queryKey: systemKeys.health });
    await expectBackendStatus('Backend: unreachable');
    expect(await screen.findByText('Backend unreachable')).toBeInTheDocument();
    expect(useUiStore.getState().toasts.map((toast) => toast.variant)).toEqual(['error']);
  });

  it('polls every 10 s and recovers when the backend comes back', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      let up = false;
      mockFetch({
        '/api/v1/system/health': () =>
          up ? jsonResponse(HEALTHY) : Promise.reject(new TypeError('Failed to fetch')),
        '/api/v1/system/info': () => jsonResponse(SYSTEM_INFO),
      });
      renderRoute('/');
      await expectBackendStatus('Backend: unreachable');
      up = true;
      await act(() => vi.advanceTimersByTimeAsync(HEALTH_POLL_INTERVAL_MS));
      await expectBackendStatus('Backend: healthy');
      expect(await screen.findByText('Backend reachable again')).toBeInTheDocument();
    } finally {
      vi.useRealTimers();
    }
  });
});
